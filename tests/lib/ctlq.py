#!/usr/bin/env python3
"""ctlq.py - assertions over JSON lines (control replies, follow streams).

    ctlq.py FILE CHECK [ARGS...] [:: CHECK [ARGS...]]...

FILE holds one JSON document per line (what `smtprobe ... --json`
prints); a line that is not JSON is itself a failure. A PATH starts at
the list of those documents: "0.uptime" is the uptime of the first
line, "*.event" the event of any line; keys and list indices are joined
by "." and "*" stands for every element of a list (or value of an
object). A value is compared as a string when it is one, else as its
compact JSON (true, null, 3, ["a"]). Exit 0 when every check holds, 1
with one line per failed check on stdout, 2 for a bad invocation.

  match PATH REGEX      some value at PATH matches REGEX in full
  all PATH REGEX        every value at PATH (at least one) matches REGEX
                        in full ("sessions.*.outcome" of every session)
  nomatch PATH REGEX    no value at PATH matches REGEX in full
  type PATH TYPE        every value at PATH (at least one) is of TYPE:
                        int, str, bool, list, object, null, number
  ge PATH N / le PATH N some value at PATH is a number >= N (<= N)
  range PATH LO HI      every value at PATH (at least one) is a number
                        from LO to HI
  len PATH OP N         some value at PATH is a list (or object) whose
                        length compares (OP: eq, ge, le) to N
  some PATH K=REGEX...  some object at PATH (or in a list at PATH) has
                        every key K with a value matching its REGEX in full
  none PATH K=REGEX...  no object at PATH has all of them
  lines OP N            the number of lines compares (eq, ge, le) to N
"""

import json
import re
import sys


def expand(docs, path):
    vals = [docs]
    for part in path.split("."):
        nxt = []
        for v in vals:
            if part == "*":
                if isinstance(v, list):
                    nxt.extend(v)
                elif isinstance(v, dict):
                    nxt.extend(v.values())
            elif isinstance(v, list):
                try:
                    i = int(part)
                except ValueError:
                    continue
                if -len(v) <= i < len(v):
                    nxt.append(v[i])
            elif isinstance(v, dict) and part in v:
                nxt.append(v[part])
        vals = nxt
    return vals


def text(v):
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"), sort_keys=True)


def is_type(v, t):
    return {
        "int": isinstance(v, int) and not isinstance(v, bool),
        "number": isinstance(v, (int, float)) and not isinstance(v, bool),
        "str": isinstance(v, str),
        "bool": isinstance(v, bool),
        "list": isinstance(v, list),
        "object": isinstance(v, dict),
        "null": v is None,
    }[t]


def cmp(op, a, b):
    return {"eq": a == b, "ge": a >= b, "le": a <= b}[op]


def short(v, n=200):
    s = text(v)
    return s if len(s) <= n else s[:n] + "..."


def obj_matches(o, conds):
    if not isinstance(o, dict):
        return False
    for k, rx in conds:
        if k not in o or not re.fullmatch(rx, text(o[k]), re.S):
            return False
    return True


def run(docs, argv):
    c, a = argv[0], argv[1:]
    if c == "lines":
        if not cmp(a[0], len(docs), int(a[1])):
            return "%d lines, expected %s %s" % (len(docs), a[0], a[1])
        return None
    vals = expand(docs, a[0])
    if c == "match":
        if not any(re.fullmatch(a[1], text(v), re.S) for v in vals):
            return "%s: no value matches /%s/ (got %s)" % (
                a[0], a[1], short(vals))
    elif c == "all":
        if not vals:
            return "%s: missing" % a[0]
        bad = [v for v in vals if not re.fullmatch(a[1], text(v), re.S)]
        if bad:
            return "%s: %s of %d values does not match /%s/ (e.g. %s)" % (
                a[0], len(bad), len(vals), a[1], short(bad[0]))
    elif c == "nomatch":
        bad = [v for v in vals if re.fullmatch(a[1], text(v), re.S)]
        if bad:
            return "%s: %s matches /%s/" % (a[0], short(bad[0]), a[1])
    elif c == "type":
        if not vals:
            return "%s: missing" % a[0]
        bad = [v for v in vals if not is_type(v, a[1])]
        if bad:
            return "%s: %s is not %s" % (a[0], short(bad[0]), a[1])
    elif c in ("ge", "le"):
        n = float(a[1])
        if not any(is_type(v, "number") and cmp(c, v, n) for v in vals):
            return "%s: no number %s %s (got %s)" % (
                a[0], ">=" if c == "ge" else "<=", a[1], short(vals))
    elif c == "range":
        lo, hi = float(a[1]), float(a[2])
        if not vals:
            return "%s: missing" % a[0]
        bad = [v for v in vals if not is_type(v, "number") or
               not lo <= v <= hi]
        if bad:
            return "%s: %s not in [%s, %s]" % (a[0], short(bad[0]), a[1],
                                               a[2])
    elif c == "len":
        n = int(a[2])
        if not any(isinstance(v, (list, dict)) and cmp(a[1], len(v), n)
                   for v in vals):
            return "%s: length not %s %d (got %s)" % (
                a[0], a[1], n, [len(v) for v in vals
                                if isinstance(v, (list, dict))])
    elif c in ("some", "none"):
        conds = []
        for kv in a[1:]:
            k, _, rx = kv.partition("=")
            conds.append((k, rx))
        objs = []
        for v in vals:	# a list at PATH: its elements
            objs.extend(v if isinstance(v, list) else [v])
        hit = [v for v in objs if obj_matches(v, conds)]
        if c == "some" and not hit:
            return "%s: no object with %s (got %s)" % (
                a[0], " ".join(a[1:]), short(vals, 400))
        if c == "none" and hit:
            return "%s: %s has %s" % (a[0], short(hit[0]), " ".join(a[1:]))
    else:
        raise ValueError("unknown check %s" % c)
    return None


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    docs = []
    fails = []
    try:
        with open(argv[1], encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    docs.append(json.loads(line))
                except ValueError as e:
                    fails.append("line %d is not JSON: %s" % (n, e))
    except OSError as e:
        print("%s: %s" % (argv[1], e))
        return 1
    groups, cur = [], []
    for x in argv[2:]:
        if x == "::":
            if cur:
                groups.append(cur)
            cur = []
        else:
            cur.append(x)
    if cur:
        groups.append(cur)
    for g in groups:
        try:
            why = run(docs, g)
        except (ValueError, IndexError, KeyError, re.error) as e:
            print("bad check %s: %s" % (" ".join(g), e), file=sys.stderr)
            return 2
        if why:
            fails.append(why)
    for f in fails:
        print(f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
