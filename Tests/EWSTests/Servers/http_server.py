#!/usr/bin/env python3
"""Loopback HTTP(S) server for the CurlTransport tests (standard library only).

Binds 127.0.0.1 on a free port, prints "PORT <n>", and serves until its
standard input closes. Each path is one behaviour the transport must handle:

  POST /echo             200 with the request's headers (each name with all its values, in
                         order), body and request target as JSON (as a proxy it sees the
                         absolute URL: http://host:port/echo)
  POST /basic            Basic auth against $TEST_BASIC_CREDENTIALS (user:password); a 401
                         offers Negotiate, NTLM and Basic, one header each, as IIS does
                         (stats count the 401s as "challenged", authorizations as "auth_<scheme>")
  POST /big?n=N&chunked=1   N bytes, with Content-Length or chunked
  POST /slow?s=S         answers after S seconds
  POST /drop             reads the request and closes without an answer
  POST /partial          announces 1000 bytes, sends 10 and closes
  POST /status?code=C&retry_after=R   an empty answer with that status
  POST /busy-once        503 with Retry-After: 2, then an empty FindItem page
  POST /token?delay=S&delay_from=N&expiry=omit   OAuth client-credentials grant
                         ($TEST_CLIENT_ID, $TEST_CLIENT_SECRET, $TEST_SCOPE), answered after S
                         seconds from the Nth token request on (default 1), without expires_in
                         when asked
  POST /bearer           200 for a valid bearer token, else 401
  POST /revoke           invalidates every token issued so far
  POST /stats            connection, request, token and authorization-scheme counts as JSON
"""
import argparse
import base64
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import ThreadingHTTPServer

from loopback import LoopbackHandler

FIND_PAGE = b"""<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
<m:RootFolder IndexedPagingOffset="0" TotalItemsInView="0" IncludesLastItemInRange="true"><t:Items/></m:RootFolder>
</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>"""

lock = threading.Lock()
state = {"connections": 0, "requests": 0, "tokens_issued": 0, "busy_served": 0, "token_requests": 0}
valid_tokens = set()
token_lifetime = 3600


class Handler(LoopbackHandler):
    lock = lock
    state = state

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            state["requests"] += 1
        route = getattr(self, "route_" + url.path.strip("/").replace("-", "_"), None)
        if route is None:
            self.reply(404)
        else:
            route(query, body)

    def route_echo(self, query, body):
        headers = {}
        for name, value in self.headers.items():   # every field, repeated ones included
            headers.setdefault(name.lower(), []).append(value)
        answer = {"headers": headers, "body": body.decode("utf-8", "replace"), "target": self.path}
        self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])

    def route_basic(self, query, body):
        expected = "Basic " + base64.b64encode(os.environ["TEST_BASIC_CREDENTIALS"].encode()).decode()
        authorization = self.headers.get("Authorization")
        if authorization:
            scheme = "auth_" + authorization.split(" ")[0].lower()
            with lock:
                state[scheme] = state.get(scheme, 0) + 1
        if authorization == expected:
            self.reply(200, b"welcome")
        else:
            with lock:
                state["challenged"] = state.get("challenged", 0) + 1
            self.reply(401, b"", [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM"),
                                  ("WWW-Authenticate", 'Basic realm="EWS"')])

    def route_big(self, query, body):
        size = int(query.get("n", "0"))
        if query.get("chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 4096
            left = size
            while left > 0:
                part = chunk[: min(left, len(chunk))]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                left -= len(part)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.reply(200, b"x" * size)

    def route_slow(self, query, body):
        time.sleep(float(query.get("s", "1")))
        self.reply(200, b"late")

    def route_drop(self, query, body):
        self.close_connection = True

    def route_partial(self, query, body):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"0123456789")
        self.close_connection = True

    def route_status(self, query, body):
        headers = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
        self.reply(int(query.get("code", "200")), b"", headers)

    def route_busy_once(self, query, body):
        with lock:
            first = not state["busy_served"]
            state["busy_served"] = 1
        if first:
            self.reply(503, b"", [("Retry-After", "2")])
        else:
            self.reply(200, FIND_PAGE, [("Content-Type", "text/xml; charset=utf-8")])

    def route_token(self, query, body):
        with lock:
            state["token_requests"] += 1
            number = state["token_requests"]
        if number >= int(query.get("delay_from", "1")):
            time.sleep(float(query.get("delay", "0")))
        form = dict(urllib.parse.parse_qsl(body.decode()))
        good = (form.get("grant_type") == "client_credentials"
                and form.get("client_id") == os.environ.get("TEST_CLIENT_ID")
                and form.get("client_secret") == os.environ.get("TEST_CLIENT_SECRET")
                and form.get("scope") == os.environ.get("TEST_SCOPE"))
        if not good:
            error = {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}
            self.reply(401, json.dumps(error).encode(), [("Content-Type", "application/json")])
            return
        with lock:
            state["tokens_issued"] += 1
            token = "tok-%d" % state["tokens_issued"]
            valid_tokens.add(token)
        answer = {"token_type": "Bearer", "expires_in": token_lifetime, "access_token": token}
        if query.get("expiry") == "omit":
            del answer["expires_in"]
        self.reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])

    def route_bearer(self, query, body):
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        with lock:
            ok = token in valid_tokens
        if ok:
            self.reply(200, token.encode())
        else:
            self.reply(401, b"", [("WWW-Authenticate", 'Bearer error="invalid_token"')])

    def route_stats(self, query, body):
        with lock:
            self.reply(200, json.dumps(state).encode(), [("Content-Type", "application/json")])

    def route_revoke(self, query, body):
        with lock:
            valid_tokens.clear()
        self.reply(200)


def main():
    global token_lifetime
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--token-lifetime", type=int, default=3600)
    args = parser.parse_args()
    token_lifetime = args.token_lifetime
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*args.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()          # until the test closes our standard input
    os._exit(0)


if __name__ == "__main__":
    main()
