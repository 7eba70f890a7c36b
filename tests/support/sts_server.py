"""Real moto STS for awsume's tests, behind a thin WSGI layer that moto lacks.

- Each test uses its own endpoint path, http://127.0.0.1:PORT/<test-id>/, so parallel tests never see
  each other's calls; GET /_awsume/requests/<test-id> returns that test's calls (action, signing key,
  parameters) as JSON.
- Faults moto cannot produce, chosen by the request itself:
  TokenCode 000000                   -> AccessDenied (invalid MFA code)
  RoleArn containing "denied"        -> AccessDenied
  RoleArn containing "throttled"     -> Throttling on the first try of each test, then moto
  RoleArn containing "broken"        -> HTTP 500 every time
  RoleArn containing "expired"       -> ExpiredToken
  RoleArn containing "badkey"        -> InvalidClientTokenId
  RoleArn containing "slow"          -> answers after 30 s
Prints the port on stdout once listening; exits when stdin closes (its parent test run ended).
"""

import io
import json
import re
import sys
import threading
import time
import urllib.parse

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

LOCK = threading.Lock()
CALLS: dict[str, list] = {}
THROTTLED: set = set()


def error(start_response, status, code, message):
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>awsume-test</RequestId></ErrorResponse>"
    ).encode()
    start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


def wrap(moto_app):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path.startswith("/_awsume/requests/"):
            test = path.rsplit("/", 1)[-1]
            with LOCK:
                body = json.dumps(CALLS.get(test, [])).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        match = re.match(r"^/([A-Za-z0-9_-]+)(/.*)?$", path)
        test = match.group(1) if match else "-"
        environ["PATH_INFO"] = (match.group(2) if match else path) or "/"
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        params = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace")))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        key = re.search(r"Credential=([^/]+)/", auth)
        call = {"action": params.get("Action"), "key": key.group(1) if key else None, "params": params}
        with LOCK:
            CALLS.setdefault(test, []).append(call)
        role = params.get("RoleArn", "")
        if params.get("TokenCode") == "000000":
            return error(start_response, "403 Forbidden", "AccessDenied",
                         "MultiFactorAuthentication failed with invalid MFA one time pass code.")
        if "denied" in role:
            return error(start_response, "403 Forbidden", "AccessDenied",
                         f"User: {call['key']} is not authorized to perform: sts:AssumeRole on resource: {role}")
        if "throttled" in role:
            with LOCK:
                first = test not in THROTTLED
                THROTTLED.add(test)
            if first:
                return error(start_response, "400 Bad Request", "Throttling", "Rate exceeded")
        if "expired" in role:
            return error(start_response, "400 Bad Request", "ExpiredToken", "The security token included in the request is expired")
        if "badkey" in role:
            return error(start_response, "403 Forbidden", "InvalidClientTokenId", "The security token included in the request is invalid.")
        if "broken" in role:
            return error(start_response, "500 Internal Server Error", "InternalFailure", "try later")
        if "slow" in role:
            time.sleep(30)
        return moto_app(environ, start_response)

    return app


def main():
    server = make_server("127.0.0.1", 0, wrap(DomainDispatcherApplication(create_backend_app)), threaded=True)
    print(server.server_port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the parent closes our stdin or exits


if __name__ == "__main__":
    main()
