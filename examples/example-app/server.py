"""The example app: a tiny HTTP server that says which release it is."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8765"))
RELEASE = os.environ.get("RELEASE", "dev")
SHA = os.environ.get("DEPLOY_SHA", "")
HERE = os.path.dirname(os.path.abspath(__file__))


def message():
    # A greeting set with `config set example GREETING=...` (the bot's env file) wins over the file's.
    if os.environ.get("GREETING"):
        return os.environ["GREETING"]
    with open(os.path.join(HERE, "message.txt"), encoding="utf-8") as f:
        return f.read().strip()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            broken = os.path.exists(os.path.join(HERE, "BREAK_HEALTH"))
            self.reply(503 if broken else 200, {"status": "broken" if broken else "ok", "release": RELEASE, "sha": SHA})
        else:
            self.reply(200, {"message": message(), "release": RELEASE, "sha": SHA[:7]})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stdout.write("%s %s\n" % (self.log_date_time_string(), fmt % args))
        sys.stdout.flush()


if __name__ == "__main__":
    print("example release %s (%s) listening on 127.0.0.1:%d" % (RELEASE, SHA[:7], PORT), flush=True)
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
