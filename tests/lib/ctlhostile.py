#!/usr/bin/env python3
"""ctlhostile.py - control socket clients that misbehave, for smtprobed.

    ctlhostile.py garbage SOCKET
    ctlhostile.py longline SOCKET BYTES
    ctlhostile.py nonreader SOCKET REQUESTS
    ctlhostile.py flood SOCKET CLIENTS
    ctlhostile.py stale PATH

Each prints what happened as JSON on stdout (one line, or one line per
reply for garbage) for the test to assert; exit status 0 unless the
invocation itself is wrong. Every wait is bounded.

garbage    one connection, one bad request per line (not JSON, not an
           object, no "cmd", an unknown command, binary bytes ...), then
           {"cmd":"status"}: prints each reply (or {"noreply": SENT})
longline   a request line of BYTES bytes: prints whether an error reply
           came and whether the daemon closed the connection
nonreader  {"cmd":"follow"}, then REQUESTS {"cmd":"targets"} requests,
           never reading; then reads: prints whether the daemon had
           closed the connection (it dropped us) and how much came
flood      CLIENTS connections opened at once, then each sends
           {"cmd":"status"}: prints how many got a reply, an error (and
           which), were refused at connect, were closed without a word,
           or got nothing at all within 15 s (hung)
stale      leaves a socket file at PATH that nobody listens on
"""

import errno
import json
import os
import resource
import select
import socket
import sys
import time


def connect(path, timeout=5.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def read_line(s, buf, deadline):
    """One line from s (buf holds leftovers); None at EOF or deadline."""
    while b"\n" not in buf[0]:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        s.settimeout(left)
        try:
            d = s.recv(65536)
        except (socket.timeout, OSError):
            return None
        if not d:
            return None
        buf[0] += d
    line, _, rest = buf[0].partition(b"\n")
    buf[0] = rest
    return line


def garbage(path):
    bad = [
        b"this is not json",
        b"",
        b"[1, 2, 3]",
        b'"status"',
        b'{"nocmd": 1}',
        b'{"cmd": 5}',
        b'{"cmd": "frobnicate"}',
        b'{"cmd": "show"}',
        b'{"cmd": "show", "target": "host:nosuch.example:25"}',
        b'{"cmd": "history", "target": 7}',
        b'{"cmd": "status", "cmd": "reload"}',
        b"\x00\x01\x02\xff\xfe\x1b[2J binary",
        b'{"cmd": "status"',
        b'{"cmd": "status"}',
    ]
    s = connect(path)
    s.sendall(b"".join(x + b"\n" for x in bad))
    buf = [b""]
    deadline = time.monotonic() + 10
    for x in bad:
        line = read_line(s, buf, deadline)
        if line is None:
            out = {"noreply": x.decode("latin-1")}
        else:
            try:
                out = json.loads(line)
            except ValueError:
                out = {"notjson": line.decode("latin-1")}
            out["sent"] = x.decode("latin-1")
        print(json.dumps(out))
    s.close()


def longline(path, size):
    s = connect(path)
    s.setblocking(False)
    payload = b'{"cmd": "status", "pad": "' + b"a" * size + b'"}\n'
    sent = 0
    got = b""
    closed = False
    reset = False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not closed:
        w = [s] if sent < len(payload) else []
        r, wr, _ = select.select([s], w, [], 0.2)
        if wr:
            try:
                sent += s.send(payload[sent:sent + 65536])
            except BlockingIOError:
                pass
            except OSError as e:
                if e.errno in (errno.EPIPE, errno.ECONNRESET):
                    reset = True
                    sent = len(payload)	# stop writing, keep reading
                else:
                    raise
        if r:
            try:
                d = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                closed = True
                reset = True
                break
            if not d:
                closed = True
            got += d
    s.close()
    reply = None
    if b"\n" in got:
        try:
            reply = json.loads(got.split(b"\n", 1)[0])
        except ValueError:
            reply = {"notjson": got[:200].decode("latin-1")}
    print(json.dumps({"sent": sent, "size": len(payload), "reply": reply,
                      "closed": closed or reset, "reset": reset,
                      "bytes": len(got)}))


def nonreader(path, n):
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    reqs = b'{"cmd": "follow"}\n' + b'{"cmd": "targets"}\n' * n
    s.setblocking(False)
    sent = 0
    broken = False
    deadline = time.monotonic() + 20
    # write everything we can, never read
    while sent < len(reqs) and time.monotonic() < deadline:
        _, w, _ = select.select([], [s], [], 0.2)
        if not w:
            continue
        try:
            sent += s.send(reqs[sent:sent + 65536])
        except BlockingIOError:
            continue
        except OSError:
            broken = True
            break
    # give the daemon time to notice and drop us
    time.sleep(2)
    # now read: a dropped client sees what was in flight, then EOF
    total = 0
    eof = False
    end = time.monotonic() + 10
    s.setblocking(True)
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            d = s.recv(1 << 20)
        except socket.timeout:
            break
        except OSError:
            eof = True
            break
        if not d:
            eof = True
            break
        total += len(d)
    s.close()
    print(json.dumps({"requests": n, "sent": sent, "write_failed": broken,
                      "dropped": eof, "bytes_read_after": total}))


def flood(path, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (min(want, hard) if hard != -1 else want, hard))
    counts = {"clients": n, "ok": 0, "error": 0, "refused": 0,
              "dropped": 0, "hung": 0, "errors": {}, "messages": {}}
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(path)
        except (BlockingIOError, ConnectionRefusedError, OSError) as e:
            counts["refused"] += 1
            k = errno.errorcode.get(getattr(e, "errno", 0) or 0, str(e))
            counts["errors"][k] = counts["errors"].get(k, 0) + 1
            s.close()
            continue
        socks.append(s)
    pending = {}
    for s in socks:
        try:
            s.send(b'{"cmd": "status"}\n')
        except OSError:
            pass	# closed already: what it said before is still to read
        pending[s.fileno()] = (s, b"")
    deadline = time.monotonic() + 15
    poller = select.poll()
    for fd in pending:
        poller.register(fd, select.POLLIN)
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            s, buf = pending[fd]
            try:
                d = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                d = b""
            if d:
                buf += d
                if b"\n" not in buf:
                    pending[fd] = (s, buf)
                    continue
                try:
                    r = json.loads(buf.split(b"\n", 1)[0])
                except ValueError:
                    r = {"error": "not JSON"}
                if r.get("ok") is True:
                    counts["ok"] += 1
                else:
                    counts["error"] += 1
                    m = str(r.get("error"))
                    counts["messages"][m] = counts["messages"].get(m, 0) + 1
            else:
                counts["dropped" if not buf else "error"] += 1
            poller.unregister(fd)
            del pending[fd]
    counts["hung"] = len(pending)
    for s in socks:
        s.close()
    print(json.dumps(counts))


def stale(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()	# the file stays, nobody listens


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path = argv[1], argv[2]
    if cmd == "garbage":
        garbage(path)
    elif cmd == "longline":
        longline(path, int(argv[3]))
    elif cmd == "nonreader":
        nonreader(path, int(argv[3]))
    elif cmd == "flood":
        flood(path, int(argv[3]))
    elif cmd == "stale":
        stale(path)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
