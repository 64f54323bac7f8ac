#!/usr/bin/env python3
"""httphold.py - many HTTP clients at once against smtprobed's /metrics.

    httphold.py get PORT CLIENTS WAIT
    httphold.py loris PORT CLIENTS SECONDS [--ready FILE]

Every connection goes to 127.0.0.1:PORT. Each mode prints one JSON line
on stdout for the test to assert; every wait is bounded.

get    CLIENTS connections opened at once, each sending a whole
       GET /metrics at once; waits up to WAIT seconds for every answer:
       {"clients", "ok" (a 200 with a body), "other" (another answer),
       "closed" (closed without an answer), "hung", "max_ms"}
loris  CLIENTS slow-loris connections: each sends the start of a request,
       then one header byte a second, never the end, for SECONDS; writes
       FILE once all are connected; prints how long the server kept each
       (the longest and shortest, in ms), how many it closed, how many
       were still open at the end, how many could not connect, and how
       many got an answer (a 408 or other) before being closed
"""

import json
import select
import socket
import sys
import time


def get(port, n, wait):
    res = {"clients": n, "ok": 0, "other": 0, "closed": 0, "hung": 0,
           "refused": 0, "max_ms": 0}
    socks = {}
    t0 = time.monotonic()
    for _ in range(n):
        s = socket.socket()
        s.settimeout(wait)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Connection: close\r\n\r\n")
        except OSError:
            res["refused"] += 1
            s.close()
            continue
        s.setblocking(False)
        socks[s.fileno()] = [s, b""]
    deadline = t0 + wait
    poller = select.poll()
    for fd in socks:
        poller.register(fd, select.POLLIN)
    while socks and time.monotonic() < deadline:
        for fd, _ in poller.poll(100):
            s, buf = socks[fd]
            try:
                d = s.recv(1 << 16)
            except BlockingIOError:
                continue
            except OSError:
                d = b""
            if d:
                socks[fd][1] = buf + d
                continue
            if buf.startswith(b"HTTP/1.1 200") and b"\r\n\r\n# HELP" in buf:
                res["ok"] += 1
            elif buf:
                res["other"] += 1
            else:
                res["closed"] += 1
            res["max_ms"] = max(res["max_ms"],
                                int((time.monotonic() - t0) * 1000))
            poller.unregister(fd)
            s.close()
            del socks[fd]
    res["hung"] = len(socks)
    for s, _ in socks.values():
        s.close()
    print(json.dumps(res))


def loris(port, n, seconds, ready):
    res = {"clients": n, "refused": 0, "closed": 0, "open": 0,
           "answered": 0, "held_max_ms": 0, "held_min_ms": None}
    conns = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
        except OSError:
            res["refused"] += 1
            s.close()
            continue
        s.setblocking(False)
        conns.append({"s": s, "t0": time.monotonic(), "end": None,
                      "got": b""})
    if ready:
        with open(ready, "w") as f:
            f.write("%d\n" % len(conns))
    end = time.monotonic() + seconds
    next_drip = time.monotonic() + 1
    while time.monotonic() < end and any(c["end"] is None for c in conns):
        live = [c for c in conns if c["end"] is None]
        r, _, _ = select.select([c["s"] for c in live], [], [], 0.1)
        for c in live:
            if c["s"] not in r:
                continue
            try:
                d = c["s"].recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                d = b""
            if d:
                c["got"] += d
                continue
            c["end"] = time.monotonic()
        if time.monotonic() >= next_drip:
            next_drip += 1
            for c in conns:
                if c["end"] is None:
                    try:
                        c["s"].send(b"a")
                    except OSError:
                        c["end"] = time.monotonic()
    now = time.monotonic()
    for c in conns:
        if c["end"] is None:
            res["open"] += 1
        else:
            res["closed"] += 1
            if c["got"]:
                res["answered"] += 1
        held = int(((c["end"] or now) - c["t0"]) * 1000)
        res["held_max_ms"] = max(res["held_max_ms"], held)
        if res["held_min_ms"] is None or held < res["held_min_ms"]:
            res["held_min_ms"] = held
        c["s"].close()
    print(json.dumps(res))


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    mode, port, n, t = argv[1], int(argv[2]), int(argv[3]), float(argv[4])
    if mode == "get":
        get(port, n, t)
    elif mode == "loris":
        ready = argv[6] if len(argv) > 6 and argv[5] == "--ready" else None
        loris(port, n, t, ready)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
