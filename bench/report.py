#!/usr/bin/env python3
"""report.py - the table, ratios and budgets of one bench/run.sh run.

    report.py RESULTS SAMPLES_DIR VERDICTS

RESULTS holds the key=value lines every benchmark program printed.
Measurements taken in chunks (tag.CHUNK.key, e.g. eng.3.cpu_us) are
pooled: CPU per probe weighted by the number of probes, wall-time
percentiles from every sample in SAMPLES_DIR/TAG.txt. Prints the report
on stdout and writes one "PASS name" or "FAIL name: why" line per budget
to VERDICTS.
"""

import os
import re
import statistics
import sys

from kv import load, num

CHUNKED = ("eng", "engqa", "raw", "nagios", "cli")


def percentile(values, p):
    """Nearest rank, as bench/stats.c computes it."""
    if not values:
        return None
    v = sorted(values)
    rank = max(1, min(len(v), int(p / 100.0 * len(v) + 0.999999)))
    return v[rank - 1]


def samples(sdir, tag):
    path = os.path.join(sdir, tag + ".txt")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [int(x) for x in f if x.strip()]


def pool(kv, sdir, tag):
    """One row for tag: pooled over its chunks, or as printed."""
    chunks = sorted({int(m.group(1)) for k in kv
                     for m in [re.match(re.escape(tag) + r"\.(\d+)\.n$", k)]
                     if m})
    prefixes = [f"{tag}.{c}." for c in chunks] or [f"{tag}."]
    n = ok = 0
    cpu = user = sys_ = wake = 0.0
    per_chunk = []
    for p in prefixes:
        cn = num(kv, p + "n")
        if cn is None:
            continue
        n += cn
        ok += num(kv, p + "ok", 0)
        cpu += num(kv, p + "cpu_us", 0) * cn
        user += num(kv, p + "cpu_user_us", 0) * cn
        sys_ += num(kv, p + "cpu_sys_us", 0) * cn
        wake += num(kv, p + "wakeups", 0) * cn
        per_chunk.append(num(kv, p + "cpu_us", 0))
    if n == 0:
        return None
    w = samples(sdir, tag)
    row = {
        "n": int(n), "ok": int(ok), "cpu": cpu / n, "user": user / n,
        "sys": sys_ / n, "wake": wake / n, "chunks": per_chunk,
        "med": percentile(w, 50) if w else num(kv, prefixes[0] + "wall_med_us"),
        "p99": percentile(w, 99) if w else num(kv, prefixes[0] + "wall_p99_us"),
    }
    row["stalls"] = sum(num(kv, p + "stalls", 0) for p in prefixes)
    for key in ("tls", "phase_med_us", "worst_step", "probes_per_s"):
        vals = [kv[p + key] for p in prefixes if p + key in kv]
        row[key] = vals[-1] if vals else ""
    return row


