#!/usr/bin/env python3
"""nagioscheck.py - check a monitoring plugin's output against the
monitoring-plugins development guidelines ("Plugin Output for Nagios",
"Performance data"), then assertions on its content.

    nagioscheck.py OUTFILE EXIT [:: CHECK [ARGS...]] ...

The output must parse as the guidelines' grammar:

    STATUS TEXT [| PERFDATA]
    LONG TEXT LINE ...
    [LONG TEXT LINE | PERFDATA]
    [PERFDATA] ...

the first '|' of the first line, and the first '|' after it in the
long text, start performance data; everything after the second is
performance data. Performance data is a list of

    'label'=value[UOM];[warn];[crit];[min];[max]

separated by spaces: a label with no '=' or single quote (quoted when it
has spaces; '' for a quote inside), a value of [-0-9.] (or U), a UOM of
s, ms, us, %, B, KB, MB, TB or c, warn and crit in the range format
([@][start:][end], start ~ for minus infinity), min and max numbers,
trailing empty fields omitted. Always checked too: the status line
starts "SMTPROBE STATE - " with STATE agreeing with EXIT (0 OK,
1 WARNING, 2 CRITICAL, 3 UNKNOWN); no label is used twice; every '|'
that is not a perfdata separator is a failure (it would cut the text).

Checks (each after "::"):
  state WORD               the status word
  text REGEX               the status line's text matches
  long REGEX               some long-output line matches
  no-long REGEX            no long-output line matches
  long-count N             exactly N long-output lines
  perf LABEL_RE [--value-re R] [--uom U] [--warn W] [--crit C]
                [--min M] [--count N]
                           perfdata labels matching LABEL_RE (full
                           match), N of them (default: at least one),
                           each with these fields exactly
  no-perf LABEL_RE         no such label
Prints nothing and exits 0 when everything holds; else one line per
failure and exit 1.
"""

import re
import sys

STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
NUM = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
RANGE = re.compile(r"@?(?:(?:~|%s):(?:%s)?|%s)\Z" % (NUM, NUM, NUM))
ITEM = re.compile(
    r"""(?:'(?P<ql>(?:[^']|'')+)'|(?P<l>[^\s'=|][^\s=|]*))"""
    r"""=(?P<v>%s|U)(?P<u>us|ms|s|%%|KB|MB|TB|B|c)?"""
    r"""(?:;(?P<w>[^;\s]*)(?:;(?P<c>[^;\s]*)(?:;(?P<min>[^;\s]*)"""
    r"""(?:;(?P<max>[^;\s]*))?)?)?)?(?=\s|\Z)""" % NUM)


class Fail(Exception):
    pass


def parse_perf(text, where):
    """The perfdata items of text, as dicts; Fail on anything else."""
    items, pos = [], 0
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return items
        m = ITEM.match(text, pos)
        if not m:
            raise Fail("%s: not perfdata at %r" % (where, text[pos:pos + 60]))
        label = m.group("ql").replace("''", "'") if m.group("ql") is not None \
            else m.group("l")
        if m.group("ql") is None and " " in label:
            raise Fail("%s: unquoted label with a space" % where)
        for f in ("w", "c"):
            r = m.group(f)
            if r and not RANGE.match(r):
                raise Fail("%s: %s: %s %r is not a range" % (
                    where, label, {"w": "warn", "c": "crit"}[f], r))
        for f in ("min", "max"):
            r = m.group(f)
            if r and not re.match(NUM + r"\Z", r):
                raise Fail("%s: %s: %s %r is not a number" % (
                    where, label, f, r))
        items.append({"label": label, "value": m.group("v"),
                      "uom": m.group("u") or "", "warn": m.group("w") or "",
                      "crit": m.group("c") or "", "min": m.group("min") or "",
                      "max": m.group("max") or ""})
        pos = m.end()


