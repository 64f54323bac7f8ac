#!/usr/bin/env python3
"""fakesmtp.py - a scripted, misbehaving SMTP server for scenario tests.

    fakesmtp.py [--addr A] [--port P] [--ready FILE] [--cert F --key F]
                [--weak-cert F --weak-key F] [--seclevel0] [--lifetime S]
                [--script FILE] MODE[@ADDR] ...

One listener per MODE argument, on ADDR (default --addr, 127.0.0.1; ::1
works too), on a free port (--port P with a single listener). Once every
listener is up, FILE gets one line per listener, "MODE[@ADDR] PORT", in
argument order. Every connection is served in its own thread the way its
listener's MODE says. Exits after --lifetime seconds or on SIGTERM.
Python 3 standard library only. Every line sent and received is logged
to stderr with the mode, so a failing test can show what the server saw.

--cert/--key serve STARTTLS in the TLS modes (normal, tls-old,
tls13-client-cert); --weak-cert/--weak-key are used by weak-key;
--seclevel0 lets every listener use a certificate OpenSSL would refuse
to load (one signed with SHA-1). Modes: see MODES below.

Scripted refusals: --script FILE is a JSON object of named refusals,

    {"NAME": {"phase": "banner|ehlo|mail|rcpt|data",
              "reply": ["550-5.7.1 first line", "550 5.7.1 last line"],
              "encoding": "utf-8" (default) or "gbk",
              "close": false,          # close the connection after it
              "rcpt": "user@x"}}       # rcpt phase: only this recipient

and the mode "script:NAME" behaves as "normal" except that the phase
named answers the reply given (every line sent as written, encoded as
said). "data" answers after the message (DATA is accepted with 354).
"""

import argparse
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import warnings

MODES = {
    "normal": "well-behaved ESMTP server (STARTTLS when --cert is given)",
    "greet421": "greeting 421 4.3.2 Service shutting down",
    "greet421-toomany": "greeting 421 4.7.0 Too many connections",
    "greet554": "greeting 554 5.7.1 no SMTP service here",
    "greet554-rbl": "greeting 554 5.7.1, client blocked using a DNSBL",
    "tarpit": "accepts, never says anything",
    "drip": "greeting one byte at a time over about a second",
    "endless-line": "greeting '220 ' then bytes without a newline",
    "endless-multiline": "EHLO answered with 250- lines forever",
    "reset-mid-reply": "half an EHLO reply, then a TCP RST",
    "starttls-refused": "advertises STARTTLS, answers 454 4.7.0",
    "tls-garbage": "STARTTLS 220, then garbage instead of a ServerHello",
    "malformed": "greeting '2x0 hello'",
    "ehlo-reject": "EHLO 502 5.5.2, HELO 250",
    "ehlo-helo-reject": "EHLO and HELO 550 5.7.1",
    "auth-plaintext": "advertises AUTH PLAIN LOGIN without STARTTLS",
    "mail-timeout": "never answers MAIL FROM",
    "slow-ehlo": "answers EHLO after 0.7 s",
    "mail-421": "MAIL answered 421 4.3.2, connection closed at once",
    "tls-old": "STARTTLS with TLS 1.0/1.1 only (needs --cert/--key)",
    "weak-key": "STARTTLS at security level 0 (give a 1024 bit RSA cert)",
    "tls13-client-cert": "STARTTLS, TLS 1.3 only, a client certificate "
                         "required: the handshake ends with the alert "
                         "certificate_required after the client's Finished",
    "blackhole": "listen backlog 0, queue filled, never accepts: SYNs drop",
    "hangup": "accepts and closes at once, before any greeting",
    "smtputf8": "advertises SMTPUTF8 (RFC 6531) and takes UTF-8 addresses "
                "in a transaction declared with it; every other mode "
                "refuses both the parameter and such addresses",
    # Listeners that speak TLS first (implicit TLS) where a plain client
    # waits for a greeting:
    "slow-replies": "answers every command 0.3 s late, each in time: a "
                    "session of many RCPT tests drags on",
    "tls-first": "TLS from the first byte (needs --cert/--key), then the "
                 "normal dialogue inside it",
    "tls-alert": "a TLS alert record (handshake_failure) instead of a "
                 "greeting, then closes",
    "tls-silent-alert": "says nothing; answers whatever comes (a "
                        "ClientHello) with a TLS alert record and closes",
    # Refusals of real mail, for a sending Postfix to log (built-in
    # scripts, see REFUSALS):
    "rcpt-greylist": "RCPT 450 4.2.0, postgrey's text via Postfix",
    "rcpt-ratelimit": "RCPT 450 4.2.1, Gmail's receiving-rate text",
    "rcpt-unknown": "RCPT 550 5.1.1, Postfix's unknown-user text",
    "rcpt-blocklisted": "RCPT 554 5.7.1, Postfix's DNSBL text",
    "rcpt-full": "RCPT 552 5.2.2 Mailbox full",
    "data-dmarc": "end of DATA 550 5.7.26, Gmail's DMARC text",
}

