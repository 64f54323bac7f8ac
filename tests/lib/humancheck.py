#!/usr/bin/env python3
"""humancheck.py - the human report of `smtprobe check` against its JSON.

    humancheck.py OUT.json OUT.txt

OUT.json is `smtprobe check --json ARGS` and OUT.txt `smtprobe check ARGS`
of the same target, run one after the other (the target must answer the
same both times). The human report must say what the JSON says, in the
layout probe/render.c promises:

  - first line "smtprobe check TARGET: STATUS", then the error of an
    unknown run on a line of its own;
  - the DNS section when the JSON has one: "DNS DOMAIN  (N ms)", each MX
    (or the host, in host mode, or the domain itself for an implicit MX)
    with each of its addresses and their PTR, then SPF, DMARC, each DKIM
    selector, MTA-STS and TLS-RPT as the JSON has them ("(none)" when
    null);
  - each session: "HOST [ADDR]:PORT  OUTCOME  N ms  from LOCAL" (but the
    local port: each run has its own), then one
    line per phase in order (name, time, the reply code, "(error)" and
    "<- COMMAND" when there are), the TLS lines of a session that used
    TLS (version and cipher, "chain verified" or "NOT verified", the
    name checked and whether it matches);
  - "No findings." or "Findings" and, per finding in the JSON's order,
    "SEV ID  [ADDR]:PORT", its evidence and "hint: HINT";
  - no terminal escape (standard output is not a terminal here).

Exit 0 when it does, 1 with one line per difference, 2 for bad input.
"""

import json
import re
import sys


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        doc = json.load(open(argv[1]))
        text = open(argv[2], encoding="utf-8", errors="replace").read()
    except (OSError, ValueError) as e:
        print("humancheck: %s" % e, file=sys.stderr)
        return 2
    lines = text.split("\n")
    bad = []
    pos = [0]		# the next line to look at: sections come in order

    def find(rx, what, start=None):
        """The first line at or after the cursor matching rx in full."""
        i = pos[0] if start is None else start
        while i < len(lines):
            if re.fullmatch(rx, lines[i]):
                pos[0] = i + 1
                return i
            i += 1
        bad.append("%s: no line /%s/ after line %d" % (what, rx, pos[0] + 1))
        return None

    if "\033" in text:
        bad.append("a terminal escape in output that is not a terminal")
    q = re.escape
    find(q("smtprobe check %s: %s" % (doc["target"], doc["status"])),
         "status line", 0)
    if doc.get("error"):
        find(q(doc["error"]), "the error of an unknown run")

    dns = doc.get("dns")
    if dns:
        find(r"DNS %s  \(\d+ ms\)" % q(dns["domain"]), "DNS section")
        for mx in dns["mx"]:
            if dns.get("host_mode"):
                rx = r"  host      %s.*" % q(mx["host"])
            elif mx.get("implicit"):
                rx = r"  MX        \(none: the domain itself, %s\)" % \
                    q(mx["host"])
            else:
                rx = r"  MX        %d %s.*" % (mx["pref"], q(mx["host"]))
            find(rx, "MX %s" % mx["host"])
            for a in mx["addrs"]:
                find(r" {12}%s +PTR %s.*" % (q(a["addr"]),
                     q(a["ptr"]) if a["ptr"] else "-"),
                     "address %s of %s" % (a["addr"], mx["host"]))
        if not dns.get("host_mode"):
            recs = [("SPF", dns.get("spf")), ("DMARC", dns.get("dmarc"))]
            recs += [("DKIM " + s, r) for s, r in
                     sorted((dns.get("dkim") or {}).items())]
            recs += [("MTA-STS", dns.get("mta_sts")),
                     ("TLS-RPT", dns.get("tls_rpt"))]
            for name, rec in recs:
                # a null record is "(none)" or why its lookup failed
                want = q(rec) if rec is not None else \
                    r"\((none|lookup failed: .*)\)"
                find(r"  %s %s" % (q("%-9s" % name), want), name, 0)

    for s in doc["sessions"]:
        where = "session %s:%s" % (s["addr"], s["port"])
        # the local port is the one thing two runs never share
        at = find(r"%s \[%s\]:%d  %s  [0-9.]+ ms  from %s" % (
            q(s["host"]), q(s["addr"]), s["port"], q(s["outcome"]),
            q(s["local"].split(" ")[0]) + r" \d+" if s["local"] else "-"),
            where, 0)
        if at is None:
            continue
        for ph in s["phases"]:
            rx = r"  %s +[0-9.]+ ms  " % q("%-9s" % ph["name"])
            if ph.get("reply"):
                rx += r"%d%s .*" % (ph["reply"],
                                    " " + q(ph["enhanced"])
                                    if ph.get("enhanced") else "")
            else:
                rx += ".*"
            if ph.get("error"):
                rx += r"\(%s\).*" % q(ph["error"])
            if ph.get("command"):
                rx += r"  <- %s" % q(ph["command"])
            # the phases follow the header, one a line
            if re.fullmatch(rx, lines[pos[0]] if pos[0] < len(lines)
                            else ""):
                pos[0] += 1
            else:
                bad.append("%s: phase line %d is %r, not /%s/" % (
                    where, pos[0] + 1,
                    lines[pos[0]] if pos[0] < len(lines) else None, rx))
        t = s.get("tls")
        if t:
            find(r"  TLS: %s %s.*" % (q(t["version"]), q(t["cipher"])),
                 where + " TLS")
            find(r"       chain %s.*  name %s %s" % (
                "verified" if t["verified"] else "NOT verified",
                q(t["hostname"]),
                "matches" if t["hostname_ok"] else "does NOT match"),
                 where + " TLS verification")

    fs = doc["findings"]
    if not fs:
        find(r"No findings\.", "no findings", 0)
    elif find(r"Findings", "findings", 0) is not None:
        for f in fs:
            head = r"  %-4s %s" % (q(f["severity"]), q(f["id"]))
            if f.get("addr"):
                head += r"  \[%s\]" % q(f["addr"])
            if f.get("port"):
                head += r":%d" % f["port"]
            i = find(head, "finding %s" % f["id"])
            if i is None:
                continue
            if lines[i + 1:i + 3] != ["       " + f["evidence"],
                                      "       hint: " + f["hint"]]:
                bad.append("finding %s: evidence and hint lines are %r" %
                           (f["id"], lines[i + 1:i + 3]))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
