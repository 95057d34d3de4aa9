"""An OpenID Connect provider on loopback for followupd's sign-in tests.

The provider is pyop's (IdentityPython): discovery, authorization requests, codes, PKCE,
client authentication, the token endpoint, ID tokens signed with RS256 and the JWKS are the
library's. This program is only its configuration and the thin WSGI glue around it:

- the people who may sign in (USERS below) and a login form (user name and password) that a
  test posts without a browser;
- dynamic client registration (pyop's own), so each test registers the client it needs
  (redirect URI, client_secret_basic, client_secret_post, or a public client);
- an RSA key made at start (and a second RSA key and an EC key, for the tests only).

Test hooks, for the refusals the client must make (never reachable unless a test asks):
- the login form takes an optional `tamper` field (JSON): `claims` replace those of the ID
  token the code is later exchanged for, `remove` drops some, and `key` says how it is signed:
  "provider" (default), "other" (an RSA key the JWKS does not publish, under the provider's
  kid or under `kid`), "ec" (a P-256 key the JWKS publishes, ES256), "none" (unsigned) or
  "hs256" (HMAC with the client's secret);
- POST /test/rotate makes a new signing key; the old ones stay published.

Usage: python3 oidc_provider.py PORT_FILE. Binds 127.0.0.1 on a free port, writes
"PORT\n" to PORT_FILE once it listens, and serves until killed (or until its parent exits:
stdin reaching end of file stops it).
"""

import base64
import hashlib
import hmac
import json
import logging
import os
import sys
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from Cryptodome.PublicKey import RSA
from jwkest.ecc import NISTEllipticCurve
from jwkest.jwk import ECKey, RSAKey
from jwkest.jws import JWS
from oic.oic.message import IdToken
from pyop.authz_state import AuthorizationState
from pyop.exceptions import (
    InvalidAuthenticationRequest,
    InvalidClientAuthentication,
    InvalidClientRegistrationRequest,
    InvalidTokenRequest,
    OAuthError,
)
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

# Who may sign in: user id → password and the claims the provider releases about them.
USERS = {
    "joana": {
        "password": "joana-secret",
        "claims": {"preferred_username": "joana", "email": "joana@desk.example", "groups": ["desk"]},
    },
    "marcos": {
        "password": "marcos-secret",
        "claims": {"preferred_username": "marcos", "email": "marcos@desk.example", "groups": ["desk-leaders"]},
    },
    "carla": {
        "password": "carla-secret",
        "claims": {"preferred_username": "carla.souza", "email": "carla@desk.example", "groups": []},
    },
    "ops": {
        "password": "ops-secret",
        "claims": {"preferred_username": "ops", "email": "ops@desk.example", "groups": ["ops"]},
    },
    "stranger": {
        "password": "stranger-secret",
        "claims": {"preferred_username": "stranger", "email": "stranger@elsewhere.example", "groups": []},
    },
}

LOGIN_FORM = """<!doctype html>
<html><head><title>Sign in</title></head><body>
<form method="post" action="/login">
<input type="hidden" name="request" value="{request}">
<label>User <input name="username"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button>
</form></body></html>
"""


def new_rsa_key(kid):
    return RSAKey(key=RSA.generate(2048), alg="RS256", use="sig", kid=kid)


class Desk:
    """The provider and the tests' keys, shared by the request threads."""

    def __init__(self, issuer):
        self.lock = threading.Lock()
        self.issuer = issuer
        self.generation = 1
        self.other_key = new_rsa_key("provider-1")
        self.ec_key = ECKey(key=NISTEllipticCurve.by_name("P-256"), alg="ES256", use="sig", kid="ec-1")
        self.retired = []  # keys rotated out, still published (as providers do for a while)
        self.tamper = {}  # authorization code → the test's changes to its ID token
        configuration = {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks",
            "registration_endpoint": issuer + "/registration",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }
        state = AuthorizationState(HashBasedSubjectIdentifierFactory("followupd-tests"))
        users = Userinfo({user: dict(entry["claims"]) for user, entry in USERS.items()})
        # pyop (oic's ProviderConfigurationResponse.verify) insists on an https issuer, as the
        # specification does; the tests have no certificate the daemon would trust, so the
        # provider is made with the https spelling and then told its real, loopback http one.
        configuration["issuer"] = issuer.replace("http://", "https://", 1)
        self.provider = Provider(new_rsa_key("provider-1"), configuration, state, {}, users)
        self.provider.configuration_information["issuer"] = issuer

    def jwks(self):
        with self.lock:
            keys = [key.serialize() for key in [self.provider.signing_key, self.ec_key] + self.retired]
        return {"keys": keys}

    def rotate(self):
        with self.lock:
            self.generation += 1
            self.retired.append(self.provider.signing_key)
            self.provider.signing_key = new_rsa_key("provider-%d" % self.generation)

    def id_token_claims(self, user_id, client_id):
        """The claims every ID token carries besides the standard ones (like a Keycloak mapper)."""
        return dict(USERS[user_id]["claims"])

    def register(self, body):
        """pyop's client registration; a client asking for `none` gets no secret (a public client)."""
        answer = self.provider.handle_client_registration_request(body)
        if answer.get("token_endpoint_auth_method") == "none":
            self.provider.clients[answer["client_id"]].pop("client_secret", None)
            del answer["client_secret"]
        return answer

    def tampered(self, id_token, tamper, client_id):
        """The ID token re-made with the test's claims, signed as the test asked."""
        # Signed by the key current when pyop made it: another test may have rotated since.
        with self.lock:
            keys = [self.provider.signing_key] + self.retired
        claims = dict(JWS().verify_compact(id_token, keys=keys))
        claims.update(tamper.get("claims", {}))
        for name in tamper.get("remove", []):
            claims.pop(name, None)
        how = tamper.get("key", "provider")
        if how == "none":  # unsigned
            header = {"alg": "none", "kid": self.provider.signing_key.kid}
            return "%s.%s." % (b64(json.dumps(header)), b64(json.dumps(claims)))
        if how == "hs256":  # HMAC with the client's secret (the algorithm confusion attack)
            header = {"alg": "HS256", "kid": self.provider.signing_key.kid}
            signing_input = "%s.%s" % (b64(json.dumps(header)), b64(json.dumps(claims)))
            secret = self.provider.clients[client_id].get("client_secret", "").encode()
            return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
        if how == "other":  # a key the JWKS does not hold, under the provider's kid unless told
            key = RSAKey(key=self.other_key.key, alg="RS256", kid=tamper.get("kid", self.provider.signing_key.kid))
        else:
            key = {"provider": self.provider.signing_key, "ec": self.ec_key}[how]
        return IdToken(**claims).to_jwt([key], key.alg)