# The refusal modes above as built-in scripts (see --script).
REFUSALS = {
    # postgrey's reply as Postfix's check_policy_service passes it on
    "rcpt-greylist": ("rcpt", "450 4.2.0 <user@grey.test>: Recipient "
                      "address rejected: Greylisted, see "
                      "http://postgrey.schweikert.ch/help/grey.test.html"),
    # Gmail's SMTP error reference, 4.2.1
    "rcpt-ratelimit": ("rcpt", "450 4.2.1 The user you are trying to "
                       "contact is receiving mail at a rate that prevents "
                       "additional messages from being delivered. Please "
                       "resend your message at a later time."),
    "rcpt-unknown": ("rcpt", "550 5.1.1 <user@unknown.test>: Recipient "
                     "address rejected: User unknown in virtual mailbox "
                     "table"),
    # Postfix's default rbl reply
    "rcpt-blocklisted": ("rcpt", "554 5.7.1 Service unavailable; Client "
                         "host [127.0.0.1] blocked using zen.spamhaus.org"),
    "rcpt-full": ("rcpt", "552 5.2.2 <user@full.test>: Mailbox full"),
    # Gmail's SMTP error reference, 5.7.26
    "data-dmarc": ("data", "550 5.7.26 Unauthenticated email from "
                   "sender.test is not accepted due to domain's DMARC "
                   "policy. Please contact the administrator of "
                   "sender.test domain if this was a legitimate mail."),
}

HOSTNAME = "fake.test.example"
LINE_MAX = 4096
# Bound on everything that streams or waits forever, so a test that
# forgets to stop us still ends.
STREAM_SECONDS = 30

stopping = threading.Event()
SCRIPTS = {}
log_lock = threading.Lock()


def log(conn_id, msg, label=""):
    with log_lock:
        sys.stderr.write("%.3f %s#%s %s\n" % (time.time(), label, conn_id,
                                               msg))
        sys.stderr.flush()


class Closed(Exception):
    """The client went away."""


