#!/usr/bin/env python3
"""httpsd.py - a small HTTPS server for the MTA-STS policy fetch.

    httpsd.py --port P [--addr A] --root DIR --default CRT,KEY
              [--cert NAME=CRT,KEY]... [--ready FILE]

Serves GET /.well-known/mta-sts.txt: the body is the file DIR/HOST,
HOST being the request's Host header without a port (404 when there is
no such file). The certificate is chosen by the SNI name the client
sends: the --cert given for that NAME, else the --default one (so a
name without its own certificate gets a wrong one). Each request is
logged on stderr. Python standard library only.
"""

import argparse
import http.server
import os
import socket
import ssl
import sys
import threading

PATH = "/.well-known/mta-sts.txt"


def context(pair):
    crt, key = pair.split(",", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    return ctx


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "httpsd"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 10

    def setup(self):
        # The handshake runs here, in the connection's own thread, so a
        # client that stalls it blocks nobody else.
        self.request.settimeout(self.timeout)
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError) as e:
            self.log_message("handshake failed: %s", e)
            self.request.close()
            raise
        super().setup()

    def do_GET(self):
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        body = None
        if self.path == PATH and host and "/" not in host and \
                not host.startswith("."):
            try:
                with open(os.path.join(self.server.root, host), "rb") as f:
                    body = f.read()
            except OSError:
                body = None
        if body is None:
            self.send_response(404)
            body = b"not found\n"
        else:
            self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, fmt, *args):
        sys.stderr.write("httpsd %s %s\n" % (self.client_address[0],
                                             fmt % args))
        sys.stderr.flush()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, default_ctx, by_name, root):
        self.address_family = socket.AF_INET6 if ":" in addr[0] else \
            socket.AF_INET
        super().__init__(addr, Handler)
        self.root = root
        self.ctx = default_ctx
        self.by_name = by_name

        def pick(sslobj, name, _ctx):
            if name is not None and name.lower() in self.by_name:
                sslobj.context = self.by_name[name.lower()]
        self.ctx.sni_callback = pick

    def get_request(self):
        sock, peer = self.socket.accept()
        return self.ctx.wrap_socket(sock, server_side=True,
                                    do_handshake_on_connect=False), peer

    def handle_error(self, request, client_address):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--root", required=True)
    ap.add_argument("--default", required=True)
    ap.add_argument("--cert", action="append", default=[])
    ap.add_argument("--ready")
    a = ap.parse_args()
    by_name = {}
    for c in a.cert:
        name, pair = c.split("=", 1)
        by_name[name.lower()] = context(pair)
    srv = Server((a.addr, a.port), context(a.default), by_name, a.root)
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        t.join()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
