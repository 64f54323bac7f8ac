#!/usr/bin/env python3
"""fakedns.py - a scripted DNS server for the resolver tests.

    fakedns.py --port P [--addr A]... [--ready FILE] [--silent|--refuse] [-v]

Listens on UDP and TCP port P of each address (default 127.0.0.1). What
it answers depends on the labels of the name asked: the first label whose
part before any '-' is a behaviour below picks it, so a test can use
"ok-cache.test" or "q17.ok-bench.test" for its own fresh names.

    ok       A 192.0.2.1 192.0.2.2, AAAA 2001:db8::1, MX 10 mx1. 20 mx2.,
             TXT "v=spf1 -all" (TTL 300); other types NODATA with SOA
    ad       as ok, with the AD bit
    ttl0     as ok, TTL 0
    alias    CNAME (TTL 100) to ok.NAME, then ok's records for it
    loop     CNAME to itself
    tc       over UDP: TC set, no records; over TCP: as ok
    big      60 A records: truncated over UDP by the EDNS size (or 512)
    slow     as ok, 300 ms late
    silent   never answers
    servfail, refused, formerr   that rcode
    nx       NXDOMAIN, SOA in authority (TTL 120, MINIMUM 60)
    nodata   NOERROR, no records, SOA in authority
    badid    first an answer with another id (A 203.0.113.66), then ok's
    badq     first an answer to another question, then ok's
    badsrc   first an answer from another port, then ok's
    noedns   FORMERR without OPT or question to a query with EDNS, else ok
    _count   TXT "udp=N tcp=N edns=N ad=N" for the rest of the name
             (queries seen for it; counting queries are not counted)

Any other name is NXDOMAIN. --silent never answers anything; --refuse
answers REFUSED to everything, like a resolver closed to us. Python
standard library only: the wire format is built and parsed here.
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "OPT": 41}
BEHAVIOURS = {"ok", "ad", "ttl0", "alias", "loop", "tc", "big", "slow",
              "silent", "servfail", "refused", "formerr", "nx", "nodata",
              "badid", "badq", "badsrc", "noedns", "_count"}

counts = {}
counts_lock = threading.Lock()
verbose = False


class BadMessage(Exception):
    pass


def read_name(buf, off):
    """Name at off (compression followed, bounded); returns (name, next)."""
    labels, jumps, end = [], 0, None
    while True:
        if off >= len(buf):
            raise BadMessage("name past the end")
        n = buf[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(buf) or jumps > 20:
                raise BadMessage("bad pointer")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | buf[off + 1]
            jumps += 1
            continue
        if n & 0xC0:
            raise BadMessage("bad label type")
        off += 1
        if n == 0:
            break
        labels.append(buf[off:off + n].decode("latin-1"))
        off += n
    return ".".join(labels) + ".", end if end is not None else off


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("latin-1")
    return out + b"\0"


def parse_query(buf):
    if len(buf) < 12:
        raise BadMessage("short")
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", buf[:12])
    if qd != 1:
        raise BadMessage("qdcount %d" % qd)
    name, off = read_name(buf, 12)
    if off + 4 > len(buf):
        raise BadMessage("short question")
    qtype, qclass = struct.unpack("!HH", buf[off:off + 4])
    off += 4
    edns = None
    for _ in range(an + ns + ar):
        _, off = read_name(buf, off)
        if off + 10 > len(buf):
            raise BadMessage("short rr")
        rtype, rclass, _, rdlen = struct.unpack("!HHIH", buf[off:off + 10])
        off += 10 + rdlen
        if rtype == TYPES["OPT"]:
            edns = rclass
    return {"id": qid, "flags": flags, "name": name, "qtype": qtype,
            "qclass": qclass, "edns": edns, "ad": bool(flags & 0x0020)}


def rr(name, rtype, ttl, rdata):
    return wire_name(name) + struct.pack("!HHIH", rtype, 1, ttl,
                                         len(rdata)) + rdata


def soa_rr(name):
    zone = name.split(".", 1)[1] if name.count(".") > 1 else name
    if zone in ("", "."):
        zone = "test."
    rdata = (wire_name("ns." + zone) + wire_name("hostmaster." + zone) +
             struct.pack("!IIIII", 1, 3600, 600, 86400, 60))
    return rr(zone, TYPES["SOA"], 120, rdata)


def ok_records(name, qtype, ttl=300):
    if qtype == TYPES["A"]:
        return [rr(name, qtype, ttl, socket.inet_aton(a))
                for a in ("192.0.2.1", "192.0.2.2")]
    if qtype == TYPES["AAAA"]:
        return [rr(name, qtype, ttl,
                   socket.inet_pton(socket.AF_INET6, "2001:db8::1"))]
    if qtype == TYPES["MX"]:
        return [rr(name, qtype, ttl, struct.pack("!H", p) +
                   wire_name(h + "." + name)) for p, h in
                ((10, "mx1"), (20, "mx2"))]
    if qtype == TYPES["TXT"]:
        t = b"v=spf1 -all"
        return [rr(name, qtype, ttl, bytes([len(t)]) + t)]
    return []


def message(q, rcode=0, answer=(), authority=(), aa=True, ad=False,
            tc=False, qid=None, qname=None, edns=True, question=True):
    flags = 0x8000 | (q["flags"] & 0x0100) | 0x0080 | rcode
    if aa:
        flags |= 0x0400
    if ad:
        flags |= 0x0020
    if tc:
        flags |= 0x0200
    opt = b""
    if edns and q["edns"] is not None:
        opt = b"\0" + struct.pack("!HHIH", TYPES["OPT"], 1232, 0, 0)
    qs = b""
    if question:
        qs = wire_name(qname or q["name"]) + struct.pack("!HH", q["qtype"],
                                                          q["qclass"])
    head = struct.pack("!HHHHHH", q["id"] if qid is None else qid, flags,
                       1 if question else 0, len(answer), len(authority),
                       1 if opt else 0)
    return head + qs + b"".join(answer) + b"".join(authority) + opt


def behaviour(name):
    for label in name.lower().rstrip(".").split("."):
        word = label.split("-", 1)[0]
        if word in BEHAVIOURS:
            return word
    return None


def count(name, q, tcp):
    key = name.lower()
    with counts_lock:
        c = counts.setdefault(key, {"udp": 0, "tcp": 0, "edns": 0, "ad": 0})
        c["tcp" if tcp else "udp"] += 1
        c["edns"] += q["edns"] is not None
        c["ad"] += q["ad"]


def ok_message(q, name, qtype, ttl=300, ad=False):
    recs = ok_records(name, qtype, ttl)
    if recs:
        return message(q, answer=recs, ad=ad)
    return message(q, authority=[soa_rr(name)], ad=ad)


def answers(q, tcp):
    """The messages to send back, in order, each with a delay and a flag
    saying whether it goes out from another socket (badsrc)."""
    name, qtype = q["name"], q["qtype"]
    b = behaviour(name)
    if b == "_count":
        target = name.split(".", 1)[1].lower()
        with counts_lock:
            c = counts.get(target, {"udp": 0, "tcp": 0, "edns": 0, "ad": 0})
            t = ("udp=%d tcp=%d edns=%d ad=%d" % (c["udp"], c["tcp"],
                                                  c["edns"], c["ad"])).encode()
        return [(0, False, message(q, answer=[rr(name, TYPES["TXT"], 0,
                                                 bytes([len(t)]) + t)]))]
    count(name, q, tcp)
    if b is None:
        return [(0, False, message(q, rcode=3, authority=[soa_rr(name)]))]
    if b == "silent":
        return []
    if b in ("ok", "ad", "ttl0"):
        return [(0, False, ok_message(q, name, qtype,
                                      0 if b == "ttl0" else 300, b == "ad"))]
    if b == "slow":
        return [(0.3, False, ok_message(q, name, qtype))]
    if b == "alias":
        target = "ok." + name
        recs = [rr(name, TYPES["CNAME"], 100, wire_name(target))]
        if qtype == TYPES["CNAME"]:
            return [(0, False, message(q, answer=recs))]
        more = ok_records(target, qtype)
        auth = [] if more else [soa_rr(target)]
        return [(0, False, message(q, answer=recs + more, authority=auth))]
    if b == "loop":
        return [(0, False, message(q, answer=[rr(name, TYPES["CNAME"], 100,
                                                 wire_name(name))]))]
    if b == "tc":
        if not tcp:
            return [(0, False, message(q, tc=True))]
        return [(0, False, ok_message(q, name, qtype))]
    if b == "big":
        recs = [rr(name, TYPES["A"], 300, bytes([192, 0, 2, i + 1]))
                for i in range(60)] if qtype == TYPES["A"] else []
        m = message(q, answer=recs)
        limit = max(512, q["edns"] or 512)
        if not tcp and len(m) > limit:
            return [(0, False, message(q, tc=True))]
        return [(0, False, m)]
    if b == "servfail":
        return [(0, False, message(q, rcode=2, aa=False))]
    if b == "refused":
        return [(0, False, message(q, rcode=5, aa=False))]
    if b == "formerr":
        return [(0, False, message(q, rcode=1, aa=False))]
    if b == "nx":
        return [(0, False, message(q, rcode=3, authority=[soa_rr(name)]))]
    if b == "nodata":
        return [(0, False, message(q, authority=[soa_rr(name)]))]
    bogus = [rr(name, TYPES["A"], 300, socket.inet_aton("203.0.113.66"))]
    if b == "badid":
        return [(0, False, message(q, answer=bogus, qid=q["id"] ^ 0x5555)),
                (0, False, ok_message(q, name, qtype))]
    if b == "badq":
        other = "evil." + name
        return [(0, False, message(q, qname=other,
                                   answer=[rr(other, TYPES["A"], 300,
                                              socket.inet_aton(
                                                  "203.0.113.66"))])),
                (0, False, ok_message(q, name, qtype))]
    if b == "badsrc":
        return [(0, True, message(q, answer=bogus)),
                (0, False, ok_message(q, name, qtype))]
    if b == "noedns":
        if q["edns"] is not None:
            return [(0, False, message(q, rcode=1, edns=False,
                                       question=False))]
        return [(0, False, ok_message(q, name, qtype))]
    return []


def log(msg):
    if verbose:
        print(msg, file=sys.stderr, flush=True)


def refused(data):
    """REFUSED with the query's question echoed, or None."""
    try:
        q = parse_query(data)
    except BadMessage:
        return None
    return message(q, rcode=5, aa=False)


