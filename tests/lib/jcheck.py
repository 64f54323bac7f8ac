#!/usr/bin/env python3
"""jcheck.py - assertions over `smtprobe check --json` output.

    jcheck.py OUT.json CHECK [ARGS...] [:: CHECK [ARGS...]]...

Exit 0 when every assertion holds, 1 with one line per failed assertion
on stdout when one does not (2 for a bad invocation). Several checks in
one run, separated by "::", save a Python start-up each. Checks:

  valid [--domain]
      the document follows doc-contract/CLI.md: types of the top-level
      fields, of every finding and session, and status agreeing with the
      worst finding severity; --domain (domain mode): a finding about
      the domain's records may have a null addr and port
  exit CODE
      CODE is the exit status the JSON status implies (0 ok, 1 warn,
      2 crit, 3 unknown)
  status ok|warn|crit|unknown
  finding ID [--layer L] [--severity S] [--evidence REGEX] [--port P]
             [--addr A] [--host H] [--hint REGEX] [--blame B] [--count N]
      some finding (exactly N with --count) has this id and these fields;
      REGEX is searched case-insensitively in the evidence
  no-finding ID [--port P] [--addr A]
  max-severity info|warn|crit
      no finding more severe than this ("none": no finding at all)
  session [--port P] [--addr A] [--outcome O] [--count N]
  phase NAME [--port P] [--addr A] [--reply CODE] [--enhanced X]
             [--text REGEX] [--error E|none] [--command REGEX] [--ms-min MS]
             [--ms-max MS]
      some session has a phase NAME with these properties
  no-phase NAME [--port P]
  tls [--port P] [--version REGEX] [--verified true|false]
      [--hostname-ok true|false] [--days-left-max N] [--days-left-min N]
      [--key-bits N] [--key-type T] [--null]
      some session's tls object matches (--null: the session had no TLS)
  transcript REGEX [--port P]
      some session's transcript matches
  no-command REGEX [--port P]
      no phase of any session sent a command matching REGEX (never
      DATA, never AUTH)
  explain-valid
      a `smtprobe explain --json` document: status, input, refusals each
      with the finding fields (id, layer, severity, blame, evidence,
      hint) and the reply; status agreeing with the worst severity
  refusal ID [--recipient R] [--command REGEX] [--layer L]
          [--severity S] [--blame B] [--evidence REGEX] [--source S]
          [--level row|enhanced|basic] [--check REGEX] [--host H]
          [--count N]
      some refusal of an explain document (exactly N with --count) has
      this id and these fields
  value PATH REGEX
      the value at PATH (keys and list indices joined by ".", e.g.
      dns.mx.0.addrs.0.ptr) matches REGEX in full: a string as it is,
      anything else as JSON (null, true, 3, ["a"])
"""

import argparse
import json
import re
import sys

SEVERITY_RANK = {"info": 1, "warn": 2, "crit": 3}
STATUS_FOR_RANK = {0: "ok", 1: "ok", 2: "warn", 3: "crit"}
LAYERS = {"net", "dns", "tls", "smtp", "policy", "probe"}
BLAMES = {"target", "client"}


class Fail(Exception):
    pass


def short(obj, n=160):
    s = json.dumps(obj, sort_keys=True)
    return s if len(s) <= n else s[:n] + "..."


def summary(findings):
    if not findings:
        return "no findings"
    return "findings: " + "; ".join(
        "%s/%s/%s port=%s evidence=%r" % (
            f.get("id"), f.get("layer"), f.get("severity"), f.get("port"),
            str(f.get("evidence"))[:80]) for f in findings)


def want_type(obj, key, types, where):
    if key not in obj:
        raise Fail("%s: no %r" % (where, key))
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, types):
        raise Fail("%s: %r is %s, of the wrong type" % (where, key,
                                                        short(v, 40)))


