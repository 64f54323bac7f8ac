#!/usr/bin/env python3
"""ctl.py - one request to smtprobed's control socket, for the benchmarks.

    ctl.py SOCKET CMD [KEY=VALUE...] [--wait SECONDS] [--get PATH...]

Sends {"cmd": CMD, KEY: VALUE...} as one line, reads one reply line and
prints "ms=ELAPSED" (request to reply, milliseconds) and, for each
--get PATH (dotted, e.g. store.queued; a number indexes a list, as in
logs.0.lines), "PATH=VALUE"; without --get the whole reply. With --wait,
retries for that many seconds while the socket does not accept (the
daemon starting). Exit 1 on no reply or an error reply. Standard library
only.
"""

import json
import socket
import sys
import time


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, cmd = args[0], args[1]
    req = {"cmd": cmd}
    gets = []
    wait = 0.0
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--wait":
            wait = float(args[i + 1])
            i += 2
            continue
        if a == "--get":
            i += 1
            while i < len(args) and not args[i].startswith("--"):
                gets.append(args[i])
                i += 1
            continue
        k, v = a.split("=", 1)
        req[k] = int(v) if v.isdigit() else v
        i += 1
    deadline = time.monotonic() + wait
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.monotonic() >= deadline:
                print("ctl.py: cannot connect to %s" % path, file=sys.stderr)
                return 1
            time.sleep(0.05)
    s.settimeout(600)
    t0 = time.monotonic()
    s.sendall((json.dumps(req) + "\n").encode())
    f = s.makefile("rb")
    line = f.readline()
    t1 = time.monotonic()
    s.close()
    if not line:
        print("ctl.py: no reply", file=sys.stderr)
        return 1
    rep = json.loads(line)
    print("ms=%.1f" % ((t1 - t0) * 1000))
    if not gets:
        print(json.dumps(rep))
    for g in gets:
        v = rep
        for part in g.split("."):
            if isinstance(v, list) and part.isdigit():
                v = v[int(part)] if int(part) < len(v) else None
            else:
                v = v.get(part) if isinstance(v, dict) else None
        print("%s=%s" % (g, json.dumps(v) if isinstance(v, (dict, list))
                         else v))
    return 0 if rep.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
