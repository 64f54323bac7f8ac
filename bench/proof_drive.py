#!/usr/bin/env python3
"""proof_drive.py - drive a long-running prober and measure its CPU.

    proof_drive.py http -t TAG -p PID -n N [-w WARM] [-i SECONDS] URL
        N probes, one after the other, through the prober's HTTP endpoint
        (prometheus-blackbox-exporter's /probe): a probe is good when the
        answer has "probe_success 1". -i: start one every SECONDS
        (paced, as a scraper would) instead of back to back.
    proof_drive.py ctl -t TAG -p PID -n N [-w WARM] SOCKET TARGET
        N "probe" requests to smtprobed's control socket, each on a new
        connection as `smtprobe probe` makes them: a probe is good when
        the reply is ok, the status ok, and every session reached QUIT
        over verified TLS. Before the CPU is read again, waits until the
        store has written every result (status: store.queued == 0), so
        the store's work is counted.
    proof_drive.py sched -t TAG -p PID -s SECONDS SOCKET
        Leaves the daemon to its own schedule for SECONDS and counts the
        runs it made (status: probes_run, probes_failed).
    proof_drive.py idle -t TAG -p PID -s SECONDS
        The CPU of PID over SECONDS in which nobody asks it anything:
        what it costs per second just to be running (cpu_us_per_s).

The CPU is that of process PID only, every thread of it, from
/proc/PID/stat (utime + stime, clock ticks) before and after the
measured probes: this client's own CPU is not in it. Also from
/proc/PID/task/*/schedstat (nanoseconds, threads alive at both reads),
finer than a tick, as a cross-check. Output: key=value lines prefixed
with TAG (cpu_us per probe, wall percentiles, ok, errors).
Standard library only.
"""

import getopt
import glob
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse

HZ = os.sysconf("SC_CLK_TCK")


def stat_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12]), int(fields[11]), int(fields[12])


def sched_ns(pid):
    out = {}
    for p in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(p) as f:
                out[p] = int(f.read().split()[0])
        except OSError:
            pass
    return out


class Meter:
    def __init__(self, pid):
        self.pid = pid

    def start(self):
        self.t0, self.u0, self.s0 = stat_ticks(self.pid)
        self.n0 = sched_ns(self.pid)
        self.w0 = time.monotonic()

    def stop(self):
        self.t1, self.u1, self.s1 = stat_ticks(self.pid)
        self.n1 = sched_ns(self.pid)
        self.w1 = time.monotonic()

    def emit(self, tag, n):
        ticks = self.t1 - self.t0
        ns = sum(self.n1[k] - self.n0[k] for k in self.n1 if k in self.n0)
        per = n if n > 0 else 1
        print("%s.ticks=%d" % (tag, ticks))
        print("%s.cpu_us=%.1f" % (tag, ticks * 1e6 / HZ / per))
        print("%s.cpu_user_us=%.1f" % (tag, (self.u1 - self.u0) * 1e6 / HZ / per))
        print("%s.cpu_sys_us=%.1f" % (tag, (self.s1 - self.s0) * 1e6 / HZ / per))
        print("%s.sched_cpu_us=%.1f" % (tag, ns / 1e3 / per))
        # the main thread (the loop) apart from the others (smtprobed:
        # the store's writer; Go: the runtime's threads)
        main = "/proc/%d/task/%d/schedstat" % (self.pid, self.pid)
        if main in self.n0 and main in self.n1:
            nm = self.n1[main] - self.n0[main]
            print("%s.sched_main_us=%.1f" % (tag, nm / 1e3 / per))
            print("%s.sched_other_us=%.1f" % (tag, (ns - nm) / 1e3 / per))
        print("%s.threads=%d" % (tag, len(self.n1)))
        print("%s.elapsed_s=%.2f" % (tag, self.w1 - self.w0))


def percentile(v, p):
    if not v:
        return 0
    v = sorted(v)
    rank = max(1, min(len(v), int(p / 100.0 * len(v) + 0.999999)))
    return v[rank - 1]


def emit_wall(tag, walls):
    print("%s.wall_med_us=%d" % (tag, percentile(walls, 50)))
    print("%s.wall_p99_us=%d" % (tag, percentile(walls, 99)))


# ---- http (blackbox exporter) ----------------------------------------