class Conn:
    """One client connection: line reads, replies, STARTTLS."""

    def __init__(self, sock, conn_id, label):
        self.sock = sock
        self.id = conn_id
        self.label = label
        self.buf = b""
        self.tls = False

    def log(self, msg):
        log(self.id, msg, self.label)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Closed(str(e))

    def reply(self, text):
        self.log("S: " + text)
        self.send(text + "\r\n")

    def replies(self, lines):
        """A multi-line reply from a list of 'CODE TEXT' strings."""
        out = []
        for i, line in enumerate(lines):
            sep = " " if i == len(lines) - 1 else "-"
            out.append(line[:3] + sep + line[4:])
        for line in out:
            self.log("S: " + line)
        self.send("".join(line + "\r\n" for line in out))

    def readline(self, timeout=STREAM_SECONDS):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if len(self.buf) > LINE_MAX:
                raise Closed("line too long")
            left = deadline - time.monotonic()
            if left <= 0 or stopping.is_set():
                raise Closed("read timeout")
            self.sock.settimeout(min(left, 0.5))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except (OSError, ssl.SSLError) as e:
                raise Closed(str(e))
            if not data:
                raise Closed("eof")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        line = line.rstrip(b"\r").decode("latin-1")
        self.log("C: " + line)
        return line

    def wait_close(self, seconds=STREAM_SECONDS):
        """Say nothing until the client closes (or the bound)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not stopping.is_set():
            self.sock.settimeout(0.5)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            self.log("C (ignored): %r" % data[:200])

    def starttls(self, ctx):
        self.reply("220 2.0.0 Ready to start TLS")
        self.sock.settimeout(10)
        try:
            self.sock = ctx.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError) as e:
            self.log("TLS handshake failed: %s" % e)
            raise Closed(str(e))
        self.tls = True
        self.log("TLS %s %s" % (self.sock.version(),
                                     self.sock.cipher()[0]))

    def rst(self):
        """Close with a TCP RST instead of a FIN (SO_LINGER 0)."""
        self.log("sending RST")
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.sock.close()


def tls_context(cert, key, old=False, seclevel0=False, client_cert=False):
    if not cert:
        return None
    with warnings.catch_warnings():
        # TLS 1.0/1.1 settings are deprecated; that is the point here.
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if old:
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        if old or seclevel0:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if client_cert:
        # TLS 1.3: the server judges the client's (empty) Certificate
        # after the client has finished, and answers with an alert.
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cert)
    ctx.load_cert_chain(cert, key)
    return ctx


def scripted(mode, phase):
    """The scripted refusal of mode for phase, or None."""
    if not mode.startswith("script:"):
        return None
    sc = SCRIPTS[mode[7:]]
    return sc if sc.get("phase") == phase else None


def send_scripted(conn, sc):
    """Send a scripted reply; True when the connection is to close."""
    enc = sc.get("encoding", "utf-8")
    for line in sc["reply"]:
        conn.log("S: " + line)
    conn.send(b"".join(line.encode(enc) + b"\r\n" for line in sc["reply"]))
    if sc.get("close"):
        conn.sock.shutdown(socket.SHUT_WR)
        return True
    return False


def ehlo_lines(conn, mode, tls_ctx):
    lines = ["250 " + HOSTNAME, "250 SIZE 10240000", "250 8BITMIME",
             "250 ENHANCEDSTATUSCODES"]
    if mode == "smtputf8":
        lines.append("250 SMTPUTF8")
    if mode == "auth-plaintext":
        lines.append("250 AUTH PLAIN LOGIN")
    elif not conn.tls and (tls_ctx is not None or mode in
                           ("starttls-refused", "tls-garbage")):
        lines.append("250 STARTTLS")
    return lines


def eight_bit(line):
    """A byte outside ASCII (lines are read as latin-1)."""
    return any(ord(c) > 127 for c in line)


def utf8_refusal(mode, verb, line, declared):
    """The reply to a MAIL or RCPT this mode cannot take for SMTPUTF8
    reasons, or None. Postfix's words (smtpd.c): the parameter when the
    extension is off, a UTF-8 address in an undeclared transaction, and
    its address syntax errors for a server without the extension."""
    if verb == "MAIL":
        params = line.split(">", 1)[-1].upper().split()
        if "SMTPUTF8" in params and mode != "smtputf8":
            return "555 5.5.4 Unsupported option: SMTPUTF8"
        declared = "SMTPUTF8" in params
    if not eight_bit(line) or declared:
        return None
    if mode == "smtputf8":
        return "553 5.6.7 Must declare SMTPUTF8 to send unicode address"
    if verb == "MAIL":
        return "501 5.1.7 Bad sender address syntax"
    return "501 5.1.3 Bad recipient address syntax"


def session(conn, mode, tls_ctx):
    """Greeting, then the command loop with the mode's twist."""
    utf8 = False    # this transaction was declared SMTPUTF8

    if mode == "tarpit":
        conn.wait_close()
        return
    # TLS 1.2 record header, alert level fatal (2), handshake_failure (40)
    alert = b"\x15\x03\x03\x00\x02\x02\x28"
    if mode == "tls-alert":
        conn.log("S: a TLS alert record instead of a greeting")
        conn.send(alert)
        return
    if mode == "tls-silent-alert":
        conn.sock.settimeout(STREAM_SECONDS)
        try:
            data = conn.sock.recv(4096)
        except OSError:
            data = b""
        if data:
            conn.log("C: %d byte(s) (%02x...): S: a TLS alert" % (
                len(data), data[0]))
            conn.send(alert)
        return
    if mode == "tls-first":
        conn.sock.settimeout(10)
        try:
            conn.sock = tls_ctx.wrap_socket(conn.sock, server_side=True)
        except (OSError, ssl.SSLError) as e:
            conn.log("TLS handshake failed: %s" % e)
            return
        conn.tls = True
        conn.log("TLS %s from the first byte" % conn.sock.version())
    if mode == "hangup":
        conn.log("closing before the greeting")
        return
    sc = scripted(mode, "banner")
    if sc is not None:
        if send_scripted(conn, sc):
            return
        try:
            line = conn.readline(timeout=5)
            if line.upper().startswith("QUIT"):
                conn.reply("221 2.0.0 Bye")
        except Closed:
            pass
        return
    if mode in ("greet421", "greet421-toomany", "greet554", "greet554-rbl"):
        conn.reply({
            "greet421": "421 4.3.2 Service shutting down",
            "greet421-toomany":
                "421 4.7.0 Too many connections from your host",
            "greet554": "554 5.7.1 No SMTP service here",
            # the text of Postfix postscreen's DNSBL rejection
            "greet554-rbl": "554 5.7.1 Service unavailable; client "
                            "[127.0.0.1] blocked using zen.spamhaus.org",
        }[mode])
        # A server that refuses at the greeting still reads QUIT.
        try:
            line = conn.readline(timeout=5)
            if line.upper().startswith("QUIT"):
                conn.reply("221 2.0.0 Bye")
        except Closed:
            pass
        return
    if mode == "malformed":
        conn.reply("2x0 hello")
        conn.wait_close(10)
        return
    if mode == "endless-line":
        conn.log("S: 220 + endless bytes")
        conn.send("220 ")
        end = time.monotonic() + STREAM_SECONDS
        chunk = b"x" * 1024
        while time.monotonic() < end and not stopping.is_set():
            conn.send(chunk)
            time.sleep(0.001)
        return
    if mode == "drip":
        greeting = ("220 %s ESMTP greeting sent a byte at a time\r\n"
                    % HOSTNAME).encode()
        delay = 1.0 / len(greeting)
        conn.log("S (dripped): %r" % greeting)
        for i in range(len(greeting)):
            conn.send(greeting[i:i + 1])
            time.sleep(delay)
    else:
        conn.reply("220 %s ESMTP fakesmtp %s" % (HOSTNAME, mode))

    while True:
        line = conn.readline()
        if mode == "slow-replies":
            time.sleep(0.3)
        verb = line.split(" ", 1)[0].upper()
        sc = scripted(mode, {"EHLO": "ehlo", "HELO": "ehlo", "MAIL": "mail",
                             "RCPT": "rcpt"}.get(verb, ""))
        if sc is not None and verb == "RCPT" and sc.get("rcpt") and \
                sc["rcpt"].lower() not in line.lower():
            sc = None
        if sc is not None:
            if send_scripted(conn, sc):
                return
            continue
        if verb == "DATA":
            conn.reply("354 End data with <CR><LF>.<CR><LF>")
            while conn.readline() != ".":
                pass
            sc = scripted(mode, "data")
            if sc is not None:
                if send_scripted(conn, sc):
                    return
            else:
                conn.reply("250 2.0.0 Ok: queued")
            continue
        if verb == "EHLO":
            if mode == "ehlo-reject":
                conn.reply("502 5.5.2 Error: command not recognized")
            elif mode == "ehlo-helo-reject":
                conn.reply("550 5.7.1 EHLO refused by policy")
            elif mode == "endless-multiline":
                conn.log("S: endless 250- lines")
                end = time.monotonic() + STREAM_SECONDS
                n = 0
                while time.monotonic() < end and not stopping.is_set():
                    conn.send("".join("250-line %d of an endless reply\r\n"
                                      % (n + i) for i in range(50)))
                    n += 50
                    time.sleep(0.001)
                return
            elif mode == "reset-mid-reply":
                conn.log("S: 250-%s + half a line" % HOSTNAME)
                conn.send("250-%s\r\n250-SIZE 1024" % HOSTNAME)
                time.sleep(0.2)
                conn.rst()
                return
            else:
                if mode == "slow-ehlo":
                    time.sleep(0.7)
                conn.replies(ehlo_lines(conn, mode, tls_ctx))
        elif verb == "HELO":
            if mode == "ehlo-helo-reject":
                conn.reply("550 5.7.1 HELO refused by policy")
            else:
                conn.reply("250 " + HOSTNAME)
        elif verb == "STARTTLS" and not conn.tls:
            if mode == "starttls-refused":
                conn.reply("454 4.7.0 TLS not available due to local problem")
            elif mode == "tls-garbage":
                conn.reply("220 2.0.0 Ready to start TLS")
                # Answer the ClientHello, not the 220: garbage sent at
                # once could reach the client with the 220, before its
                # handshake starts, which is another failure.
                conn.sock.settimeout(5)
                try:
                    hello = conn.sock.recv(4096)
                except OSError:
                    hello = b""
                conn.log("C: %d byte(s) of ClientHello" % len(hello))
                conn.log("S: garbage instead of ServerHello")
                conn.send(b"this is not a TLS record\r\n" * 8)
                conn.wait_close(10)
                return
            elif tls_ctx is None:
                conn.reply("454 4.7.0 TLS not available")
            else:
                conn.starttls(tls_ctx)
        elif verb == "MAIL":
            if mode == "mail-timeout":
                conn.log("(not answering MAIL)")
                conn.wait_close()
                return
            if mode == "mail-421":
                # Reply and close in one go (close_notify, then FIN), the
                # way Postfix ends a session it gives up on.
                # TCP_CORK: the reply, the close_notify and the FIN leave
                # in one segment, so the client reads them together.
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
                conn.reply("421 4.3.2 Service shutting down")
                if conn.tls:
                    conn.sock.settimeout(0.5)
                    try:
                        conn.sock = conn.sock.unwrap()
                    except (OSError, ssl.SSLError):
                        pass
                conn.sock.shutdown(socket.SHUT_WR)
                return
            refusal = utf8_refusal(mode, verb, line, False)
            if refusal is not None:
                conn.reply(refusal)
                continue
            utf8 = "SMTPUTF8" in line.split(">", 1)[-1].upper().split()
            conn.reply("250 2.1.0 Ok")
        elif verb == "RCPT":
            conn.reply(utf8_refusal(mode, verb, line, utf8) or
                       "250 2.1.5 Ok")
        elif verb in ("RSET", "NOOP"):
            if verb == "RSET":
                utf8 = False
            conn.reply("250 2.0.0 Ok")
        elif verb == "QUIT":
            conn.reply("221 2.0.0 Bye")
            return
        else:
            conn.reply("502 5.5.2 Error: command not recognized")