def check_valid(doc, _args):
    if not isinstance(doc, dict):
        raise Fail("top level is not an object")
    if doc.get("version") != 1:
        raise Fail("version is %r, not 1" % doc.get("version"))
    if doc.get("status") not in ("ok", "warn", "crit", "unknown"):
        raise Fail("status is %r" % doc.get("status"))
    want_type(doc, "target", str, "document")
    want_type(doc, "findings", list, "document")
    want_type(doc, "sessions", list, "document")
    if "dns" not in doc:
        raise Fail("document: no 'dns'")
    worst = 0
    for i, f in enumerate(doc["findings"]):
        where = "finding %d (%s)" % (i, f.get("id") if isinstance(f, dict)
                                     else "?")
        if not isinstance(f, dict):
            raise Fail(where + " is not an object")
        # the prober's own trouble may concern no host, address or port
        probe = f.get("layer") == "probe"
        for k in ("id", "layer", "severity", "host", "evidence", "hint",
                  "blame"):
            if not (probe and k == "host" and k in f and f[k] is None):
                want_type(f, k, str, where)
        for k, t in (("addr", str), ("port", int)):
            if not ((_args.domain or probe) and k in f and f[k] is None):
                want_type(f, k, t, where)
        if f["layer"] not in LAYERS:
            raise Fail("%s: layer %r" % (where, f["layer"]))
        if f["severity"] not in SEVERITY_RANK:
            raise Fail("%s: severity %r" % (where, f["severity"]))
        if f["blame"] not in BLAMES:
            raise Fail("%s: blame %r" % (where, f["blame"]))
        if f["layer"] == "probe" and f["blame"] != "client":
            raise Fail("%s: a probe finding blames the target" % where)
        if not f["id"].startswith(f["layer"] + ".") and f["layer"] != "dns":
            raise Fail("%s: id does not start with its layer %r"
                       % (where, f["layer"]))
        worst = max(worst, SEVERITY_RANK[f["severity"]])
    # the prober's own trouble leaves the run UNKNOWN, never health
    trouble = [f["id"] for f in doc["findings"] if f["id"] in (
        "probe.resource", "probe.resolver", "probe.egress-25-blocked")]
    if trouble and doc["status"] != "unknown":
        raise Fail("status %r with %s: the run could not look" % (
            doc["status"], trouble[0]))
    if doc["status"] != "unknown" and doc["status"] != STATUS_FOR_RANK[worst]:
        raise Fail("status %r but the worst finding is %s" % (
            doc["status"], [k for k, v in SEVERITY_RANK.items()
                            if v == worst] or ["none"]))
    for i, s in enumerate(doc["sessions"]):
        where = "session %d" % i
        if not isinstance(s, dict):
            raise Fail(where + " is not an object")
        for k in ("host", "addr", "outcome"):
            want_type(s, k, str, where)
        want_type(s, "port", int, where)
        want_type(s, "ms", (int, float), where)
        want_type(s, "phases", list, where)
        if "tls" not in s:
            raise Fail(where + ": no 'tls'")
        if s["outcome"] not in ("ok", "net", "timeout", "protocol", "tls",
                                "refused", "cut"):
            raise Fail("%s: outcome %r" % (where, s["outcome"]))
        for j, p in enumerate(s["phases"]):
            pw = "%s phase %d" % (where, j)
            if not isinstance(p, dict):
                raise Fail(pw + " is not an object")
            want_type(p, "name", str, pw)
            want_type(p, "ms", (int, float), pw)
            if "reply" not in p:
                raise Fail(pw + ": no 'reply'")


def sessions_at(doc, args):
    out = []
    for s in doc.get("sessions") or []:
        if args.port is not None and s.get("port") != args.port:
            continue
        if args.addr is not None and s.get("addr") != args.addr:
            continue
        out.append(s)
    return out


def findings_at(doc, fid, args):
    out = []
    for f in doc.get("findings") or []:
        if f.get("id") != fid:
            continue
        if args.port is not None and f.get("port") != args.port:
            continue
        if args.addr is not None and f.get("addr") != args.addr:
            continue
        out.append(f)
    return out


def check_exit(doc, args):
    want = {"ok": 0, "warn": 1, "crit": 2, "unknown": 3}.get(doc.get("status"))
    if want != args.code:
        raise Fail("exit status %d but JSON status %r" % (args.code,
                                                          doc.get("status")))


