#!/usr/bin/env python3
"""daemon_report.py - the table and budgets of one daemon_bench.sh run.

    daemon_report.py RESULTS BURST VERDICTS

RESULTS: key=value lines written by daemon_bench.sh; BURST: the samples
taken during the burst ("ms probes_run cpu_ticks rss_kb" per line).
Prints the report and writes one "PASS name: ..." or "FAIL name: ..."
line per budget to VERDICTS.
"""

import math
import statistics
import sys

from kv import load

IDLE_CPU_PCT = 1.0
RSS_MIB = 200
STORE_RATE = 20000
LOG_SLACK = 2.0		# instructions may grow at most 2x faster than log2 n


def main():
    kv = load(sys.argv[1])
    verdicts = []

    def f(k, d=float("nan")):
        try:
            return float(kv[k])
        except (KeyError, ValueError):
            return d

    def verdict(name, ok, text):
        verdicts.append(f"{'PASS' if ok else 'FAIL'} {name}: {text}")

    def row(label, val, unit="", base=None, fmt="{:10.1f}"):
        v = fmt.format(val) if val == val else f"{'-':>10}"
        ratio = f"{val / base:8.2f}x" if base and val == val else ""
        print(f"  {label:<54} {v} {unit:<6} {ratio}")

    n = int(f("d.burst_probes", 0))
    print("issue 4 point 9: smtprobed with many targets")
    print(f"  host: {kv.get('host.cpus')} CPUs, load before "
          f"{kv.get('host.load_before')}, after {kv.get('host.load_after')}")
    print()
    print("daemon (baseline: the same daemon with 1 target)")
    row("1 target: RSS", f("one.rss_kb") / 1024, "MiB")
    row("1 target: CPU while idle (% of a core, "
        f"{kv.get('one.idle_s')} s)", f("one.idle_cpu_pct"), "%",
        fmt="{:10.3f}")
    print(f"  {'1 target: wake-ups per thread while idle':<54} "
          f"{kv.get('one.idle_wakeups', '-')}")
    row("targets", f("d.burst_probes"), "", fmt="{:10.0f}")
    row("`smtprobed -n` (parse the configuration)", f("d.check_ms"), "ms")
    row("start-up to the first control reply", f("d.start_ms"), "ms",
        f("one.start_ms"))
    row("burst: first runs, wall", f("d.burst_s"), "s")
    row("burst: probes per second", f("d.burst_rate"), "/s", fmt="{:10.0f}")
    row("burst: CPU (% of a core)", f("d.burst_cpu_pct"), "%")
    row("burst: CPU per probe", f("d.burst_cpu_ms_per_probe"), "ms",
        fmt="{:10.3f}")
    row(f"idle: CPU (% of a core, {kv.get('d.idle_s')} s)",
        f("d.idle_cpu_pct"), "%", f("one.idle_cpu_pct") or None,
        fmt="{:10.3f}")
    print(f"  {'idle: wake-ups per thread':<54} "
          f"{kv.get('d.idle_wakeups', '-')}")
    print(f"  {'idle: probes run before / after the window':<54} "
          f"{kv.get('d.probes_before')} / {kv.get('d.probes_after')}"
          f" (in flight after: {kv.get('d.in_flight_after')})")
    row("RSS after the burst", f("d.rss_kb") / 1024, "MiB",
        f("one.rss_kb") / 1024)
    row("peak RSS (VmHWM)", f("d.hwm_kb") / 1024, "MiB",
        f("one.hwm_kb") / 1024)
    per = (f("d.rss_kb") - f("one.rss_kb")) / max(n, 1)
    row("RSS per target (over the 1-target daemon)", per, "KiB",
        fmt="{:10.2f}")
    row("store rows after the burst", f("d.store_rows"), "",
        fmt="{:10.0f}")
    row("control `reload` round trip (loop blocked)", f("d.reload_ms"), "ms")
    row("SIGTERM to exit", f("d.stop_ms"), "ms", f("one.stop_ms"))
    print(f"  {'responder: sessions / commands served':<54} "
          f"{kv.get('responder.sessions')} / {kv.get('responder.commands')}")
    print()

    sizes = sorted({int(k.split(".")[1]) for k in kv
                    if k.startswith("reload.") and k.endswith(".start_ms")})
    if sizes:
        print("reload time against the number of targets (interval 30d)")
        base = None
        bn = None
        for s in sizes:
            ms = min(f(f"reload.{s}.reload1.ms"), f(f"reload.{s}.reload2.ms"))
            if base is None:
                base, bn = ms, s
            row(f"{s} targets: reload (best of 2)", ms, "ms", base)
            row(f"{s} targets: `smtprobed -n` (parse only)",
                f(f"reload.{s}.check_ms"), "ms")
            row(f"{s} targets: start-up", f(f"reload.{s}.start_ms"), "ms")
        if len(sizes) > 1:
            k = sizes[-1] / bn
            print(f"  targets x{k:.0f}: linear would be x{k:.0f}, "
                  f"quadratic x{k * k:.0f}")
        print()

    runs = sorted({k.split(".")[1] for k in kv
                   if k.startswith("store.run") and k.endswith(".rate")})
    if runs:
        st = statistics.median([f(f"store.{r}.rate") for r in runs])
        base = [f(f"base.{r}.rate") for r in runs if f"base.{r}.rate" in kv]
        bs = statistics.median(base) if base else float("nan")
        cpu = [f(f"store.{r}.cpu_rate") for r in runs
               if f"store.{r}.cpu_rate" in kv]
        prod = [f(f"store.{r}.producer_us") for r in runs
                if f"store.{r}.producer_us" in kv]
        print(f"store (median of {len(runs)} runs of "
              f"{int(f('store.run1.n', 0))} results; baseline: the same "
              "rows straight into SQLite)")
        row("sqlite_base: plain inserts, 500 per transaction (baseline)", bs,
            "/s", fmt="{:10.0f}")
        row("store_rate: results per second (first add to flushed)", st,
            "/s", bs, fmt="{:10.0f}")
        if cpu:
            row("store_rate: results per writer-thread CPU second",
                statistics.median(cpu), "/s", bs, fmt="{:10.0f}")
        if prod:
            row("store_rate: caller's CPU per store_add_session",
                statistics.median(prod), "us", fmt="{:10.2f}")
        sb = [f(f"sb.{r}.rate") for r in runs if f"sb.{r}.rate" in kv]
        sbx = [kv[f"sb.{r}.exit"] for r in runs if f"sb.{r}.exit" in kv]
        if sb:
            row("tests/tools/store_bench: results per second",
                statistics.median(sb), "/s", bs, fmt="{:10.0f}")
        if sbx:
            print(f"  {'tests/tools/store_bench':<54} failed: exit "
                  f"{', '.join(sbx)}")
        verdict("store.rate", st >= STORE_RATE,
                f"{st:.0f} results/s (budget >= {STORE_RATE})")
        print()

    ns = sorted({int(k.split(".")[1]) for k in kv
                 if k.startswith("tt.") and k.endswith(".ns")})
    if ns:
        print("scheduler: lib/timetable pop + put per due target")
        print(f"  {'n':>9} {'ns/cycle':>10} {'x n=' + str(ns[0]):>9} "
              f"{'log2 n x':>9} {'instr/cycle':>12} {'x':>6} "
              f"{'linear scan ns':>15}")
        i0 = f(f"tt.{ns[0]}.ir")
        for s in ns:
            ir = f(f"tt.{s}.ir")
            irs = f"{ir:12.0f}" if ir == ir else f"{'-':>12}"
            irx = f"{ir / i0:6.2f}" if ir == ir and i0 == i0 else f"{'-':>6}"
            sc = f(f"tt.{s}.scan_ns")
            scs = f"{sc:15.0f}" if sc == sc else f"{'-':>15}"
            print(f"  {s:>9} {f(f'tt.{s}.ns'):10.1f} "
                  f"{f(f'tt.{s}.growth'):9.2f} "
                  f"{f(f'tt.{s}.log_growth'):9.2f} {irs} {irx} {scs}")
        last = ns[-1]
        ir_last = f(f"tt.{last}.ir")
        lg = math.log2(last) / math.log2(ns[0])
        if ir_last == ir_last and i0 == i0:
            g = ir_last / i0
            verdict("sched.log-n", g <= LOG_SLACK * lg,
                    f"instructions per due target x{g:.2f} from n={ns[0]} "
                    f"to n={last} (log2 n x{lg:.2f}; budget <= "
                    f"x{LOG_SLACK * lg:.2f}; linear would be "
                    f"x{last / ns[0]:.0f})")
        else:
            g = f(f"tt.{last}.growth")
            verdict("sched.log-n", g <= LOG_SLACK * lg,
                    f"wall time per due target x{g:.2f} from n={ns[0]} to "
                    f"n={last} (no valgrind: wall time, cache misses "
                    f"included; log2 n x{lg:.2f})")
        print()

    idle = f("d.idle_cpu_pct")
    quiet = kv.get("d.probes_before") == kv.get("d.probes_after") and \
        kv.get("d.in_flight_after") == "0"
    verdict("daemon.idle-cpu", idle < IDLE_CPU_PCT and quiet,
            f"{idle:.3f}% of a core over {kv.get('d.idle_s')} s with "
            f"{n} targets (budget < {IDLE_CPU_PCT}%)" +
            ("" if quiet else "; probes ran in the window"))
    rss = max(f("d.rss_kb"), f("d.hwm_kb")) / 1024
    verdict("daemon.rss", rss < RSS_MIB,
            f"peak {rss:.1f} MiB with {n} targets (budget < {RSS_MIB} MiB)")
    if "d.burst_incomplete" in kv:
        verdict("daemon.burst", False, "only "
                f"{kv['d.burst_incomplete']} first runs before the deadline")
    for k in kv:
        if k.endswith(".failed"):
            verdict("daemon.runs", False, f"{k}={kv[k]}")
    print("budgets")
    for v in verdicts:
        print("  " + v)
    with open(sys.argv[3], "w") as out:
        out.write("\n".join(verdicts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