def ms(us):
    return "-" if us is None else f"{us / 1000:.2f}"


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: report.py RESULTS SAMPLES_DIR VERDICTS")
    kv = load(sys.argv[1])
    sdir = sys.argv[2]
    verdicts = []
    out = []

    def say(s=""):
        out.append(s)

    def verdict(name, ok, why):
        verdicts.append(f"PASS {name}" if ok else f"FAIL {name}: {why}")
        return "holds" if ok else "FAILS"

    rows = {t: pool(kv, sdir, t) for t in
            CHUNKED + ("eng16", "rawidle")}
    # openssl s_time: one process, its connections counted from its output
    conns = num(kv, "stime.conns")
    if conns and num(kv, "stime.cpu_us") is not None:
        rows["stime"] = {
            "n": int(conns), "ok": int(conns),
            "cpu": num(kv, "stime.cpu_us") / conns,
            "user": num(kv, "stime.cpu_user_us") / conns,
            "sys": num(kv, "stime.cpu_sys_us") / conns,
            "wake": num(kv, "stime.wakeups", 0) / conns,
            "med": None, "p99": None, "chunks": [], "stalls": 0,
        }

    labels = [
        ("eng", "smtprobe engine, STARTTLS probe, sequential"),
        ("eng16", "smtprobe engine, STARTTLS probe, "
                  f"{kv.get('eng16.conc', '16')} at once"),
        ("raw", "raw TLS handshake (raw_tls, implicit TLS)"),
        ("stime", "openssl s_time -new (same port)"),
        ("nagios", "check_smtp -S (process per probe)"),
        ("cli", "smtprobe check --json (process per probe)"),
        ("engqa", "diag: engine + TCP_QUICKACK shim"),
        ("rawidle", "diag: raw handshake after 40 ms idle"),
    ]
    say(f"machine: {kv.get('host.cpus', '?')} CPUs, load average "
        f"{kv.get('host.load_before', '?')} before, "
        f"{kv.get('host.load_after', '?')} after; "
        f"{kv.get('host.openssl', '')}; {kv.get('host.postfix', '')}")
    if rows.get("eng"):
        say(f"TLS: engine {rows['eng'].get('tls', '?')}; "
            f"raw {kv.get('raw.1.tls', kv.get('raw.tls', '?'))}; "
            f"server key {kv.get('host.keytype', '?')}")
    resumed = sum(int(v) for k, v in kv.items()
                  if re.match(r"raw(\.\d+)?\.resumed$", k))
    say(f"full handshakes only: the engine's and raw_tls's contexts keep no "
        f"session cache or tickets; raw_tls saw {resumed} resumed")
    say()
    hdr = (f"{'':46} {'ok/n':>9} {'CPU us':>8} {'user':>7} {'sys':>7} "
           f"{'waits':>6} {'wall med ms':>11} {'p99 ms':>8}")
    say(hdr)
    say("-" * len(hdr))
    for tag, label in labels:
        r = rows.get(tag)
        if r is None:
            say(f"{label:46} {'not run':>9}")
            continue
        say(f"{label:46} {r['ok']:>4}/{r['n']:<4} {r['cpu']:>8.0f} "
            f"{r['user']:>7.0f} {r['sys']:>7.0f} {r['wake']:>6.1f} "
            f"{ms(r['med']):>11} "
            f"{ms(r['p99']):>8}")
    say()
    for tag in ("eng", "engqa", "eng16"):
        r = rows.get(tag)
        if r and r.get("phase_med_us"):
            say(f"{tag} phase medians (us): {r['phase_med_us']}")
            say(f"{tag} steps >= 35 ms: {int(r['stalls'])}, slowest step "
                f"{r.get('worst_step', '?')} us"
                + (f", {r['probes_per_s']} probes/s"
                   if r.get('probes_per_s') else ""))
    say()

    # ---- budgets --------------------------------------------------------
    eng, raw, nag = rows.get("eng"), rows.get("raw"), rows.get("nagios")
    say("budgets")
    if eng and raw:
        ratio = eng["cpu"] / raw["cpu"]
        chunk_ratios = [e / r for e, r in zip(eng["chunks"], raw["chunks"])
                        if r]
        st = verdict("cpu.engine-vs-raw", ratio <= 1.5,
                     f"engine {eng['cpu']:.0f} us = {ratio:.2f}x raw "
                     f"{raw['cpu']:.0f} us (budget 1.5x)")
        say(f"  engine CPU/probe <= 1.5 x raw handshake: {eng['cpu']:.0f} / "
            f"{raw['cpu']:.0f} us = {ratio:.2f}x  -> {st}")
        if len(chunk_ratios) > 1:
            say(f"    per chunk (interleaved): min {min(chunk_ratios):.2f}x, "
                f"median {statistics.median(chunk_ratios):.2f}x, "
                f"max {max(chunk_ratios):.2f}x")
        qa = rows.get("engqa")
        if qa:
            say(f"    diag: engine without the 40 ms stall (quickack shim): "
                f"{qa['cpu']:.0f} us = {qa['cpu'] / raw['cpu']:.2f}x raw")
        ri = rows.get("rawidle")
        if ri:
            say(f"    diag: raw handshake after 40 ms idle: {ri['cpu']:.0f} us "
                f"= {ri['cpu'] / raw['cpu']:.2f}x raw back to back")
        ce, cr = num(kv, "cg.eng_ir"), num(kv, "cg.raw_ir")
        if ce and cr:
            say(f"    instructions (callgrind, user space): engine "
                f"{ce / 1e6:.2f} M"
                f" / raw {cr / 1e6:.2f} M per probe = {ce / cr:.2f}x")
    if nag and eng:
        ratio = nag["cpu"] / eng["cpu"]
        st = verdict("cpu.check_smtp-vs-engine", ratio >= 3,
                     f"check_smtp {nag['cpu']:.0f} us = {ratio:.1f}x engine "
                     f"(budget >= 3x)")
        say(f"  check_smtp CPU/probe >= 3 x engine: {nag['cpu']:.0f} / "
            f"{eng['cpu']:.0f} us = {ratio:.1f}x  -> {st}")
    if eng:
        good = eng["med"] is not None and eng["med"] < 10000
        st = verdict("wall.median", good,
                     f"median {ms(eng['med'])} ms (budget < 10 ms)")
        say(f"  engine median wall time/probe < 10 ms: {ms(eng['med'])} ms"
            f"  -> {st}")
        st = verdict("wall.no-stalls", eng["stalls"] == 0,
                     f"{int(eng['stalls'])} steps took >= 35 ms "
                     f"(slowest {eng.get('worst_step', '?')} us)")
        say(f"  no 40 ms Nagle/delayed-ACK stall (steps >= 35 ms): "
            f"{int(eng['stalls'])} in {eng['n']} probes  -> {st}")
    for tag in ("eng", "eng16", "raw", "nagios", "cli", "engqa"):
        r = rows.get(tag)
        if r is not None and r["ok"] != r["n"]:
            verdict(f"probes.{tag}", False, f"{r['n'] - r['ok']} of {r['n']} "
                    "probes did not complete")
    say()

    # ---- memory ---------------------------------------------------------
    say("memory per concurrent session (held against a tarpit)")
    say(f"  {'':33} {'held':>10} {'heap B':>8} {'OpenSSL B':>10} "
        f"{'beyond OpenSSL B':>17} {'RSS B':>8}")
    for tag, label in (("memplain", "plain, waiting for greeting"),
                       ("memtls", "inside TLS, waiting for greeting")):
        if num(kv, tag + ".k") is None:
            say(f"  {label:33} not run")
            continue
        held = f"{kv.get(tag + '.held')}/{kv.get(tag + '.k')}"
        say(f"  {label:33} {held:>10} "
            f"{num(kv, tag + '.heap_per_session', 0):>8.0f} "
            f"{num(kv, tag + '.openssl_per_session', 0):>10.0f} "
            f"{num(kv, tag + '.beyond_openssl_per_session', 0):>17.0f} "
            f"{num(kv, tag + '.rss_per_session', 0):>8.0f}")
        if kv.get(tag + ".held") != kv.get(tag + ".k"):
            verdict(f"memory.{tag}", False, "not every session was held")
    if "memplain.sizeof_smtp_result" in kv:
        say("  (sizeof(struct smtp_result) = "
            f"{kv['memplain.sizeof_smtp_result']} B"
            " of that, in every session)")
    say()

    # ---- allocations ----------------------------------------------------
    say("allocations (malloc_count.so)")
    if num(kv, "alloc.allocs") is not None:
        say(f"  STARTTLS probe: {num(kv, 'alloc.allocs'):.0f} per probe, "
            "of which "
            f"OpenSSL {num(kv, 'alloc.allocs_openssl'):.0f}, the rest "
            f"(engine, libevent, libc) {num(kv, 'alloc.allocs_other'):.0f}")
    if num(kv, "rawalloc.allocs") is not None:
        say("  raw TLS handshake: "
            f"{num(kv, 'rawalloc.allocs'):.0f} per handshake")
    if kv.get("lines.counted") == "1":
        for i in range(3):
            p = f"lines.{i}."
            say(f"  plain probe, EHLO reply of {kv.get(p + 'ehlo_lines')} "
                "line(s), "
                f"{num(kv, p + 'bytes_in', 0):.0f} bytes in: "
                f"{num(kv, p + 'allocs', 0):.2f} allocations per probe")
        apl = num(kv, "lines.allocs_per_line", 0)
        apk = num(kv, "lines.allocs_per_kib", 0)
        # lib/conn.c reads into one buffer allocated once per session:
        # neither more lines nor more bytes may cost allocations (the
        # transcript's doublings are the 0.03 per line)
        good = apl < 0.05 and apk < 0.05
        st = verdict("allocs.read-path", good,
                     f"{apl:.3f} allocations per extra line, {apk:.3f} per "
                     "extra KiB")
        say(f"  per extra reply line: {apl:.3f}; per extra KiB received: "
            f"{apk:.3f} (one input buffer per session, allocated once)"
            f"  -> {st}")
    say()
    print("\n".join(out))
    with open(sys.argv[3], "w") as f:
        f.write("\n".join(verdicts) + "\n")


if __name__ == "__main__":
    main()
