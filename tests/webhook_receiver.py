"""A real webhook receiver on 127.0.0.1 for the tests: it verifies each POST's signature as an integrator would
(webhooks/signing.py `verify`) and answers what the test scripts: a status code, or a pause longer than the
sender's timeout."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from remarket.webhooks.signing import verify


class Receiver:
    def __init__(self, *, secret: str = "", script: list = ()):
        self.secret = secret
        self.script = list(script)  # answers in order: an int status, or ("sleep", seconds); then 200
        self.received: list[dict] = []  # {"id", "valid", "body", "status"}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                valid = verify(
                    secret=receiver.secret,
                    timestamp=self.headers.get("Remarket-Webhook-Timestamp", ""),
                    signed=self.headers.get("Remarket-Webhook-Signature", ""),
                    body=body,
                    now=time.time(),
                )
                seen = {"id": self.headers.get("Remarket-Webhook-Id"), "valid": valid, "body": json.loads(body)}
                with receiver.lock:  # recorded on arrival: a request the sender gave up on counts too
                    answer = receiver.script.pop(0) if receiver.script else 200
                    receiver.received.append(seen)
                if isinstance(answer, tuple):
                    time.sleep(answer[1])
                    answer = 200
                status = answer if valid else 400
                seen["status"] = status
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