def serve_one(sock, conn_id, lst):
    conn = Conn(sock, conn_id, lst.label)
    conn.log("connected from %s" % (sock.getpeername(),))
    try:
        session(conn, lst.mode, lst.tls_ctx)
    except Closed as e:
        conn.log("closed: %s" % e)
    except Exception as e:  # a bug here must not kill the server
        conn.log("error: %r" % e)
    finally:
        try:
            conn.sock.close()
        except OSError:
            pass


class Listener:
    """One listening socket and its mode."""

    def __init__(self, spec, args):
        mode, _, addr = spec.partition("@")
        addr = addr.strip("[]") or args.addr
        port = args.port if len(args.specs) == 1 else 0
        if mode not in MODES and not (mode.startswith("script:") and
                                      mode[7:] in SCRIPTS):
            raise SystemExit("fakesmtp: unknown mode %r" % mode)
        self.label = spec
        if mode in REFUSALS:
            phase, text = REFUSALS[mode]
            SCRIPTS.setdefault(mode, {"phase": phase, "reply": [text]})
            mode = "script:" + mode
        self.mode = mode
        cert, key = args.cert, args.key
        if mode == "weak-key":
            cert, key = args.weak_cert, args.weak_key
        if mode in ("tls-old", "weak-key", "tls13-client-cert",
                    "tls-first") and not cert:
            raise SystemExit("fakesmtp: mode %s needs a certificate" % mode)
        self.tls_ctx = tls_context(cert, key, old=(mode == "tls-old"),
                                   seclevel0=(mode == "weak-key" or
                                              args.seclevel0),
                                   client_cert=(mode == "tls13-client-cert"))
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, port))
        self.port = self.sock.getsockname()[1]
        self.fill = []
        if mode == "blackhole":
            # Backlog 0 lets one connection wait in the accept queue;
            # with that one queued and never accepted, Linux drops further
            # SYNs (listen queue overflow), so a client's connect() times
            # out instead of being refused.
            self.sock.listen(0)
            c = socket.socket(family, socket.SOCK_STREAM)
            c.settimeout(2)
            c.connect((addr, self.port))
            self.fill.append(c)
        else:
            self.sock.listen(64)
        log(0, "listening on %s port %d" % (addr, self.port), self.label)

    def run(self):
        n = 0
        self.sock.settimeout(0.2)
        while not stopping.is_set():
            if self.mode == "blackhole":
                time.sleep(0.2)
                continue
            try:
                sock, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            n += 1
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=serve_one, args=(sock, n, self),
                             daemon=True).start()

    def close(self):
        self.sock.close()
        for c in self.fill:
            c.close()


