#!/usr/bin/env python3
"""proof_report.py - the table, ratios and budgets of one bench/proof.sh run.

    proof_report.py RESULTS OUTDIR VERDICTS

RESULTS holds the key=value lines of every program bench/proof.sh ran;
rows measured in chunks (TAG.CHUNK.key) are pooled, CPU weighted by the
number of probes. OUTDIR may hold sites.plain.txt and sites.tls.txt
(bench/heapsite.py), appended to the memory section. Prints the report
and writes one "PASS name" or "FAIL name: why" line per budget to
VERDICTS.
"""

import os
import re
import statistics
import sys

from kv import load, num

ROWS = [
    ("eng", "smtprobe engine, STARTTLS probe (probe_bench)"),
    ("dmn", "smtprobed, `probe` over the control socket"),
    ("bbx", "blackbox_exporter smtp_starttls (/probe)"),
    ("many", "smtprobed, own schedule, back to back"),
    ("sched", "smtprobed, own schedule, one a second"),
    ("bbxpaced", "blackbox_exporter, asked once a second"),
    ("bbxplain", "diag: blackbox_exporter, same without TLS"),
    ("raw", "raw TLS handshake (raw_tls, implicit TLS)"),
    ("stime", "openssl s_time -new (same port)"),
    ("stimem", "openssl s_time -new, between smtprobed rounds"),
    ("nagios", "check_smtp -S (process per probe)"),
]


def chunks_of(kv, tag):
    return sorted({int(m.group(1)) for k in kv
                   for m in [re.match(re.escape(tag) + r"\.(\d+)\.n$", k)]
                   if m})


def pool(kv, tag):
    """tag's row pooled over its chunks (or as printed, unchunked)."""
    cs = chunks_of(kv, tag)
    keys = ["%s.%d" % (tag, c) for c in cs] if cs else [tag]
    row = {"n": 0, "ok": 0, "cpu": 0.0, "user": 0.0, "sys": 0.0,
           "sched": 0.0, "has_sched": True, "meds": [], "p99s": [],
           "hs": 0, "resumed": 0, "failed": False, "per_chunk": {}}
    for k in keys:
        n = num(kv, k + ".n")
        if n is None or n <= 0:
            row["failed"] = True
            continue
        conns = num(kv, k + ".conns")
        if conns:
            # one process (openssl s_time) that made conns handshakes:
            # its CPU is the run's total
            row["n"] += conns
            row["ok"] += conns if num(kv, k + ".ok", 0) >= n else 0
            for f, key in (("cpu", "cpu_us"), ("user", "cpu_user_us"),
                           ("sys", "cpu_sys_us")):
                row[f] += num(kv, k + "." + key, 0) * n
            row["has_sched"] = False
            row["hs"] += num(kv, k + ".tls_handshakes", 0)
            row["resumed"] += num(kv, k + ".tls_resumed", 0)
            row["per_chunk"][k] = num(kv, k + ".cpu_us", 0) / conns
            continue
        row["n"] += n
        row["ok"] += num(kv, k + ".ok", 0)
        row["cpu"] += num(kv, k + ".cpu_us", 0) * n
        row["user"] += num(kv, k + ".cpu_user_us", 0) * n
        row["sys"] += num(kv, k + ".cpu_sys_us", 0) * n
        s = num(kv, k + ".sched_cpu_us")
        if s is None:
            row["has_sched"] = False
        else:
            row["sched"] += s * n
        if num(kv, k + ".wall_med_us") is not None:
            row["meds"].append(num(kv, k + ".wall_med_us"))
            row["p99s"].append(num(kv, k + ".wall_p99_us"))
        row["hs"] += num(kv, k + ".tls_handshakes", 0)
        row["resumed"] += num(kv, k + ".tls_resumed", 0)
        row["per_chunk"][k] = num(kv, k + ".cpu_us")
        if k + ".failed" in kv:
            row["failed"] = True
    if row["n"] > 0:
        for f in ("cpu", "user", "sys", "sched"):
            row[f] /= row["n"]
    return row


def per_chunk(rows, a, b):
    """a's CPU per probe over b's, chunk by chunk (same chunk numbers)."""
    out = []
    for k, x in sorted(rows[a]["per_chunk"].items(),
                       key=lambda kx: int(kx[0].rsplit(".", 1)[1])):
        y = rows[b]["per_chunk"].get(b + k[len(a):])
        if x and y:
            out.append(x / y)
    return out


