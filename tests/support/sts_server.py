"""Real moto STS for awsume's tests, behind a thin WSGI layer that moto lacks.

- Each test uses its own endpoint path, http://127.0.0.1:PORT/<test-id>/, so parallel tests never see
  each other's calls; GET /_awsume/requests/<test-id> returns that test's calls (action, signing key,
  parameters) as JSON.
- Faults moto cannot produce, chosen by the request itself:
  TokenCode 000000                   -> AccessDenied (invalid MFA code)
  RoleArn containing "denied"        -> AccessDenied
  RoleArn containing "notags"        -> AccessDenied naming sts:TagSession when the call has Tags
  RoleArn containing "throttled"     -> Throttling on the first try of each test, then moto
  RoleArn containing "broken"        -> HTTP 500 every time
  RoleArn containing "expired"       -> ExpiredToken
  RoleArn containing "badkey"        -> InvalidClientTokenId
  RoleArn containing "slow"          -> answers after 30 s
  RoleArn containing "proxied"       -> HTTP 503 with an HTML page, as a proxy in the way answers
- Refresh tokens (SSO-OIDC's and the sign-in service's) are single use, as the real ones: a second use
  is refused (invalid_grant, TOKEN_EXPIRED).
- moto has no IAM Identity Center: a small stub of the SSO portal (GetRoleCredentials) and SSO-OIDC
  (RegisterClient, StartDeviceAuthorization, CreateToken) answers on the same port, per test:
  bearer token "expired-token" -> UnauthorizedException; a device code is "authorization_pending"
  twice, then granted (userCode "WDJB-MJHT"); device code for start URL containing "slowdown" answers
  slow_down once; containing "expire" answers expired_token; refresh token "bad-refresh" -> invalid_grant.
  The authorization code flow: GET /authorize (response_type=code, PKCE S256, a registered redirect
  URI on 127.0.0.1) redirects to redirect_uri?code=…&state=…; CreateToken with authorization_code
  checks the client, the redirect URI and that SHA-256 of codeVerifier is the challenge.
- The same app also listens with TLS, its certificate (for 127.0.0.1 and localhost) signed by a
  throw-away CA made at start-up and kept in memory; GET /_awsume/ca on the plain port returns that
  CA's PEM, for tests of AWS_CA_BUNDLE and ca_bundle.
- moto has no AWS sign-in service (`aws login`) either: GET /<test-id>/v1/authorize (scope openid,
  PKCE with method SHA-256; the same-device client with a 127.0.0.1 /oauth/callback, or the
  cross-device client with the service's own /v1/sessions/confirmation) redirects there with a code;
  the confirmation page shows base64 of state=…&code=… for the person to paste; POST /<test-id>/v1/token verifies the DPoP proof (ES256 over the key in its own header, htm
  POST, htu the URL asked, a fresh jti, a recent iat), the PKCE pair and redirect URI for a code, and
  for a refresh token the key it was issued to. Refresh token "expired-refresh" -> TOKEN_EXPIRED,
  "denied-refresh" -> INSUFFICIENT_PERMISSIONS; "numeric-refresh" -> a 200 with a numeric accessKeyId,
  "huge-refresh" -> an expiresIn of 2^63-1. Each call is recorded (action CreateOAuth2Token).
- moto has no console federation either: GET /<test-id>/federation?Action=getSigninToken&Session=…
  records the session's key id (never its secret) and answers a SigninToken naming it.
- moto's AssumeRoleWithSAML takes the first Role value only and checks no pair: this layer answers it
  itself. The assertion's Role values must pair RoleArn with PrincipalArn (either order), else
  AccessDenied; DurationSeconds must not exceed its SessionDuration; the call is unsigned. RoleArn
  containing "denied" -> AccessDenied. Each call is recorded (action AssumeRoleWithSAML).
- A stub identity provider: GET /<test-id>/idp?roles=ROLE,PROVIDER;…&duration=N&life=SECONDS answers a
  page that posts a SAMLResponse (built here, unsigned) to /<test-id>/saml (post=no: a page that never does; popup=yes: a page that opens the posting one in a popup; frame=top|self&attacker=ROLES: a page of another origin in a frame posts its own assertion to the top window, or into itself, before the IdP's form posts after 3 s), as an IdP posts to AWS's
  sign-in; /saml itself, reached only when nobody intercepted the POST, records a call SigninSAML.
- Console pages for a browser: /federation?Action=login records the cookies it came with and adds a session
  cookie of its own (Domain aws.amazon.com) before sending it on to Destination; /sessions/v1/opt-in sets the
  multi-session cookie and sends it to redirect_uri; any path of a *.console.* host records the cookies and
  answers a page (actions ConsoleLogin, ConsoleOptIn, Console).
- GET /<test-id>/custom?to=URL: a start URL on a custom domain, which redirects once to URL.
- moto has no Kubernetes API server: GET /<test-id>/k8s/<cluster>/<path> authenticates as EKS does. The
  bearer token is `k8s-aws-v1.` + base64url of a presigned STS GetCallerIdentity URL; it is accepted only
  when botocore's SigV4 query signer, given the secret moto holds for the token's access key (a role
  session moto issued), the URL's own X-Amz-Date and the header x-k8s-aws-id: <cluster>, makes the same
  signature, X-Amz-Expires is 60 and the signing was less than 15 minutes ago; the answer names the role
  session (a Namespace whose annotation `signed-in-as` is its ARN), else 401 with the reason. Each
  request is recorded (action KubernetesRequest, its access key). EKS's own API (moto's) is recorded too:
  CreateCluster, DescribeCluster.
- Hosts mode (AWSUME_STUB_NAMES=name,…; AWSUME_STUB_CA=path): for a test's own network and mount namespace
  whose /etc/hosts sends those real AWS names to 127.0.0.1: TLS on 127.0.0.1:443 with a certificate for them
  (the CA's PEM written to AWSUME_STUB_CA), the services' own paths (no test id; every call is test "ns"),
  and each request's Host recorded: GET /_awsume/hosts.
Prints "PORT TLS_PORT" on stdout once listening; exits when stdin closes (its parent test run ended).
"""

