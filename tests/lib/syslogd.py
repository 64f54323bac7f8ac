#!/usr/bin/env python3
"""syslogd.py - a test-owned log socket: what syslog(3) sends, to a file.

    syslogd.py SOCKET OUT [--ready FILE] [--lifetime S]

Binds an AF_UNIX datagram socket at SOCKET (which must not exist) and
appends every datagram to OUT as one line. Bytes below 0x20, 0x7f and
above are written as \\xNN so that a message carrying CR, LF or another
control byte still takes exactly one line and the test can see it; such
a message is also appended to OUT.ctl. Once bound, FILE (if given) is
created. Removes SOCKET when it ends: on SIGTERM, SIGINT or after
--lifetime seconds (default 600, so a forgotten listener still goes).
Python 3 standard library only.
"""

import argparse
import os
import signal
import socket
import sys
import time


def escape(data):
    out = []
    dirty = False
    for b in data:
        if b < 0x20 or b >= 0x7f:
            out.append("\\x%02x" % b)
            dirty = True
        else:
            out.append(chr(b))
    return "".join(out), dirty


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--ready")
    ap.add_argument("--lifetime", type=float, default=600)
    a = ap.parse_args()

    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(a.socket)
    os.chmod(a.socket, 0o666)
    bound = a.socket

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    end = time.monotonic() + a.lifetime
    try:
        with open(a.out, "a", buffering=1) as out, \
                open(a.out + ".ctl", "a", buffering=1) as ctl:
            if a.ready:
                with open(a.ready, "w") as r:
                    r.write("%d\n" % os.getpid())
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(min(left, 1.0))
                try:
                    data = s.recv(65536)
                except socket.timeout:
                    continue
                # glibc ends a stream message with NUL; a datagram has
                # none, but tolerate one trailing NUL either way
                if data.endswith(b"\0"):
                    data = data[:-1]
                line, dirty = escape(data)
                out.write(line + "\n")
                if dirty:
                    ctl.write(line + "\n")
    finally:
        try:
            os.unlink(bound)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