def check_status(doc, args):
    if doc.get("status") != args.want:
        raise Fail("status is %r, expected %r (%s)" % (
            doc.get("status"), args.want, summary(doc.get("findings"))))


def check_finding(doc, args):
    cands = findings_at(doc, args.id, args)
    if not cands:
        raise Fail("no finding %s%s (%s)" % (
            args.id, "" if args.port is None else " on port %d" % args.port,
            summary(doc.get("findings"))))
    good, why = [], []
    for f in cands:
        bad = []
        if args.layer and f.get("layer") != args.layer:
            bad.append("layer %r" % f.get("layer"))
        if args.severity and f.get("severity") != args.severity:
            bad.append("severity %r" % f.get("severity"))
        if args.host and f.get("host") != args.host:
            bad.append("host %r" % f.get("host"))
        if args.evidence and not re.search(args.evidence,
                                           str(f.get("evidence")), re.I):
            bad.append("evidence %r !~ /%s/" % (f.get("evidence"),
                                                args.evidence))
        if args.hint and not re.search(args.hint, str(f.get("hint")), re.I):
            bad.append("hint %r !~ /%s/" % (f.get("hint"), args.hint))
        if args.blame and f.get("blame") != args.blame:
            bad.append("blame %r, want %r" % (f.get("blame"), args.blame))
        if bad:
            why.append(", ".join(bad))
        else:
            good.append(f)
    if not good:
        raise Fail("%s present but %s" % (args.id, " | ".join(why)))
    if args.count is not None and len(good) != args.count:
        raise Fail("%d matching %s findings, expected %d (%s)" % (
            len(good), args.id, args.count, summary(doc.get("findings"))))


def check_no_finding(doc, args):
    found = findings_at(doc, args.id, args)
    if found:
        raise Fail("unexpected %s" % summary(found))


def check_max_severity(doc, args):
    limit = SEVERITY_RANK.get(args.level, 0)
    over = [f for f in doc.get("findings") or []
            if SEVERITY_RANK.get(f.get("severity"), 9) > limit]
    if over:
        raise Fail("findings above %s: %s" % (args.level, summary(over)))


def check_session(doc, args):
    ss = sessions_at(doc, args)
    if args.outcome:
        ss2 = [s for s in ss if s.get("outcome") == args.outcome]
        if not ss2:
            raise Fail("no session with outcome %r (outcomes: %s)" % (
                args.outcome, [(s.get("addr"), s.get("port"),
                                s.get("outcome")) for s in ss]))
        ss = ss2
    if args.count is not None and len(ss) != args.count:
        raise Fail("%d matching sessions, expected %d" % (len(ss),
                                                         args.count))
    if args.count is None and not ss:
        raise Fail("no matching session")


def phase_desc(p):
    return "%s reply=%s error=%s ms=%s" % (p.get("name"), p.get("reply"),
                                           p.get("error"), p.get("ms"))


def check_phase(doc, args):
    seen, why = [], []
    for s in sessions_at(doc, args):
        for p in s.get("phases") or []:
            seen.append(phase_desc(p))
            if p.get("name") != args.name:
                continue
            bad = []
            if args.reply is not None and p.get("reply") != args.reply:
                bad.append("reply %r" % p.get("reply"))
            if args.enhanced is not None and \
                    p.get("enhanced") != args.enhanced:
                bad.append("enhanced %r" % p.get("enhanced"))
            if args.text and not re.search(args.text, str(p.get("text")),
                                           re.I):
                bad.append("text %r !~ /%s/" % (p.get("text"), args.text))
            if args.command and not re.search(args.command,
                                              str(p.get("command")), re.I):
                bad.append("command %r !~ /%s/" % (p.get("command"),
                                                   args.command))
            if args.error is not None:
                want = None if args.error == "none" else args.error
                if p.get("error") != want:
                    bad.append("error %r" % p.get("error"))
            ms = p.get("ms")
            if args.ms_min is not None and not (
                    isinstance(ms, (int, float)) and ms >= args.ms_min):
                bad.append("ms %r < %s" % (ms, args.ms_min))
            if args.ms_max is not None and not (
                    isinstance(ms, (int, float)) and ms <= args.ms_max):
                bad.append("ms %r > %s" % (ms, args.ms_max))
            if not bad:
                return
            why.append(", ".join(bad))
    if why:
        raise Fail("phase %s: %s" % (args.name, " | ".join(why)))
    raise Fail("no phase %s (phases: %s)" % (args.name,
                                             "; ".join(seen) or "none"))