def main():
    ap = argparse.ArgumentParser(
        description="scripted SMTP server; modes: " + ", ".join(
            sorted(MODES)))
    ap.add_argument("specs", nargs="+", metavar="MODE[@ADDR]")
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0,
                    help="port, when there is a single listener")
    ap.add_argument("--ready", help="write 'MODE PORT' lines here")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--weak-cert")
    ap.add_argument("--weak-key")
    ap.add_argument("--seclevel0", action="store_true",
                    help="accept certificates OpenSSL would refuse to load")
    ap.add_argument("--lifetime", type=float, default=120)
    ap.add_argument("--script", help="JSON file of scripted refusals")
    args = ap.parse_args()
    if args.script:
        import json
        with open(args.script, encoding="utf-8") as f:
            SCRIPTS.update(json.load(f))

    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    listeners = [Listener(spec, args) for spec in args.specs]
    if args.ready:
        tmp = args.ready + ".tmp"
        with open(tmp, "w") as f:
            for lst in listeners:
                f.write("%s %d\n" % (lst.label, lst.port))
        os.rename(tmp, args.ready)

    threads = [threading.Thread(target=lst.run, daemon=True)
               for lst in listeners]
    for t in threads:
        t.start()
    end = time.monotonic() + args.lifetime
    while not stopping.is_set() and time.monotonic() < end:
        time.sleep(0.2)
    stopping.set()
    log(0, "exiting")
    for t in threads:
        t.join(1)
    for lst in listeners:
        lst.close()


if __name__ == "__main__":
    main()