import base64
import datetime
import io
import ipaddress
import json
import os
import re
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import WSGIRequestHandler, make_server

SIGNIN_ROUTES = {"/v1/authorize", "/v1/token", "/v1/sessions/confirmation"}
# Sign-in state: code -> (redirect URI, challenge); refresh token -> the JWK it is bound to; jti seen.
LOGIN_CODES: dict[str, tuple] = {}
LOGIN_REFRESH: dict[str, str] = {}
LOGIN_JTI: set = set()
# Tokens issued per test: the credentials are numbered ASIALOGIN0, 1, … in each test.
LOGIN_ISSUED: dict[str, int] = {}
SSO_ROUTES = {"/federation/credentials", "/client/register", "/device_authorization", "/token", "/authorize",
              "/assignment/accounts", "/assignment/roles", "/logout"}
# What the portal's person may use: three accounts (names with spaces), their roles. A bearer token
# "shrunk-token" no longer reaches the third. Pages: two accounts, one role at a time.
ACCOUNTS = [("111111111111", "Prod Payments"), ("222222222222", "Dev Sandbox"), ("333333333333", "Shared Services")]
ROLES = {"111111111111": ["AdministratorAccess", "ReadOnly"], "222222222222": ["Developer"],
         "333333333333": ["ReadOnly"]}
# Bearer token "hostile-token": names no ASCII cleaning keeps, a "Default" account, roles that clean
# to one name, and a role name with a line break. "endless-token": ListAccounts pages forever.
HOSTILE_ACCOUNTS = [("444444444444", "本番"), ("555555555555", "Default"), ("666666666666", "Ops")]
HOSTILE_ROLES = {"444444444444": ["Admin"], "555555555555": ["Admin"],
                 "666666666666": ["Dev+Ops", "Dev=Ops", "Dev@Ops", "Bad\n[victim]"]}
PENDING: dict[str, int] = {}
# Authorization codes handed out by /authorize: code -> (client id, redirect URI, S256 challenge).
CODES: dict[str, tuple] = {}
# Client registrations: client id -> the RegisterClient body.
CLIENTS: dict[str, dict] = {}
LOCK = threading.Lock()
CALLS: dict[str, list] = {}
# Refresh tokens used once (SSO-OIDC's and the sign-in service's), per test.
SPENT: set = set()
SSO_REFRESHES: dict[str, int] = {}
THROTTLED: set = set()


def error(start_response, status, code, message):
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>awsume-test</RequestId></ErrorResponse>"
    ).encode()
    start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


def send_json(start_response, status, body, error_type=None):
    data = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if error_type:
        headers.append(("x-amzn-errortype", error_type))
    start_response(status, headers)
    return [data]


# Hosts mode (AWSUME_STUB_NAMES): one test per server, on 127.0.0.1:443 answering for real AWS host
# names (the test's namespace maps them here); paths are the services' own, no test id before them.
HOSTS_MODE = bool(os.environ.get("AWSUME_STUB_NAMES"))
HOSTS: list = []


def base(environ, test):
    """The URL this request came to, up to where the service's paths start."""
    url = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST')}"
    return url if HOSTS_MODE else f"{url}/{test}"