def check_no_phase(doc, args):
    for s in sessions_at(doc, args):
        for p in s.get("phases") or []:
            if p.get("name") == args.name:
                raise Fail("unexpected phase %s" % phase_desc(p))


def tobool(v):
    if v in ("true", "yes", "1"):
        return True
    if v in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError("true or false")


def check_tls(doc, args):
    ss = sessions_at(doc, args)
    if not ss:
        raise Fail("no matching session")
    why = []
    for s in ss:
        t = s.get("tls")
        if args.null:
            if t is None:
                return
            why.append("tls is %s" % short(t, 80))
            continue
        if not isinstance(t, dict):
            why.append("tls is %r" % (t,))
            continue
        bad = []
        if args.version and not re.fullmatch(args.version,
                                             str(t.get("version"))):
            bad.append("version %r !~ /%s/" % (t.get("version"),
                                               args.version))
        if args.verified is not None and t.get("verified") is not \
                args.verified:
            bad.append("verified %r (verify_error %r)" % (
                t.get("verified"), t.get("verify_error")))
        if args.hostname_ok is not None and t.get("hostname_ok") is not \
                args.hostname_ok:
            bad.append("hostname_ok %r" % t.get("hostname_ok"))
        dl = t.get("days_left")
        if args.days_left_max is not None and not (
                isinstance(dl, int) and dl <= args.days_left_max):
            bad.append("days_left %r > %d" % (dl, args.days_left_max))
        if args.days_left_min is not None and not (
                isinstance(dl, int) and dl >= args.days_left_min):
            bad.append("days_left %r < %d" % (dl, args.days_left_min))
        leaf = (t.get("chain") or [{}])[0]
        if args.key_bits is not None and leaf.get("key_bits") != \
                args.key_bits:
            bad.append("leaf key_bits %r" % leaf.get("key_bits"))
        if args.key_type is not None and leaf.get("key_type") != \
                args.key_type:
            bad.append("leaf key_type %r" % leaf.get("key_type"))
        if not bad:
            return
        why.append(", ".join(bad))
    raise Fail("tls: " + " | ".join(why))


def check_transcript(doc, args):
    ts = [str(s.get("transcript")) for s in sessions_at(doc, args)]
    if not any(re.search(args.regex, t, re.I | re.M) for t in ts):
        raise Fail("no transcript matches /%s/ (%s)" % (
            args.regex, short(ts, 200)))