def serve_udp(sock, family, mode):
    while True:
        try:
            data, peer = sock.recvfrom(65535)
        except OSError:
            continue
        if mode == "silent":
            continue
        if mode == "refuse":
            msg = refused(data)
            if msg is not None:
                sock.sendto(msg, peer)
            continue
        try:
            q = parse_query(data)
        except BadMessage as e:
            log("udp %s: bad query: %s" % (peer, e))
            continue
        log("udp %s %s %d" % (peer, q["name"], q["qtype"]))
        for delay, other, msg in answers(q, False):
            if delay:
                threading.Timer(delay, sock.sendto, (msg, peer)).start()
            elif other:
                s = socket.socket(family, socket.SOCK_DGRAM)
                s.sendto(msg, peer)
                s.close()
            else:
                sock.sendto(msg, peer)


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def serve_tcp_conn(conn, mode):
    try:
        conn.settimeout(30)
        while True:
            head = recv_exact(conn, 2)
            if head is None:
                return
            data = recv_exact(conn, struct.unpack("!H", head)[0])
            if data is None or mode == "silent":
                return
            if mode == "refuse":
                msg = refused(data)
                if msg is None:
                    return
                conn.sendall(struct.pack("!H", len(msg)) + msg)
                continue
            try:
                q = parse_query(data)
            except BadMessage as e:
                log("tcp: bad query: %s" % e)
                return
            log("tcp %s %d" % (q["name"], q["qtype"]))
            for delay, _, msg in answers(q, True):
                if delay:
                    time.sleep(delay)
                conn.sendall(struct.pack("!H", len(msg)) + msg)
    except OSError:
        pass
    finally:
        conn.close()


def serve_tcp(sock, mode):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            continue
        threading.Thread(target=serve_tcp_conn, args=(conn, mode),
                         daemon=True).start()


def main():
    global verbose
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--addr", action="append")
    ap.add_argument("--ready")
    ap.add_argument("--silent", action="store_const", const="silent",
                    dest="mode")
    ap.add_argument("--refuse", action="store_const", const="refuse",
                    dest="mode")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    verbose = a.v
    threads = []
    for addr in a.addr or ["127.0.0.1"]:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        u = socket.socket(family, socket.SOCK_DGRAM)
        t = socket.socket(family, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            u.bind((addr, a.port))
            t.bind((addr, a.port))
        except OSError as e:
            print("fakedns: %s port %d: %s" % (addr, a.port, e),
                  file=sys.stderr)
            return 1
        t.listen(64)
        threads.append(threading.Thread(target=serve_udp,
                                         args=(u, family, a.mode),
                                         daemon=True))
        threads.append(threading.Thread(target=serve_tcp,
                                        args=(t, a.mode), daemon=True))
    for th in threads:
        th.start()
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