def sso(test, route, environ, raw, start_response):
    """The SSO portal and SSO-OIDC stub; records each call like the STS ones."""
    body = json.loads(raw or b"{}") if route in ("/client/register", "/device_authorization", "/token") else {}
    query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    token = environ.get("awsume.sso_bearer_token")
    action = {"/federation/credentials": "GetRoleCredentials", "/client/register": "RegisterClient",
              "/device_authorization": "StartDeviceAuthorization", "/token": "CreateToken",
              "/authorize": "Authorize", "/assignment/accounts": "ListAccounts",
              "/assignment/roles": "ListAccountRoles", "/logout": "Logout"}[route]
    with LOCK:
        CALLS.setdefault(test, []).append({"action": action, "key": None, "params": {**query, **body, "bearer": token}})
    if action == "Logout":
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    if action == "GetRoleCredentials":
        if token in (None, "", "expired-token"):
            return send_json(start_response, "401 Unauthorized", {"message": "Session token not found or invalid"},
                             "UnauthorizedException")
        expiration = int((time.time() + 3600) * 1000)
        return send_json(start_response, "200 OK", {"roleCredentials": {
            "accessKeyId": f"ASIASSO{query.get('account_id', '')}", "secretAccessKey": "sso-secret",
            "sessionToken": f"sso-session-for-{query.get('role_name')}", "expiration": expiration}})
    if action in ("ListAccounts", "ListAccountRoles"):
        if token in (None, "", "expired-token"):
            return send_json(start_response, "401 Unauthorized", {"message": "Session token not found or invalid"},
                             "UnauthorizedException")
        visible = ACCOUNTS[:2] if token == "shrunk-token" else HOSTILE_ACCOUNTS if token == "hostile-token" else ACCOUNTS
        start = int(query.get("next_token") or 0)
        if action == "ListAccounts" and token == "endless-token":
            # A portal that never stops saying "more", with a new token each time.
            return send_json(start_response, "200 OK", {"accountList": [], "nextToken": str(start + 1)})
        if action == "ListAccounts":
            page = visible[start:start + 2]
            answer = {"accountList": [{"accountId": a, "accountName": n, "emailAddress": f"{a}@example.com"}
                                      for a, n in page]}
            if start + 2 < len(visible):
                answer["nextToken"] = str(start + 2)
            return send_json(start_response, "200 OK", answer)
        roles = (HOSTILE_ROLES if token == "hostile-token" else ROLES).get(query.get("account_id", ""), [])
        answer = {"roleList": [{"roleName": r, "accountId": query.get("account_id")} for r in roles[start:start + 1]]}
        if start + 1 < len(roles):
            answer["nextToken"] = str(start + 1)
        return send_json(start_response, "200 OK", answer)
    if action == "Authorize":
        client = CLIENTS.get(query.get("client_id", ""), {})
        redirect = query.get("redirect_uri", "")
        ok = (query.get("response_type") == "code" and query.get("code_challenge_method") == "S256"
              and "authorization_code" in client.get("grantTypes", [])
              and redirect.startswith("http://127.0.0.1:") and redirect.endswith("/oauth/callback"))
        if not ok:
            return send_json(start_response, "400 Bad Request", {"error": "invalid_request"})
        code = f"code-{len(CODES)}"
        with LOCK:
            CODES[code] = (query["client_id"], redirect, query.get("code_challenge", ""))
        target = redirect + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
        start_response("302 Found", [("Location", target), ("Content-Length", "0")])
        return [b""]
    if action == "RegisterClient":
        client_id = f"client-{test}-{len(CLIENTS)}"
        with LOCK:
            CLIENTS[client_id] = body
        return send_json(start_response, "200 OK", {"clientId": client_id, "clientSecret": "client-secret",
                                                    "clientIdIssuedAt": int(time.time()),
                                                    "clientSecretExpiresAt": int(time.time()) + 90 * 86400})
    if action == "StartDeviceAuthorization":
        url = body.get("startUrl", "")
        return send_json(start_response, "200 OK", {
            "deviceCode": f"device|{url}", "userCode": "WDJB-MJHT", "verificationUri": "https://device.sso.example/",
            "verificationUriComplete": "https://device.sso.example/?user_code=WDJB-MJHT", "expiresIn": 600, "interval": 1})
    grant = body.get("grantType", "")
    if grant == "authorization_code":
        import hashlib
        client, redirect, challenge = CODES.pop(body.get("code", ""), (None, None, None))
        verifier = body.get("codeVerifier", "")
        computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if client != body.get("clientId") or redirect != body.get("redirectUri") or computed != challenge:
            return send_json(start_response, "400 Bad Request", {"error": "invalid_grant"}, "InvalidGrantException")
        return send_json(start_response, "200 OK", {"accessToken": "code-token", "tokenType": "Bearer",
                                                    "expiresIn": 28800, "refreshToken": "code-refresh"})
    if grant == "refresh_token":
        # Refresh tokens rotate and are single use, as IAM Identity Center's: a second use fails.
        spent = (test, body.get("refreshToken"))
        with LOCK:
            reused = spent in SPENT
            SPENT.add(spent)
            n = SSO_REFRESHES[test] = SSO_REFRESHES.get(test, -1) + 1
        if body.get("refreshToken") == "bad-refresh" or reused:
            return send_json(start_response, "400 Bad Request", {"error": "invalid_grant"}, "InvalidGrantException")
        return send_json(start_response, "200 OK", {"accessToken": "refreshed-token", "tokenType": "Bearer",
                                                    "expiresIn": 3600,
                                                    "refreshToken": "next-refresh" if n == 0 else f"next-refresh-{n}"})
    device = body.get("deviceCode", "")
    with LOCK:
        tries = PENDING[test + device] = PENDING.get(test + device, 0) + 1
    if "expire" in device:
        return send_json(start_response, "400 Bad Request", {"error": "expired_token"}, "ExpiredTokenException")
    if "slowdown" in device and tries == 1:
        return send_json(start_response, "400 Bad Request", {"error": "slow_down"}, "SlowDownException")
    if tries <= 2:
        return send_json(start_response, "400 Bad Request", {"error": "authorization_pending"},
                         "AuthorizationPendingException")
    return send_json(start_response, "200 OK", {"accessToken": "device-token", "tokenType": "Bearer",
                                                "expiresIn": 28800, "refreshToken": "device-refresh"})


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def dpop_key(proof, url):
    """The JWK of a valid DPoP proof for POST url, as canonical JSON; raises ValueError otherwise."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    header_b64, payload_b64, signature_b64 = proof.split(".")
    header, payload = json.loads(b64url_decode(header_b64)), json.loads(b64url_decode(payload_b64))
    if header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256":
        raise ValueError("header")
    jwk = header["jwk"]
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("jwk")
    if payload.get("htm") != "POST" or payload.get("htu") != url or abs(time.time() - payload.get("iat", 0)) > 300:
        raise ValueError(f"claims {payload} for {url}")
    with LOCK:
        if payload.get("jti") in LOGIN_JTI or not payload.get("jti"):
            raise ValueError("jti reused")
        LOGIN_JTI.add(payload["jti"])
    x = int.from_bytes(b64url_decode(jwk["x"]), "big")
    y = int.from_bytes(b64url_decode(jwk["y"]), "big")
    key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    raw = b64url_decode(signature_b64)
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(signature, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.dumps({"x": jwk["x"], "y": jwk["y"]}, sort_keys=True)


def signin(test, route, environ, raw, start_response):
    """The AWS sign-in service's `aws login` endpoints."""
    import hashlib
    query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    confirmation = f"{base(environ, test)}/v1/sessions/confirmation"
    if route == "/v1/sessions/confirmation":
        # The page a person on another device sees: the code to paste, base64 of state=…&code=….
        pasted = base64.b64encode(urllib.parse.urlencode({"state": query.get("state", ""),
                                                          "code": query.get("code", "")}).encode()).decode()
        page = f"<!doctype html><p>Paste this code into the AWS CLI:</p><pre id=code>{pasted}</pre>".encode()
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
        return [page]
    if route == "/v1/authorize":
        redirect = query.get("redirect_uri", "")
        client = query.get("client_id")
        ok = (query.get("response_type") == "code" and query.get("scope") == "openid"
              and query.get("code_challenge_method") == "SHA-256"
              and ((client == "arn:aws:signin:::devtools/same-device" and redirect.startswith("http://127.0.0.1:")
                    and redirect.endswith("/oauth/callback"))
                   or (client == "arn:aws:signin:::devtools/cross-device" and redirect == confirmation)))
        with LOCK:
            CALLS.setdefault(test, []).append({"action": "Authorize", "key": None, "params": query})
        if not ok:
            return send_json(start_response, "400 Bad Request", {"error": "invalid_request"})
        code = f"login-code-{len(LOGIN_CODES)}"
        with LOCK:
            LOGIN_CODES[code] = (client, redirect, query.get("code_challenge", ""))
        target = redirect + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
        start_response("302 Found", [("Location", target), ("Content-Length", "0")])
        return [b""]
    body = json.loads(raw or b"{}")
    url = f"{base(environ, test)}/v1/token"
    try:
        key = dpop_key(environ.get("HTTP_DPOP", ""), url)
    except Exception as e:
        with LOCK:
            CALLS.setdefault(test, []).append({"action": "CreateOAuth2Token", "key": None, "params": {"dpop": f"bad: {e}"}})
        return send_json(start_response, "400 Bad Request", {"error": "invalid_dpop_proof", "message": str(e)},
                         "ValidationException")
    grant = body.get("grantType")
    with LOCK:
        CALLS.setdefault(test, []).append({"action": "CreateOAuth2Token", "key": None,
                                           "params": {"grantType": grant, "clientId": body.get("clientId"), "dpop": "ok"}})
    denied = lambda code: send_json(start_response, "400 Bad Request", {"error": code, "message": code},  # noqa: E731
                                    "AccessDeniedException")
    if grant == "authorization_code":
        client, redirect, challenge = LOGIN_CODES.pop(body.get("code", ""), (None, None, None))
        computed = b64url(hashlib.sha256(body.get("codeVerifier", "").encode()).digest())
        if client != body.get("clientId") or redirect != body.get("redirectUri") or computed != challenge:
            return denied("AUTHCODE_EXPIRED")
    elif grant == "refresh_token":
        token = body.get("refreshToken", "")
        if token == "expired-refresh":
            return denied("TOKEN_EXPIRED")
        if token == "denied-refresh":
            return denied("INSUFFICIENT_PERMISSIONS")
        if token == "numeric-refresh":
            return send_json(start_response, "200 OK", {"accessToken": {"accessKeyId": 5, "secretAccessKey": "s",
                                                                        "sessionToken": "t"}, "expiresIn": 900})
        if token == "huge-refresh":
            return send_json(start_response, "200 OK", {"accessToken": {"accessKeyId": "ASIAHUGE", "secretAccessKey": "s",
                                                                        "sessionToken": "t", "sessionKind": "kept"},
                                                        "expiresIn": 9223372036854775807})
        if LOGIN_REFRESH.get(token, key) != key:
            return denied("TOKEN_EXPIRED")
        # Single use: the sign-in service refuses a refresh token it has seen.
        with LOCK:
            reused = (test, token) in SPENT
            SPENT.add((test, token))
        if reused:
            return denied("TOKEN_EXPIRED")
    else:
        return send_json(start_response, "400 Bad Request", {"error": "unsupported_grant_type"}, "ValidationException")
    with LOCK:
        n = LOGIN_ISSUED[test] = LOGIN_ISSUED.get(test, -1) + 1
        refresh = f"login-refresh-{test}-{n}"
        LOGIN_REFRESH[refresh] = key
    claims = b64url(json.dumps({"sub": "arn:aws:iam::123456789012:user/alice"}).encode())
    return send_json(start_response, "200 OK", {
        "accessToken": {"accessKeyId": f"ASIALOGIN{n}", "secretAccessKey": f"login-secret-{n}",
                        "sessionToken": f"login-session-{n}"},
        "tokenType": "aws_sigv4", "expiresIn": 900, "refreshToken": refresh,
        "idToken": f"eyJhbGciOiJub25lIn0.{claims}.sig"})