def http_probe(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read().decode("utf-8", "replace")
    return r.status == 200 and "\nprobe_success 1\n" in "\n" + body, body


def cmd_http(opts, args):
    url = urllib.parse.urlsplit(args[0])
    path = url.path + ("?" + url.query if url.query else "")
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    tag, n, warm = opts["t"], int(opts["n"]), int(opts.get("w", 5))
    pace = float(opts.get("i", 0))
    bad = 0
    shown = False
    for _ in range(warm):
        http_probe(conn, path)
    m = Meter(int(opts["p"]))
    walls = []
    m.start()
    start = time.monotonic()
    for i in range(n):
        if pace > 0:
            time.sleep(max(0.0, start + i * pace - time.monotonic()))
        t = time.monotonic()
        ok, body = http_probe(conn, path)
        walls.append(int((time.monotonic() - t) * 1e6))
        if not ok:
            bad += 1
            if not shown:
                shown = True
                sys.stderr.write("proof_drive: a probe failed:\n" + body)
    m.stop()
    conn.close()
    print("%s.n=%d" % (tag, n))
    print("%s.ok=%d" % (tag, n - bad))
    m.emit(tag, n)
    emit_wall(tag, walls)
    return 0 if bad == 0 else 1


# ---- ctl (smtprobed) -------------------------------------------------

def ctl_request(sock_path, req, timeout=120):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    s.sendall((json.dumps(req) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    return json.loads(buf.decode()) if buf else None


def probe_good(rep):
    if not rep or not rep.get("ok"):
        return False
    res = rep.get("result") or {}
    if res.get("status") != "ok" or not res.get("sessions"):
        return False
    for s in res["sessions"]:
        tls = s.get("tls") or {}
        if s.get("outcome") != "ok" or not tls.get("verified") or \
                not tls.get("hostname_ok"):
            return False
    return True


def store_drained(sock_path, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        st = ctl_request(sock_path, {"cmd": "status"})
        if st and st.get("store", {}).get("queued", 1) == 0:
            return st
        time.sleep(0.02)
    return None


def cmd_ctl(opts, args):
    sock_path, target = args[0], args[1]
    tag, n, warm = opts["t"], int(opts["n"]), int(opts.get("w", 5))
    req = {"cmd": "probe", "target": target}
    for _ in range(warm):
        ctl_request(sock_path, req)
    store_drained(sock_path)
    m = Meter(int(opts["p"]))
    walls = []
    bad = 0
    shown = False
    m.start()
    for _ in range(n):
        t = time.monotonic()
        rep = ctl_request(sock_path, req)
        walls.append(int((time.monotonic() - t) * 1e6))
        if not probe_good(rep):
            bad += 1
            if not shown:
                shown = True
                sys.stderr.write("proof_drive: a probe failed: %s\n" %
                                 json.dumps(rep)[:4000])
    st = store_drained(sock_path)
    m.stop()
    print("%s.n=%d" % (tag, n))
    print("%s.ok=%d" % (tag, n - bad))
    print("%s.store_drained=%d" % (tag, 1 if st else 0))
    if st:
        print("%s.store_errors=%d" % (tag, st["store"].get("errors", -1)))
        print("%s.dns_sent=%d" % (tag, st.get("dns", {}).get("sent", -1)))
    m.emit(tag, n)
    emit_wall(tag, walls)
    return 0 if bad == 0 and st else 1


def cmd_sched(opts, args):
    sock_path = args[0]
    tag, secs = opts["t"], float(opts["s"])
    m = Meter(int(opts["p"]))
    st0 = ctl_request(sock_path, {"cmd": "status"})
    m.start()
    time.sleep(secs)
    m.stop()
    st1 = ctl_request(sock_path, {"cmd": "status"})
    n = st1["probes_run"] - st0["probes_run"]
    failed = st1["probes_failed"] - st0["probes_failed"]
    print("%s.n=%d" % (tag, n))
    print("%s.ok=%d" % (tag, n - failed))
    print("%s.dns_sent=%d" % (tag, st1.get("dns", {}).get("sent", -1)))
    m.emit(tag, n)
    return 0 if n > 0 and failed == 0 else 1


def cmd_idle(opts, args):
    tag, secs = opts["t"], float(opts["s"])
    m = Meter(int(opts["p"]))
    m.start()
    time.sleep(secs)
    m.stop()
    ticks = m.t1 - m.t0
    ns = sum(m.n1[k] - m.n0[k] for k in m.n1 if k in m.n0)
    el = m.w1 - m.w0
    print("%s.idle_s=%.2f" % (tag, el))
    print("%s.ticks=%d" % (tag, ticks))
    print("%s.cpu_us_per_s=%.1f" % (tag, ticks * 1e6 / HZ / el))
    print("%s.sched_cpu_us_per_s=%.1f" % (tag, ns / 1e3 / el))
    main = "/proc/%d/task/%d/schedstat" % (m.pid, m.pid)
    if main in m.n0 and main in m.n1:
        print("%s.sched_main_us_per_s=%.1f" % (
            tag, (m.n1[main] - m.n0[main]) / 1e3 / el))
    return 0


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        o, args = getopt.getopt(sys.argv[2:], "i:n:p:s:t:w:")
    except getopt.GetoptError as e:
        sys.stderr.write("proof_drive: %s\n" % e)
        return 2
    opts = {k[1:]: v for k, v in o}
    cmd = sys.argv[1]
    need = {"http": ("t", "p", "n"), "ctl": ("t", "p", "n"),
            "sched": ("t", "p", "s"), "idle": ("t", "p", "s")}.get(cmd)
    nargs = {"http": 1, "ctl": 2, "sched": 1, "idle": 0}.get(cmd)
    if need is None or any(k not in opts for k in need) or \
            len(args) != nargs:
        sys.stderr.write(__doc__)
        return 2
    return {"http": cmd_http, "ctl": cmd_ctl, "sched": cmd_sched,
            "idle": cmd_idle}[cmd](opts, args)


if __name__ == "__main__":
    sys.exit(main())