def build_parser():
    ap = argparse.ArgumentParser(prog="jcheck.py FILE", add_help=False)
    sub = ap.add_subparsers(dest="check", required=True)

    def where(p):
        p.add_argument("--port", type=int)
        p.add_argument("--addr")

    p = sub.add_parser("valid")
    p.add_argument("--domain", action="store_true")
    p.set_defaults(fn=check_valid)
    p = sub.add_parser("exit")
    p.add_argument("code", type=int)
    p.set_defaults(fn=check_exit)
    p = sub.add_parser("status")
    p.add_argument("want", choices=["ok", "warn", "crit", "unknown"])
    p.set_defaults(fn=check_status)
    p = sub.add_parser("finding")
    p.add_argument("id")
    where(p)
    p.add_argument("--layer", choices=sorted(LAYERS))
    p.add_argument("--severity", choices=sorted(SEVERITY_RANK))
    p.add_argument("--evidence")
    p.add_argument("--hint")
    p.add_argument("--blame", choices=sorted(BLAMES))
    p.add_argument("--host")
    p.add_argument("--count", type=int)
    p.set_defaults(fn=check_finding)
    p = sub.add_parser("explain-valid")
    p.set_defaults(fn=check_explain_valid)
    p = sub.add_parser("refusal")
    p.add_argument("id")
    for o in ("--recipient", "--command", "--evidence", "--source",
              "--check", "--host"):
        p.add_argument(o)
    p.add_argument("--layer", choices=sorted(LAYERS))
    p.add_argument("--severity", choices=sorted(SEVERITY_RANK))
    p.add_argument("--blame", choices=sorted(BLAMES))
    p.add_argument("--level", choices=["row", "enhanced", "basic"])
    p.add_argument("--count", type=int)
    p.set_defaults(fn=check_refusal)
    p = sub.add_parser("no-finding")
    p.add_argument("id")
    where(p)
    p.set_defaults(fn=check_no_finding)
    p = sub.add_parser("max-severity")
    p.add_argument("level", choices=["none", "info", "warn", "crit"])
    p.set_defaults(fn=check_max_severity)
    p = sub.add_parser("session")
    where(p)
    p.add_argument("--outcome")
    p.add_argument("--count", type=int)
    p.set_defaults(fn=check_session)
    p = sub.add_parser("phase")
    p.add_argument("name")
    where(p)
    p.add_argument("--reply", type=int)
    p.add_argument("--enhanced")
    p.add_argument("--text")
    p.add_argument("--command")
    p.add_argument("--error")
    p.add_argument("--ms-min", type=float)
    p.add_argument("--ms-max", type=float)
    p.set_defaults(fn=check_phase)
    p = sub.add_parser("no-phase")
    p.add_argument("name")
    where(p)
    p.set_defaults(fn=check_no_phase)
    p = sub.add_parser("tls")
    where(p)
    p.add_argument("--version")
    p.add_argument("--verified", type=tobool)
    p.add_argument("--hostname-ok", type=tobool)
    p.add_argument("--days-left-max", type=int)
    p.add_argument("--days-left-min", type=int)
    p.add_argument("--key-bits", type=int)
    p.add_argument("--key-type")
    p.add_argument("--null", action="store_true")
    p.set_defaults(fn=check_tls)
    p = sub.add_parser("transcript")
    p.add_argument("regex")
    where(p)
    p.set_defaults(fn=check_transcript)
    p = sub.add_parser("no-command")
    p.add_argument("regex")
    where(p)
    p.set_defaults(fn=check_no_command)
    p = sub.add_parser("value")
    p.add_argument("path")
    p.add_argument("regex")
    p.set_defaults(fn=check_value)
    return ap


class UsageError(Exception):
    pass


def parse_group(ap, argv):
    # argparse exits on errors; turn that into an exception so one bad
    # check in a batch is reported like any other failure.
    def error(msg):
        raise UsageError(msg)
    ap.error = error
    for a in ap._actions:
        if isinstance(a, argparse._SubParsersAction):
            for p in a.choices.values():
                p.error = error
    return ap.parse_args(argv)


def check_no_command(doc, args):
    for s in sessions_at(doc, args):
        for p in s.get("phases") or []:
            cmd = p.get("command")
            if isinstance(cmd, str) and re.search(args.regex, cmd, re.I):
                raise Fail("command %r was sent (phase %s)" % (cmd,
                                                               p.get("name")))
        t = s.get("transcript")
        if isinstance(t, str):
            for line in t.splitlines():
                if line.startswith("C: ") and re.search(args.regex, line[3:],
                                                        re.I):
                    raise Fail("transcript shows %r" % line)