def test_ca(names=()):
    """A CA and a server certificate it signed, for 127.0.0.1, localhost and `names`: (ca_pem, ssl_context)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "awsume test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                                                       + [x509.DNSName(n) for n in names]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # ssl loads keys from files only: a private temp file, removed as soon as it is read.
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        context.load_cert_chain(path)
    finally:
        os.unlink(path)
    return ca.public_bytes(serialization.Encoding.PEM), context


def browser_call(test, action, environ, **params):
    """Records a browser's request with the cookies it carried."""
    with LOCK:
        CALLS.setdefault(test, []).append({"action": action, "key": None,
                                           "params": {"cookies": environ.get("HTTP_COOKIE", ""), **params}})


def redirect(start_response, location, cookie):
    start_response("302 Found", [("Location", location), ("Set-Cookie", cookie), ("Content-Length", "0")])
    return [b""]


def console_login(test, query, environ, start_response):
    """The browser's `Action=login`: a session cookie for this sign-in, added beside the others (as
    multi-session keeps them), then the console."""
    token = query.get("SigninToken", "")
    browser_call(test, "ConsoleLogin", environ, token=token)
    name = "awsume-test-session-" + re.sub(r"[^A-Za-z0-9]", "", token)[-12:]
    return redirect(start_response, query.get("Destination", "/"),
                    f"{name}=on; Domain=aws.amazon.com; Path=/; Secure; SameSite=None; Max-Age=3600")