def print_per_chunk(what, per):
    if per:
        print("    %s: %s (median %.2fx)" % (
            what, ", ".join("%.2fx" % x for x in per),
            statistics.median(per)))


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    kv = load(sys.argv[1])
    outdir = sys.argv[2]
    verdicts = []

    def judge(name, ok, why):
        verdicts.append(("PASS %s" % name) if ok else
                        ("FAIL %s: %s" % (name, why)))
        return "holds" if ok else "FAILS"

    print("machine: %s CPUs, load average %s before, %s after; %s; %s; "
          "blackbox_exporter %s" % (
              kv.get("host.cpus", "?"), kv.get("host.load_before", "?"),
              kv.get("host.load_after", "?"), kv.get("host.openssl", "?"),
              kv.get("host.postfix", "?"), kv.get("host.blackbox", "?")))
    print("CPU of the prober's own process(es) per probe: getrusage for "
          "the engine, raw_tls and check_smtp;")
    print("/proc/PID/stat of the long-running process for smtprobed and "
          "blackbox_exporter (schedstat alongside)")
    print()
    hdr = ("%-46s %9s %7s %6s %6s %8s %9s %8s %9s" % (
        "", "ok/n", "CPU us", "user", "sys", "schedst", "wall med", "p99 ms",
        "full/res"))
    print(hdr)
    print("-" * len(hdr))
    rows = {}
    for tag, label in ROWS:
        row = pool(kv, tag)
        rows[tag] = row
        if row["n"] == 0:
            print("%-46s %9s" % (label, "missing"))
            continue
        med = ("%9.2f" % (statistics.median(row["meds"]) / 1000)
               if row["meds"] else "%9s" % "-")
        p99 = ("%8.2f" % (max(row["p99s"]) / 1000)
               if row["p99s"] else "%8s" % "-")
        sched = ("%8.0f" % row["sched"] if row["has_sched"] and
                 row["sched"] > 0 else "%8s" % "-")
        print("%-46s %4d/%-4d %7.0f %6.0f %6.0f %s %s %s %4d/%d" % (
            label, row["ok"], row["n"], row["cpu"], row["user"], row["sys"],
            sched, med, p99, row["hs"] - row["resumed"], row["resumed"]))
    print()
    print("wall med: median of the chunks' medians; p99: the largest "
          "chunk p99. full/res: handshakes Postfix logged")
    print("in the row's window with a server signature (full) and without "
          "(resumed); rows include their warm-up probes.")
    print("The two one-a-second rows ran together: their handshakes are "
          "counted once, on the smtprobed row.")
    print()

    eng, dmn, sched, bbx = rows["eng"], rows["dmn"], rows["sched"], \
        rows["bbx"]
    raw, nag = rows["raw"], rows["nagios"]
    print("budgets")

    def ratio(a, b):
        return a["cpu"] / b["cpu"] if a["n"] and b["n"] and b["cpu"] else None

    r = ratio(bbx, eng)
    if r is not None:
        print("  engine >= 2x cheaper than blackbox_exporter per probe: "
              "%.0f / %.0f us = %.2fx  -> %s" % (
                  bbx["cpu"], eng["cpu"], r,
                  judge("blackbox_vs_engine", r >= 2 and eng["ok"] ==
                        eng["n"] and bbx["ok"] == bbx["n"],
                        "%.2fx < 2x" % r)))
        print_per_chunk("per chunk (interleaved)",
                        per_chunk(rows, "bbx", "eng"))
        bp = rows["bbxplain"]
        if bp["n"] and bp["cpu"]:
            print("    diag: blackbox_exporter without TLS %.0f us, so its "
                  "STARTTLS and handshake cost %.0f us" % (
                      bp["cpu"], bbx["cpu"] - bp["cpu"]))
        if raw["n"] and raw["cpu"]:
            print("    blackbox_exporter / bare OpenSSL handshake: %.2fx (2x "
                  "needs the engine at <= %.2fx raw)" % (
                      bbx["cpu"] / raw["cpu"],
                      bbx["cpu"] / raw["cpu"] / 2))
    r = ratio(bbx, dmn)
    if r is not None:
        print("  smtprobed (control-socket probes) >= 2x cheaper than "
              "blackbox_exporter: %.0f / %.0f us = %.2fx  -> %s" % (
                  bbx["cpu"], dmn["cpu"], r,
                  judge("blackbox_vs_smtprobed", r >= 2 and dmn["ok"] ==
                        dmn["n"], "%.2fx < 2x" % r)))
    many = rows["many"]
    r = ratio(bbx, many)
    if r is not None:
        print("  smtprobed (own schedule, back to back, 400 targets) >= 2x "
              "cheaper than blackbox_exporter: %.0f / %.0f us = %.2fx  -> "
              "%s" % (bbx["cpu"], many["cpu"], r,
                      judge("blackbox_vs_smtprobed_scheduled", r >= 2 and
                            many["ok"] == many["n"], "%.2fx < 2x" % r)))
    bpc = rows["bbxpaced"]
    if sched["n"] and bpc["n"]:
        # 20-odd probes: clock ticks are too coarse, schedstat is exact
        a = bpc["sched"] if bpc["has_sched"] and bpc["sched"] > 0 \
            else bpc["cpu"]
        b = sched["sched"] if sched["has_sched"] and sched["sched"] > 0 \
            else sched["cpu"]
        r = a / b
        print("  as deployed, one probe a second, measured together: "
              "smtprobed (own schedule) >= 2x cheaper than "
              "blackbox_exporter (scraped):")
        print("    %.0f / %.0f us (schedstat) = %.2fx  -> %s" % (
            a, b, r, judge("blackbox_vs_smtprobed_paced", r >= 2 and
                           sched["ok"] == sched["n"] and
                           bpc["ok"] == bpc["n"], "%.2fx < 2x" % r)))
        for tag, who, other in (("sched", "smtprobed", "store writer"),
                                ("bbxpaced", "blackbox_exporter",
                                 "Go runtime")):
            mn = num(kv, tag + ".sched_main_us")
            ot = num(kv, tag + ".sched_other_us")
            if mn is not None and ot is not None:
                print("    %s: main thread %.0f us, other threads (%s) %.0f"
                      " us per probe" % (who, mn, other, ot))
        cs = chunks_of(kv, "dmn")
        ot = [num(kv, "dmn.%d.sched_other_us" % c) for c in cs]
        if ot and None not in ot:
            print("    (smtprobed probed back to back: other threads %.0f us "
                  "per probe)" % (sum(ot) / len(ot)))
        di = num(kv, "dmnidle.sched_cpu_us_per_s")
        bi = num(kv, "bbxidle.sched_cpu_us_per_s")
        if di is not None and bi is not None:
            dm = num(kv, "dmnidle.sched_main_us_per_s")
            print("    idle cost (nothing asked, nothing due): smtprobed %.0f "
                  "us/s (main thread %s), blackbox_exporter %.0f us/s" % (
                      di, "%.0f" % dm if dm is not None else "?", bi))
            ds = num(kv, "sched.elapsed_s", 0)
            bs = num(kv, "bbxpaced.elapsed_s", 0)
            if sched["n"] and bpc["n"]:
                dn = b - di * ds / sched["n"]
                bn = a - bi * bs / bpc["n"]
                print("    without it: smtprobed %.0f us, blackbox_exporter "
                      "%.0f us per probe (%.2fx)" % (
                          dn, bn, bn / dn if dn > 0 else 0))
    r = ratio(eng, raw)
    if r is not None:
        print("  engine <= 1.5x raw handshake CPU: %.0f / %.0f us = %.2fx"
              "  -> %s" % (eng["cpu"], raw["cpu"], r,
                           judge("engine_vs_raw", r <= 1.5,
                                 "%.2fx > 1.5x" % r)))
        print_per_chunk("per chunk (raw right after the engine)",
                        per_chunk(rows, "eng", "raw"))
    st = rows["stimem"]
    r = ratio(many, st)
    if r is not None:
        print("  smtprobed <= 1.5x raw handshake CPU (own schedule, back to "
              "back, against `openssl s_time -new` as issue 5 names it, "
              "in alternating rounds): %.0f / %.0f us = %.2fx  -> %s" % (
                  many["cpu"], st["cpu"], r,
                  judge("smtprobed_vs_raw", r <= 1.5 and
                        many["ok"] == many["n"], "%.2fx > 1.5x" % r)))
        print_per_chunk("per round", per_chunk(rows, "many", "stimem"))
        s0 = rows["stime"]
        if s0["n"] and s0["cpu"]:
            print("    against the s_time of the CPU chunks (an earlier "
                  "window): %.0f us, %.2fx" % (s0["cpu"],
                                               many["cpu"] / s0["cpu"]))
    r = ratio(many, raw)
    if r is not None:
        print("    against the leaner raw_tls client: %.0f / %.0f us = "
              "%.2fx; smtprobed back to back / engine: %.2fx; %d probes" % (
                  many["cpu"], raw["cpu"], r,
                  many["cpu"] / eng["cpu"] if eng["n"] else 0, many["n"]))
    r = ratio(dmn, raw)
    if r is not None:
        print("    (smtprobed control-socket probe / raw: %.2fx; smtprobed "
              "/ engine: %.2fx)" % (r, dmn["cpu"] / eng["cpu"]))
    r = ratio(nag, eng)
    if r is not None:
        print("  check_smtp >= 3x engine: %.0f / %.0f us = %.1fx  -> %s" % (
            nag["cpu"], eng["cpu"], r,
            judge("check_smtp_vs_engine", r >= 3, "%.1fx < 3x" % r)))
    r = ratio(nag, dmn)
    if r is not None:
        print("  check_smtp >= 3x smtprobed: %.0f / %.0f us = %.1fx  -> %s" % (
            nag["cpu"], dmn["cpu"], r,
            judge("check_smtp_vs_smtprobed", r >= 3, "%.1fx < 3x" % r)))
    bad = [label for tag, label in ROWS
           if rows[tag]["n"] and
           tag not in ("nagios", "sched", "many", "bbxplain",
                       "bbxpaced") and
           (rows[tag]["resumed"] > 0 or
            rows[tag]["hs"] < rows[tag]["n"])]
    res = sum(rows[t]["resumed"] for t, _ in ROWS)
    print("  every probe a full handshake: %d resumed in all rows%s  -> %s" % (
        res, "; too few handshakes logged: " + ", ".join(bad) if bad else "",
        judge("full_handshakes", not bad and res == 0,
              "%d resumed; %s" % (res, ", ".join(bad)))))

    # throughput
    print()
    tn, tok = num(kv, "tp.n"), num(kv, "tp.ok")
    if tn:
        conc = num(kv, "tp.conc", 0)
        pps = num(kv, "tp.probes_per_s", 0)
        cpu = num(kv, "tp.cpu_us", 0)
        ncpu = num(kv, "host.cpus", 2)
        print("throughput: %d STARTTLS probes, %d at once, one loop, against"
              " the local Postfix" % (tn, conc))
        print("  %.0f probes/s; %d/%d ok; wall median %.1f ms, p99 %.1f ms" % (
            pps, tok, tn, num(kv, "tp.wall_med_us", 0) / 1000,
            num(kv, "tp.wall_p99_us", 0) / 1000))
        print("  client CPU %.0f us/probe = %.0f%% of one core, %.0f%% of "
              "the machine; machine busy %.1f%% (the rest: Postfix)" % (
                  cpu, cpu * pps / 1e4, cpu * pps / 1e4 / ncpu,
                  num(kv, "tp.machine_busy_pct", 0)))
        print("  handshakes logged %d (%d resumed); Postfix warnings %d (%d "
              "process-limit)" % (
                  num(kv, "tp.tls_handshakes", 0),
                  num(kv, "tp.tls_resumed", 0),
                  num(kv, "tp.pf_warnings", 0),
                  num(kv, "tp.pf_limit_warnings", 0)))
        print("  phase medians (us): %s" % kv.get("tp.phase_med_us", "-"))
        ok = tok == tn and "tp.failed" not in kv and \
            num(kv, "tp.pf_warnings", 0) == 0
        print("  %d sessions in parallel without an error  -> %s" % (
            conc, judge("parallel_%d" % conc, ok,
                        "%d/%d ok, %d Postfix warnings" % (
                            tok or 0, tn, num(kv, "tp.pf_warnings", 0)))))

    # memory
    print()
    print("memory per concurrent session (held against a tarpit)")
    print("  %-34s %11s %8s %9s %8s %8s  %s" % (
        "", "held", "heap B", "OpenSSL B", "beyond B", "RSS B", "budget"))
    for tag, label, budget in (("memplain", "plain, waiting for greeting",
                                8192),
                               ("memtls", "inside TLS, waiting for greeting",
                                65536)):
        k = num(kv, tag + ".k")
        if not k:
            print("  %-34s missing" % label)
            verdicts.append("FAIL %s: no result" % tag)
            continue
        held = num(kv, tag + ".held", 0)
        rss = num(kv, tag + ".rss_per_session", 0)
        v = judge(tag + "_rss", held == k and rss <= budget,
                  "%.0f B > %d B" % (rss, budget) if rss > budget else
                  "%d/%d held" % (held, k))
        print("  %-34s %5d/%-5d %8.0f %9.0f %8.0f %8.0f  <= %d KiB -> %s" % (
            label, held, k, num(kv, tag + ".heap_per_session", 0),
            num(kv, tag + ".openssl_per_session", 0),
            num(kv, tag + ".beyond_openssl_per_session", 0), rss,
            budget // 1024, v))
    for kind in ("plain", "tls"):
        p = os.path.join(outdir, "sites.%s.txt" % kind)
        if os.path.exists(p) and os.path.getsize(p) > 0:
            print()
            print("  where the heap of a %s session goes (heapsite.so):" %
                  ("plain" if kind == "plain" else "TLS"))
            with open(p) as f:
                for line in f:
                    print("    " + line.rstrip("\n"))

    with open(sys.argv[3], "w") as f:
        for v in verdicts:
            f.write(v + "\n")
    print()
    print("verdicts: %d pass, %d fail" % (
        sum(v.startswith("PASS") for v in verdicts),
        sum(v.startswith("FAIL") for v in verdicts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