def parse(out, rc):
    """Status text, long lines, perfdata items: Fail unless grammatical."""
    if not out:
        raise Fail("no output on stdout")
    if not out.endswith("\n"):
        raise Fail("output does not end with a newline")
    lines = out[:-1].split("\n")
    status, sep, perf = lines[0].partition("|")
    m = re.match(r"SMTPROBE (OK|WARNING|CRITICAL|UNKNOWN) - \S", status)
    if not m:
        raise Fail("status line %r is not 'SMTPROBE STATE - text'"
                   % lines[0][:80])
    if STATES.get(rc) != m.group(1):
        raise Fail("state %s with exit status %s" % (m.group(1), rc))
    perfdata = parse_perf(perf, "status line perfdata") if sep else []
    longs, in_perf = [], False
    for i, line in enumerate(lines[1:], 2):
        if in_perf:
            perfdata += parse_perf(line, "line %d" % i)
            continue
        text, sep, rest = line.partition("|")
        longs.append(text)
        if sep:
            in_perf = True
            perfdata += parse_perf(rest, "line %d perfdata" % i)
    seen = set()
    for p in perfdata:
        if p["label"] in seen:
            raise Fail("label %r used twice" % p["label"])
        seen.add(p["label"])
    return m.group(1), status.rstrip(), longs, perfdata


def main():
    argv = sys.argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    path, rc = argv[0], int(argv[1])
    with open(path, encoding="utf-8", errors="replace") as f:
        out = f.read()
    checks, cur = [], None
    for a in argv[2:]:
        if a == "::":
            cur = []
            checks.append(cur)
        elif cur is not None:
            cur.append(a)
    fails = []
    try:
        state, status, longs, perf = parse(out, rc)
    except Fail as e:
        print("plugin output: %s" % e)
        sys.exit(1)
    for c in checks:
        if not c:
            continue
        name, args = c[0], c[1:]
        try:
            if name == "state":
                if state != args[0]:
                    raise Fail("state %s, expected %s" % (state, args[0]))
            elif name == "text":
                if not re.search(args[0], status):
                    raise Fail("status line %r does not match /%s/" % (
                        status[:160], args[0]))
            elif name == "long":
                if not any(re.search(args[0], l) for l in longs):
                    raise Fail("no long-output line matches /%s/ (%d lines)"
                               % (args[0], len(longs)))
            elif name == "no-long":
                if any(re.search(args[0], l) for l in longs):
                    raise Fail("a long-output line matches /%s/" % args[0])
            elif name == "long-count":
                if len(longs) != int(args[0]):
                    raise Fail("%d long-output lines, expected %s" % (
                        len(longs), args[0]))
            elif name in ("perf", "no-perf"):
                hits = [p for p in perf if re.fullmatch(args[0], p["label"])]
                if name == "no-perf":
                    if hits:
                        raise Fail("perfdata %r present" % hits[0]["label"])
                    continue
                opts = dict(zip(args[1::2], args[2::2]))
                want_n = opts.pop("--count", None)
                if want_n is not None and len(hits) != int(want_n):
                    raise Fail("%d perfdata labels match /%s/, expected %s "
                               "(labels: %s)" % (len(hits), args[0], want_n,
                               [p["label"] for p in perf]))
                if not hits:
                    raise Fail("no perfdata label matches /%s/ (labels: %s)"
                               % (args[0], [p["label"] for p in perf]))
                for p in hits:
                    for k, v in opts.items():
                        key = k.lstrip("-")
                        if key == "value-re":
                            if not re.fullmatch(v, p["value"]):
                                raise Fail("%s: value %s does not match /%s/"
                                           % (p["label"], p["value"], v))
                        elif p.get(key) != v:
                            raise Fail("%s: %s is %r, expected %r" % (
                                p["label"], key, p.get(key), v))
            else:
                raise Fail("unknown check %r" % name)
        except Fail as e:
            fails.append(str(e))
        except (IndexError, ValueError) as e:
            fails.append("%s: bad arguments (%s)" % (name, e))
    for f in fails:
        print(f)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