def federation(test, environ, start_response):
    """Console sign-in's getSigninToken: the token names the session it was made for."""
    query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    if query.get("Action") == "login":
        return console_login(test, query, environ, start_response)
    session = json.loads(query.get("Session") or "{}")
    call = {"action": query.get("Action"), "key": session.get("sessionId"),
            "params": {"fields": sorted(session), "token_set": bool(session.get("sessionToken"))}}
    with LOCK:
        CALLS.setdefault(test, []).append(call)
    if query.get("Action") != "getSigninToken" or not session.get("sessionToken"):
        return send_json(start_response, "400 Bad Request", {"message": "temporary credentials only"})
    return send_json(start_response, "200 OK", {"SigninToken": f"signin-token-for-{session['sessionId']}"})


SAML_ROLE = "https://aws.amazon.com/SAML/Attributes/Role"


def saml_response(roles, duration, life):
    """An IdP's SAMLResponse (unsigned) offering `roles` (each "role,provider" as written)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ends = (now + datetime.timedelta(seconds=life)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    values = "".join(f"<saml2:AttributeValue>{r}</saml2:AttributeValue>" for r in roles)
    extra = (f'<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">'
             f"<saml2:AttributeValue>{duration}</saml2:AttributeValue></saml2:Attribute>") if duration else ""
    xml = ('<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" '
           'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><saml2:Assertion><saml2:Subject><saml2:SubjectConfirmation>'
           f'<saml2:SubjectConfirmationData NotOnOrAfter="{ends}" Recipient="https://signin.aws.amazon.com/saml"/>'
           f'</saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotOnOrAfter="{ends}"/><saml2:AttributeStatement>'
           '<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml2:AttributeValue>'
           f'me@example.com</saml2:AttributeValue></saml2:Attribute><saml2:Attribute Name="{SAML_ROLE}">{values}'
           f"</saml2:Attribute>{extra}</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>")
    return base64.b64encode(xml.encode()).decode()


def idp(test, environ, start_response):
    query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    with LOCK:
        CALLS.setdefault(test, []).append({"action": "IdPPage", "key": None, "params": {}})
    response = saml_response([r for r in query.get("roles", "").split(";") if r], query.get("duration"),
                             int(query.get("life", "300")))
    page = (f'<!doctype html><title>IdP</title><form method="post" action="saml">'
            f'<input type="hidden" name="SAMLResponse" value="{response}">'
            '<input type="hidden" name="RelayState" value=""></form>'
            + ("" if query.get("post") in ("no", "top", "self") else "<script>document.forms[0].submit()</script>")).encode()
    if query.get("frame"):
        # A page of another origin (localhost, not 127.0.0.1) in a frame, posting its own assertion
        # to the top window (frame=top) or into itself (frame=self), before the IdP's own form.
        host = environ.get("HTTP_HOST", "").replace("127.0.0.1", "localhost")
        rest = urllib.parse.urlencode({k: v for k, v in query.items() if k not in ("frame", "post")})
        attacker = f'http://{host}/{test}/idp?{rest}&roles={urllib.parse.quote(query.get("attacker", ""))}&post={query["frame"]}'
        page = (f'<!doctype html><title>IdP</title><iframe src="{attacker}"></iframe>'
                f'<form method="post" action="saml"><input type="hidden" name="SAMLResponse" value="{response}"></form>'
                '<script>setTimeout(function () { document.forms[0].submit() }, 3000)</script>').encode()
    if query.get("post") in ("top", "self"):
        # The framed page: its form posts to the top window, or into its own frame, at once.
        target = "_top" if query["post"] == "top" else "_self"
        action = f'http://127.0.0.1:{environ.get("HTTP_HOST", "").rsplit(":", 1)[-1]}/{test}/saml'
        page = (f'<!doctype html><title>not the IdP</title><form method="post" target="{target}" action="{action}">'
                f'<input type="hidden" name="SAMLResponse" value="{response}"></form>'
                '<script>document.forms[0].submit()</script>').encode()
    if query.get("popup") == "yes":
        rest = urllib.parse.urlencode({k: v for k, v in query.items() if k != "popup"})
        page = f'<!doctype html><title>IdP</title><script>window.open("idp?{rest}")</script>'.encode()
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
    return [page]


def assume_role_with_saml(test, params, auth, start_response):
    with LOCK:
        CALLS.setdefault(test, []).append({"action": "AssumeRoleWithSAML", "key": None, "params": {
            k: v for k, v in params.items() if k != "SAMLAssertion"}, "signed": bool(auth)})
    role, provider = params.get("RoleArn", ""), params.get("PrincipalArn", "")
    try:
        xml = base64.b64decode(params.get("SAMLAssertion", "")).decode()
    except ValueError:
        return error(start_response, "400 Bad Request", "InvalidIdentityToken", "The SAML assertion is not base64")
    values = re.findall(r"<saml2:AttributeValue>([^<]*)</saml2:AttributeValue>", xml.split(f'Name="{SAML_ROLE}"', 1)[-1].split("</saml2:Attribute>")[0])
    pairs = {frozenset(p.strip() for p in v.split(",")) for v in values}
    if "denied" in role or frozenset((role, provider)) not in pairs:
        return error(start_response, "403 Forbidden", "AccessDenied",
                     f"Not authorized to perform sts:AssumeRoleWithSAML on {role} with {provider}")
    limit = re.search(r"SessionDuration\"><saml2:AttributeValue>(\d+)<", xml)
    duration = int(params.get("DurationSeconds") or (limit.group(1) if limit else 3600))
    if limit and duration > int(limit.group(1)):
        return error(start_response, "400 Bad Request", "ValidationError",
                     "The requested DurationSeconds exceeds the SessionDuration of the SAML assertion")
    with LOCK:
        n = len(CALLS[test])
    ends = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=duration)).strftime("%Y-%m-%dT%H:%M:%SZ")
    account, name = role.split(":")[4], role.rsplit("/", 1)[-1]
    body = (f'<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>'
            f"<AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/{name}/me@example.com</Arn>"
            f"<AssumedRoleId>AROASAML:me@example.com</AssumedRoleId></AssumedRoleUser><Credentials>"
            f"<AccessKeyId>ASIASAML{n:04d}</AccessKeyId><SecretAccessKey>saml-secret-{n}</SecretAccessKey>"
            f"<SessionToken>saml-token-{n}</SessionToken><Expiration>{ends}</Expiration></Credentials>"
            f"<Issuer>https://idp.example.com</Issuer><Audience>https://signin.aws.amazon.com/saml</Audience>"
            f"</AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            f"</AssumeRoleWithSAMLResponse>").encode()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


SIGNING = threading.Lock()


def role_session(key):
    """The role session moto issued with access key `key`, if any."""
    from moto.sts.models import sts_backends
    for _account, regions in sts_backends.items():
        for _region, backend in regions.items():
            for role in backend.assumed_roles:
                if role.access_key_id == key:
                    return role
    return None


def kubernetes(test, path, environ, start_response):
    cluster = path.split("/")[2]
    auth = environ.get("HTTP_AUTHORIZATION", "")

    def answer(status, body):
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def refuse(why):
        return answer("401 Unauthorized", {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                           "message": f"Unauthorized: {why}", "reason": "Unauthorized", "code": 401})

    token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
    if not token.startswith("k8s-aws-v1."):
        return refuse("no EKS token")
    encoded = token[len("k8s-aws-v1."):]
    url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    key, _day, region, service, _ = params.get("X-Amz-Credential", "////").split("/")
    with LOCK:
        CALLS.setdefault(test, []).append({"action": "KubernetesRequest", "key": key, "params": {"path": path}})
    if params.get("Action") != "GetCallerIdentity" or service != "sts" or params.get("X-Amz-Expires") != "60":
        return refuse("not a GetCallerIdentity URL presigned for 60 s")
    if "x-k8s-aws-id" not in params.get("X-Amz-SignedHeaders", "").split(";"):
        return refuse("x-k8s-aws-id is not signed")
    signed_at = datetime.datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    age = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - signed_at
    if not datetime.timedelta(minutes=-5) <= age <= datetime.timedelta(minutes=15):
        return refuse("signed more than 15 minutes ago")
    role = role_session(key)
    if role is None:
        return refuse("a key no role session of this STS has")
    unsigned = [(k, v) for k, v in query if not k.startswith("X-Amz-")]
    request = AWSRequest(method="GET", url=f"{parts.scheme}://{parts.netloc}{parts.path}?{urllib.parse.urlencode(unsigned)}",
                         headers={"x-k8s-aws-id": cluster})
    credentials = Credentials(role.access_key_id, role.secret_access_key, role.session_token)
    with SIGNING:
        now = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda: signed_at
        try:
            botocore.auth.SigV4QueryAuth(credentials, "sts", region, expires=60).add_auth(request)
        finally:
            botocore.auth.get_current_datetime = now
    expected = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))["X-Amz-Signature"]
    if expected != params.get("X-Amz-Signature"):
        return refuse("the signature is not botocore's for this cluster")
    if path.endswith("/version"):
        return answer("200 OK", {"major": "1", "minor": "32", "gitVersion": "v1.32.0", "platform": "linux/amd64"})
    return answer("200 OK", {"kind": "Namespace", "apiVersion": "v1",
                             "metadata": {"name": "default", "annotations": {"signed-in-as": role.arn}}})


def wrap(moto_app, ca_pem):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == "/_awsume/ca":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(ca_pem)))])
            return [ca_pem]
        if path == "/_awsume/hosts":
            with LOCK:
                body = json.dumps(HOSTS).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path.startswith("/_awsume/requests/"):
            test = path.rsplit("/", 1)[-1]
            with LOCK:
                body = json.dumps(CALLS.get(test, [])).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        match = None if HOSTS_MODE else re.match(r"^/([A-Za-z0-9_-]+)(/.*)?$", path)
        test = "ns" if HOSTS_MODE else match.group(1) if match else "-"
        environ["PATH_INFO"] = (match.group(2) if match else path) or "/"
        if HOSTS_MODE:
            with LOCK:
                HOSTS.append({"host": environ.get("HTTP_HOST", ""), "method": environ.get("REQUEST_METHOD"),
                              "path": environ["PATH_INFO"]})
        # moto's REST services (EKS) match the raw URI, not PATH_INFO: without the test's id too.
        query = environ.get("QUERY_STRING", "")
        for raw in ("RAW_URI", "REQUEST_URI"):
            environ[raw] = environ["PATH_INFO"] + (f"?{query}" if query else "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        if environ["PATH_INFO"] in SIGNIN_ROUTES:
            return signin(test, environ["PATH_INFO"], environ, raw, start_response)
        if environ["PATH_INFO"] in SSO_ROUTES:
            return sso(test, environ["PATH_INFO"], environ, raw, start_response)
        if environ["PATH_INFO"] == "/sessions/v1/opt-in":
            # The console's multi-session opt-in: a cookie, then back to the console.
            browser_call(test, "ConsoleOptIn", environ)
            to = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""))).get("redirect_uri", "/")
            return redirect(start_response, to,
                            "awsume-test-multisession=on; Domain=aws.amazon.com; Path=/; Secure; SameSite=None; Max-Age=3600")
        if ".console." in environ.get("HTTP_HOST", "") or environ.get("HTTP_HOST", "").startswith("console."):
            browser_call(test, "Console", environ, path=environ["PATH_INFO"])
            page = b"<html><body>console</body></html>"
            start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
            return [page]
        if environ["PATH_INFO"] == "/custom":
            # A start URL on a custom domain: one redirect to ?to=.
            to = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""))).get("to", "")
            start_response("302 Found", [("Location", to), ("Content-Length", "0")])
            return [b""]
        if environ["PATH_INFO"].startswith("/k8s/"):
            return kubernetes(test, environ["PATH_INFO"], environ, start_response)
        if environ["PATH_INFO"].startswith("/clusters"):
            action = "DescribeCluster" if environ["REQUEST_METHOD"] == "GET" else "CreateCluster"
            with LOCK:
                CALLS.setdefault(test, []).append({"action": action, "key": None, "params": {}})
            return moto_app(environ, start_response)
        if environ["PATH_INFO"] == "/federation":
            return federation(test, environ, start_response)
        if environ["PATH_INFO"] == "/idp":
            return idp(test, environ, start_response)
        if environ["PATH_INFO"] == "/saml":
            with LOCK:
                CALLS.setdefault(test, []).append({"action": "SigninSAML", "key": None, "params": {}})
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
            return [b"AWS"]
        params = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if params.get("Action") == "AssumeRoleWithSAML":
            return assume_role_with_saml(test, params, auth, start_response)
        key = re.search(r"Credential=([^/]+)/", auth)
        call = {"action": params.get("Action"), "key": key.group(1) if key else None, "params": params}
        with LOCK:
            CALLS.setdefault(test, []).append(call)
        role = params.get("RoleArn", "")
        if params.get("TokenCode") == "000000":
            return error(start_response, "403 Forbidden", "AccessDenied",
                         "MultiFactorAuthentication failed with invalid MFA one time pass code.")
        if "notags" in role and any(k.startswith("Tags.member.") for k in params):
            return error(start_response, "403 Forbidden", "AccessDenied",
                         f"User: {call['key']} is not authorized to perform: sts:TagSession on resource: {role}")
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
        if "proxied" in role:
            page = b"<html><body><h1>503 Service Unavailable</h1>Proxy upstream error</body></html>"
            start_response("503 Service Unavailable", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
            return [page]
        return moto_app(environ, start_response)

    return app


class Handler(WSGIRequestHandler):
    """werkzeug drops headers with `_` in their names; the SSO portal's bearer header has one."""

    def make_environ(self):
        environ = super().make_environ()
        token = self.headers.get("x-amz-sso_bearer_token")
        if token is not None:
            environ["awsume.sso_bearer_token"] = token
        return environ

    def log_request(self, *args, **kwargs):
        pass


def hosts_main():
    """Hosts mode: TLS on 127.0.0.1:443 for the names given; the CA's PEM written to AWSUME_STUB_CA."""
    names = [n for n in os.environ["AWSUME_STUB_NAMES"].split(",") if n]
    ca_pem, tls = test_ca(names)
    with open(os.environ["AWSUME_STUB_CA"], "wb") as f:
        f.write(ca_pem)
    app = wrap(DomainDispatcherApplication(create_backend_app), ca_pem)
    server = make_server("127.0.0.1", 443, app, threaded=True, request_handler=Handler, ssl_context=tls)
    print(443, 443, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()


def main():
    if HOSTS_MODE:
        return hosts_main()
    ca_pem, tls = test_ca()
    app = wrap(DomainDispatcherApplication(create_backend_app), ca_pem)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Handler)
    tls_server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Handler, ssl_context=tls)
    print(server.server_port, tls_server.server_port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=tls_server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the parent closes our stdin or exits


if __name__ == "__main__":
    main()
