#!/usr/bin/env python3
"""Loopback NTLM acceptor for the CurlTransport tests, built on pyspnego's
server-side NTLM (the credentials come from the file named by $NTLM_USER_FILE,
one DOMAIN:USER:PASSWORD per line).

Binds 127.0.0.1 on a free port, prints "PORT <n>", and serves until its
standard input closes. NTLM authenticates the connection, as IIS does: once
the handshake succeeds, later requests on that connection need no header.

  POST /ews    401 until authenticated, then 200 with the user; the first 401 offers
               Negotiate and NTLM, one header each, as IIS with Windows authentication does
  POST /drop   like /ews, but once authenticated it takes the request and closes the
               connection without an answer (a proxy timing out after the server acted)
  POST /stats  connections, completed handshakes and requests as JSON (no authentication)
"""
import base64
import json
import os
import sys
import threading
from http.server import ThreadingHTTPServer

from loopback import LoopbackHandler

import spnego

lock = threading.Lock()
state = {"connections": 0, "handshakes": 0, "requests": 0, "dropped": 0}


class Handler(LoopbackHandler):
    lock = lock
    state = state

    def setup(self):
        super().setup()
        self.context = None
        self.user = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/stats":
            with lock:
                self.reply(200, json.dumps(state).encode(), [("Content-Type", "application/json")])
            return
        with lock:
            state["requests"] += 1
        if self.user is None:
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("NTLM "):
                self.reply(401, b"", [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM")])
                return
            if self.context is None:
                self.context = spnego.server(protocol="ntlm", options=spnego.NegotiateOptions.use_ntlm)
            try:
                out = self.context.step(base64.b64decode(auth[5:]))
            except spnego.exceptions.SpnegoError:
                self.context = None
                self.reply(401, b"", [("WWW-Authenticate", "NTLM")])
                return
            if not self.context.complete:
                self.reply(401, b"", [("WWW-Authenticate", "NTLM " + base64.b64encode(out).decode())])
                return
            self.user = self.context.client_principal
            with lock:
                state["handshakes"] += 1
        if self.path == "/drop":
            with lock:
                state["dropped"] += 1
            self.close_connection = True
            return
        answer = {"user": self.user, "body_bytes": len(body)}
        self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