def b64(data):
    data = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def respond(start, status, body, content_type="application/json", headers=()):
    data = body.encode() if isinstance(body, str) else body
    start(status, [("Content-Type", content_type), ("Cache-Control", "no-store")] + list(headers))
    return [data]


def oauth_error(start, status, error):
    return respond(start, status, error.to_json() if hasattr(error, "to_json") else json.dumps({"error": str(error)}))


def application(desk):
    def app(environ, start):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        headers = {"Authorization": environ["HTTP_AUTHORIZATION"]} if "HTTP_AUTHORIZATION" in environ else {}
        provider = desk.provider
        try:
            if method == "GET" and path == "/.well-known/openid-configuration":
                return respond(start, "200 OK", provider.provider_configuration.to_json())
            if method == "GET" and path == "/jwks":
                return respond(start, "200 OK", json.dumps(desk.jwks()))
            if method == "POST" and path == "/registration":
                return respond(start, "201 Created", desk.register(body).to_json())
            if method == "GET" and path == "/authorize":
                provider.parse_authentication_request(query)
                escaped = query.replace("&", "&amp;").replace('"', "&quot;")
                return respond(start, "200 OK", LOGIN_FORM.format(request=escaped), "text/html; charset=utf-8")
            if method == "POST" and path == "/login":
                form = dict(parse_qsl(body))
                request = provider.parse_authentication_request(form.get("request", ""))
                user = USERS.get(form.get("username", ""))
                if user is None or user["password"] != form.get("password"):
                    return respond(start, "401 Unauthorized", "wrong user name or password", "text/plain")
                answer = provider.authorize(request, form["username"])
                if "tamper" in form:
                    with desk.lock:
                        desk.tamper[answer["code"]] = (json.loads(form["tamper"]), request["client_id"])
                location = answer.request(request["redirect_uri"], False)
                return respond(start, "302 Found", "", "text/plain", [("Location", location)])
            if method == "POST" and path == "/token":
                code = dict(parse_qsl(body)).get("code")
                answer = provider.handle_token_request(body, headers, desk.id_token_claims)
                with desk.lock:
                    tamper = desk.tamper.pop(code, None)
                if tamper is not None:
                    answer["id_token"] = desk.tampered(answer["id_token"], *tamper)
                return respond(start, "200 OK", answer.to_json())
            if method == "POST" and path == "/test/rotate":
                desk.rotate()
                return respond(start, "204 No Content", "")
            return respond(start, "404 Not Found", json.dumps({"error": "not_found"}))
        except InvalidClientAuthentication as error:
            return oauth_error(start, "401 Unauthorized", error)
        except (InvalidAuthenticationRequest, InvalidTokenRequest, InvalidClientRegistrationRequest) as error:
            return oauth_error(start, "400 Bad Request", error)
        except OAuthError as error:
            return oauth_error(start, "400 Bad Request", error)

    return app


class Server(ThreadingHTTPServer, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    logging.basicConfig(level=logging.WARNING)
    server = Server(("127.0.0.1", 0), QuietHandler)
    port = server.server_address[1]
    desk = Desk("http://127.0.0.1:%d" % port)
    server.set_app(application(desk))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(sys.argv[1] + ".tmp", "w") as file:
        file.write("%d\n" % port)
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    # Serve until the test process goes away (its end of our stdin closes) or kills us.
    while sys.stdin.read(1):
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
