"""What the loopback test servers share: a keep-alive HTTP/1.1 handler that
counts connections in the server module's `state` and answers with `reply`."""
import threading
from http.server import BaseHTTPRequestHandler


class LoopbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Each server module sets these to its own counters.
    lock = threading.Lock()
    state = {"connections": 0}

    def setup(self):
        super().setup()
        with self.lock:
            self.state["connections"] += 1

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
