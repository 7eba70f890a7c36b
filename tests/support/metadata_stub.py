"""The two metadata endpoints AWS SDKs ask for credentials, stubbed for awsume's tests: IMDSv2
(PUT /latest/api/token, then the role's credentials) and a container credentials endpoint (any
other GET, checked against the token in AWSUME_STUB_TOKEN when that is set). AWSUME_STUB_TOKEN_STATUS
makes the IMDS token request answer that status instead (503, 403, …), and IMDSv1 (no token) is then
served; AWSUME_STUB_LOG names a file that gets one line per request ("METHOD PATH").

    python3 metadata_stub.py [HOST [PORT [SECONDS]]]    (default 127.0.0.1, a free port)

Prints the port once listening; exits when stdin closes (or, given SECONDS, after that long), and
after 120 s at the latest.
"""

import http.server
import json
import os
import sys
import threading
import time

EXPIRATION = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
IMDS_TOKEN = "stub-imds-token"
ROLE = "stub-role"


def credentials(prefix, **extra):
    return json.dumps({"AccessKeyId": f"ASIA{prefix}", "SecretAccessKey": f"{prefix.lower()}-secret",
                       "Token": f"{prefix.lower()}-token", "Expiration": EXPIRATION, **extra}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log(self):
        if os.environ.get("AWSUME_STUB_LOG"):
            with open(os.environ["AWSUME_STUB_LOG"], "a") as log:
                log.write(f"{self.command} {self.path}\n")

    def do_PUT(self):
        self.log()
        status = os.environ.get("AWSUME_STUB_TOKEN_STATUS")
        if status:
            return self.send(int(status))
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            ttl = self.headers["X-aws-ec2-metadata-token-ttl-seconds"]
            return self.send(200, IMDS_TOKEN.encode(), [("X-aws-ec2-metadata-token-ttl-seconds", ttl)])
        return self.send(400)

    def do_GET(self):
        self.log()
        if self.path.startswith("/latest/"):
            v1 = os.environ.get("AWSUME_STUB_TOKEN_STATUS") and not self.headers.get("X-aws-ec2-metadata-token")
            if not v1 and self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.send(401)
            if self.path.rstrip("/") == "/latest/meta-data/iam/security-credentials":
                return self.send(200, ROLE.encode())
            if self.path == f"/latest/meta-data/iam/security-credentials/{ROLE}":
                return self.send(200, credentials("IMDS", Code="Success", Type="AWS-HMAC"))
            return self.send(404)
        expected = os.environ.get("AWSUME_STUB_TOKEN")
        if expected and self.headers.get("Authorization") != expected:
            return self.send(401, b'{"message": "wrong token"}')
        return self.send(200, credentials("CONTAINER"), [("Content-Type", "application/json")])

    def log_message(self, *args):
        pass


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = http.server.ThreadingHTTPServer((host, port), Handler)
    print(server.server_port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    done = threading.Event()
    if len(sys.argv) > 3:
        done.wait(float(sys.argv[3]))
        return
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(120)


if __name__ == "__main__":
    main()
