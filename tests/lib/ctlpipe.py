#!/usr/bin/env python3
"""ctlpipe.py - one control connection to smtprobed, kept open.

    ctlpipe.py SOCKET [--ready FILE]

Connects at once (and writes FILE when connected), then sends each line
read on standard input as a request and prints the reply line on
standard output, flushed, or {"noreply": true} when none comes within
10 s. Ends at the end of its input or when the daemon closes. A
connection made before the daemon runs out of descriptors can still ask
it while no new connection can be accepted.
"""

import socket
import sys
import time


def main():
    args = sys.argv[1:]
    if not args or len(args) not in (1, 3) or (len(args) == 3 and
                                               args[1] != "--ready"):
        sys.exit(__doc__)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(args[0])
    if len(args) == 3:
        with open(args[2], "w") as f:
            f.write("connected\n")
    buf = b""
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        s.sendall(line.encode() + b"\n")
        deadline = time.monotonic() + 10
        while b"\n" not in buf and time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            if not d:
                print('{"closed": true}', flush=True)
                return
            buf += d
        if b"\n" in buf:
            reply, _, buf = buf.partition(b"\n")
            print(reply.decode(errors="replace"), flush=True)
        else:
            print('{"noreply": true}', flush=True)


if __name__ == "__main__":
    main()
