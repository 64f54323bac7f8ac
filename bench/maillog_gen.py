#!/usr/bin/env python3
"""maillog_gen.py SIZE_MB OUT - write a Postfix mail log of about SIZE_MB
MiB for bench/logs_bench.sh.

The lines have the shape of the test suite's own Postfix 3.7 lines
(tests/unit/test_maillog.c): per message a cleanup, a qmgr from=, one to
three delivery attempts (sent most of the time, else deferred or bounced
with the refusals of tests/lib/fakesmtp.py, a refused connection, a
greeting timeout), qmgr removed; between them smtpd connects, TLS lines,
NOQUEUE rejects and other programs' lines. 2000 destination domains,
a seeded random source: the same SIZE_MB gives the same file.
"""

import random
import sys

MON = "Dec"
REPLIES = [
    ("deferred", "4.2.0", "host {h}[{a}] said: 450 4.2.0 <{r}>: Recipient "
     "address rejected: Greylisted, see http://postgrey.schweikert.ch/help/"
     "{d}.html (in reply to RCPT TO command)"),
    ("deferred", "4.2.1", "host {h}[{a}] said: 450 4.2.1 The user you are "
     "trying to contact is receiving mail at a rate that prevents "
     "additional messages from being delivered. Please resend your message "
     "at a later time. (in reply to RCPT TO command)"),
    ("bounced", "5.1.1", "host {h}[{a}] said: 550 5.1.1 <{r}>: Recipient "
     "address rejected: User unknown in virtual mailbox table (in reply to "
     "RCPT TO command)"),
    ("bounced", "5.7.1", "host {h}[{a}] said: 554 5.7.1 Service "
     "unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org"
     " (in reply to RCPT TO command)"),
    ("bounced", "5.7.26", "host {h}[{a}] said: 550 5.7.26 Unauthenticated "
     "email from example.com is not accepted due to domain's DMARC policy. "
     "(in reply to end of DATA command)"),
    ("deferred", "4.4.1", "connect to {h}[{a}]:25: Connection refused"),
    ("deferred", "4.4.2", "conversation with {h}[{a}] timed out while "
     "receiving the initial server greeting"),
    ("deferred", "4.7.4", "TLS is required, but was not offered by host "
     "{h}[{a}]"),
]


def main():
    size = int(sys.argv[1]) * 1024 * 1024
    rnd = random.Random(13)
    doms = ["d%04d.example" % i for i in range(2000)]
    out = open(sys.argv[2], "w", buffering=1 << 20)
    written = 0
    t = 0
    qn = 0x10000
    pid = 1000
    while written < size:
        t += rnd.randint(0, 2)
        hh, mm, ss = (t // 3600) % 24, (t // 60) % 60, t % 60
        day = 1 + (t // 86400) % 28
        stamp = "%s %2d %02d:%02d:%02d mx" % (MON, day, hh, mm, ss)
        qn += 1
        q = "%X" % (qn * 2654435761 % (1 << 40))
        d = rnd.choice(doms)
        r = "user%d@%s" % (rnd.randint(1, 500), d)
        h = "mx.%s" % d
        a = "192.0.2.%d" % rnd.randint(1, 254)
        lines = []
        if rnd.random() < 0.3:
            lines.append("%s postfix/smtpd[%d]: connect from "
                         "client.example.org[203.0.113.%d]" % (
                             stamp, pid, rnd.randint(1, 254)))
        lines.append("%s postfix/cleanup[%d]: %s: message-id=<%d@example.com>"
                     % (stamp, pid + 1, q, qn))
        lines.append("%s postfix/qmgr[900]: %s: from=<sender%d@example.com>, "
                     "size=%d, nrcpt=1 (queue active)" % (
                         stamp, q, rnd.randint(1, 50), rnd.randint(500, 90000)))
        lines.append("%s postfix/smtp[%d]: Untrusted TLS connection "
                     "established to %s[%s]:25: TLSv1.3 with cipher "
                     "TLS_AES_256_GCM_SHA384 (256/256 bits)" % (stamp, pid + 2,
                                                                 h, a))
        for _ in range(rnd.choice((1, 1, 1, 2, 3))):
            if rnd.random() < 0.8:
                lines.append("%s postfix/smtp[%d]: %s: to=<%s>, relay=%s[%s]"
                             ":25, delay=0.4, delays=0.1/0/0.1/0.2, dsn=2.0.0,"
                             " status=sent (250 2.0.0 Ok: queued as %X)" % (
                                 stamp, pid + 2, q, r, h, a, qn))
            else:
                st, dsn, txt = rnd.choice(REPLIES)
                lines.append("%s postfix/smtp[%d]: %s: to=<%s>, relay=%s[%s]"
                             ":25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=%s, "
                             "status=%s (%s)" % (
                                 stamp, pid + 2, q, r, h, a, dsn, st,
                                 txt.format(h=h, a=a, r=r, d=d)))
        lines.append("%s postfix/qmgr[900]: %s: removed" % (stamp, q))
        if rnd.random() < 0.1:
            lines.append("%s postfix/smtpd[%d]: NOQUEUE: reject: RCPT from "
                         "unknown[203.0.113.%d]: 554 5.7.1 Service "
                         "unavailable; Client host [203.0.113.9] blocked "
                         "using zen.spamhaus.org; from=<x@spam%d.example> "
                         "to=<a@example.com> proto=ESMTP helo=<spam>" % (
                             stamp, pid, rnd.randint(1, 254),
                             rnd.randint(1, 300)))
        if rnd.random() < 0.05:
            lines.append("%s dovecot[77]: imap-login: Login: user=<a>, "
                         "method=PLAIN, rip=203.0.113.5" % stamp)
        pid = 1000 + (pid + 7) % 30000
        blob = "\n".join(lines) + "\n"
        out.write(blob)
        written += len(blob)
    out.close()


if __name__ == "__main__":
    main()