def check_explain_valid(doc, args):
    if not isinstance(doc, dict):
        raise Fail("not an object")
    for k in ("status", "input", "refusals"):
        if k not in doc:
            raise Fail("no %r" % k)
    worst = 0
    for i, r in enumerate(doc["refusals"]):
        where = "refusals[%d]" % i
        for k in ("id", "layer", "severity", "blame", "evidence", "hint",
                  "reply", "source", "check", "recipient"):
            if k not in r:
                raise Fail("%s: no %r" % (where, k))
        if r["layer"] not in LAYERS or r["blame"] not in BLAMES or \
                r["severity"] not in SEVERITY_RANK:
            raise Fail("%s: layer/blame/severity %r" % (where, r))
        if not r["id"].startswith(r["layer"] + ".") and r["layer"] != "dns":
            raise Fail("%s: id does not start with its layer" % where)
        worst = max(worst, SEVERITY_RANK[r["severity"]])
    want = STATUS_FOR_RANK[worst] if doc["refusals"] else "unknown"
    if doc["status"] != want:
        raise Fail("status %r, the refusals say %r" % (doc["status"], want))


def check_refusal(doc, args):
    rs = doc.get("refusals") or []
    good, why = [], []
    for r in rs:
        if r.get("id") != args.id:
            continue
        bad = []
        if args.recipient and r.get("recipient") != args.recipient:
            bad.append("recipient %r" % r.get("recipient"))
        if args.command and not re.fullmatch(args.command,
                                             str(r.get("command")), re.I):
            bad.append("command %r" % r.get("command"))
        if args.layer and r.get("layer") != args.layer:
            bad.append("layer %r" % r.get("layer"))
        if args.severity and r.get("severity") != args.severity:
            bad.append("severity %r" % r.get("severity"))
        if args.blame and r.get("blame") != args.blame:
            bad.append("blame %r" % r.get("blame"))
        if args.source and r.get("source") != args.source:
            bad.append("source %r" % r.get("source"))
        if args.level and r.get("level") != args.level:
            bad.append("level %r" % r.get("level"))
        if args.host and r.get("host") != args.host:
            bad.append("host %r" % r.get("host"))
        if args.evidence and not re.search(args.evidence,
                                           str(r.get("evidence")), re.I):
            bad.append("evidence %r !~ /%s/" % (r.get("evidence"),
                                                args.evidence))
        if args.check and not re.search(args.check, str(r.get("check"))):
            bad.append("check %r !~ /%s/" % (r.get("check"), args.check))
        if bad:
            why.append(", ".join(bad))
        else:
            good.append(r)
    if not good:
        raise Fail("no refusal %s%s (refusals: %s)" % (
            args.id, ": " + " | ".join(why) if why else "",
            "; ".join("%s %s" % (r.get("recipient"), r.get("id"))
                      for r in rs) or "none"))
    if args.count is not None and len(good) != args.count:
        raise Fail("%d refusals %s, expected %d" % (len(good), args.id,
                                                     args.count))


def check_value(doc, args):
    v = doc
    for k in args.path.split("."):
        if isinstance(v, list) and re.fullmatch(r"[0-9]+", k):
            if int(k) >= len(v):
                raise Fail("%s: index %s past the end (%d items)" % (
                    args.path, k, len(v)))
            v = v[int(k)]
        elif isinstance(v, dict) and k in v:
            v = v[k]
        else:
            raise Fail("%s: no %r in %s" % (args.path, k, short(v, 80)))
    text = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    if not re.fullmatch(args.regex, text, re.S):
        raise Fail("%s is %s, expected /%s/" % (args.path, short(v, 200),
                                                args.regex))


def main():
    argv = sys.argv[1:]
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 2
    path, rest = argv[0], argv[1:]
    groups, cur = [], []
    for a in rest:
        if a == "::":
            if cur:
                groups.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        groups.append(cur)

    ap = build_parser()
    parsed = []
    for g in groups:
        try:
            parsed.append((g, parse_group(ap, g)))
        except UsageError as e:
            print("jcheck %s: %s" % (" ".join(g), e))
            return 2

    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        print("cannot read %s: %s" % (path, e.strerror))
        return 1
    try:
        doc = json.loads(raw)
    except ValueError as e:
        print("output is not JSON (%s): %r" % (e, raw[:120]))
        return 1
    failed = 0
    for g, args in parsed:
        try:
            args.fn(doc, args)
        except Fail as e:
            failed += 1
            msg = str(e)[:1500]
            print(msg if len(parsed) == 1 else "%s: %s" % (g[0], msg))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
