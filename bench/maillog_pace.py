#!/usr/bin/env python3
"""maillog_pace.py RATE OUT - append Postfix log lines to OUT at RATE
lines a second, stamped with the current time, until killed (for
bench/logidle_bench.sh: a log a [log] section follows while it grows).

Each message is the cleanup, qmgr from=, delivery and removed lines of
maillog_gen.py's shape; the delivery is sent four times in five, else
one of maillog_gen.py's refusals. 50 destination domains, a seeded
random source. One write() per line, as syslog writes them; the lines
are spaced evenly, and the pace is kept against the clock, not against
sleep()'s accuracy. Prints "written=N" on SIGTERM.
"""

import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maillog_gen import REPLIES  # noqa: E402


def messages(rnd):
    """Endless lists of lines without their stamp, a message each."""
    doms = ["d%02d.example" % i for i in range(50)]
    qn = 0x20000
    pid = 2000
    while True:
        qn += 1
        q = "%X" % (qn * 2654435761 % (1 << 40))
        d = rnd.choice(doms)
        r = "user%d@%s" % (rnd.randint(1, 500), d)
        h = "mx.%s" % d
        a = "192.0.2.%d" % rnd.randint(1, 254)
        if rnd.random() < 0.8:
            st, dsn, txt = "sent", "2.0.0", "250 2.0.0 Ok: queued as %X" % qn
        else:
            st, dsn, txt = rnd.choice(REPLIES)
            txt = txt.format(h=h, a=a, r=r, d=d)
        yield [
            "postfix/cleanup[%d]: %s: message-id=<%d@example.com>"
            % (pid, q, qn),
            "postfix/qmgr[900]: %s: from=<sender@example.com>, "
            "size=%d, nrcpt=1 (queue active)" % (q, rnd.randint(500, 90000)),
            "postfix/smtp[%d]: %s: to=<%s>, relay=%s[%s]:25, "
            "delay=0.4, delays=0.1/0/0.1/0.2, dsn=%s, status=%s (%s)"
            % (pid + 1, q, r, h, a, dsn, st, txt),
            "postfix/qmgr[900]: %s: removed" % q,
        ]
        pid = 2000 + (pid + 7) % 30000


def main():
    rate = float(sys.argv[1])
    fd = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    written = 0

    def stop(*_):
        print("written=%d" % written, flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    t0 = time.monotonic()
    for msg in messages(random.Random(13)):
        for line in msg:
            delay = t0 + written / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            stamp = time.strftime("%b %e %H:%M:%S") + " mx"
            os.write(fd, ("%s %s\n" % (stamp, line)).encode())
            written += 1


if __name__ == "__main__":
    main()
