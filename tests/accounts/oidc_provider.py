"""A real OpenID Connect provider on 127.0.0.1 for the sign-in tests: oidc-provider-mock (Flask and
authlib: discovery, authorization, token, userinfo, JWKS), started in a thread on a free port.

The package does not check PKCE and never expires a code, so a thin WSGI layer in front of it
does both as RFC 7636 and RFC 6749 §4.1.2 require of a provider (a code's verifier must hash to
the challenge sent with the authorization request; a code lives `code_lifetime` seconds), and
records every request, so tests can assert what the client sent.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]


@dataclass
class Provider:
    """The running provider: its issuer URL, its requests, and a way to add people."""

    issuer: str
    seen: list[Seen] = field(default_factory=list)
    code_lifetime: float = 600.0
    # code -> (challenge, method, issued at)
    codes: dict[str, tuple[str, str, float]] = field(default_factory=dict)

    def add_user(self, sub: str, **claims: Any) -> None:
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=30).raise_for_status()

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def authorize(self, location: str, sub: str) -> str:
        """Play the member's browser at the provider: open the authorization page the client
        redirected to, choose `sub`, and return where the provider sends the browser back."""
        page = requests.get(location, timeout=30)
        assert page.status_code == 200, page.text
        answer = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text
        return str(answer.headers["Location"])

    def expire_codes(self) -> None:
        self.codes = {code: (c, m, 0.0) for code, (c, m, _) in self.codes.items()}


def _oauth_error(start_response: StartResponse, error: str, description: str) -> list[bytes]:
    body = json.dumps({"error": error, "error_description": description}).encode()
    start_response("400 Bad Request", [("Content-Type", "application/json")])
    return [body]


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _checked(provider: Provider, inner: Callable[[Environ, StartResponse], Iterable[bytes]]) -> Any:
    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        form: dict[str, list[str]] = {}
        if environ.get("REQUEST_METHOD") == "POST" and "form" in environ.get("CONTENT_TYPE", ""):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode())
        provider.seen.append(Seen(environ["REQUEST_METHOD"], path, query, form))

        if path == "/oauth2/authorize":
            if query.get("code_challenge_method") != ["S256"] or not query.get("code_challenge"):
                return _oauth_error(start_response, "invalid_request", "PKCE (S256) is required")

            def remember_code(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                for name, value in headers:
                    if name.lower() == "location":
                        code = parse_qs(urlsplit(value).query).get("code")
                        if code:
                            provider.codes[code[0]] = (
                                query["code_challenge"][0],
                                "S256",
                                time.monotonic(),
                            )
                return start_response(status, headers, *args)

            return inner(environ, remember_code)

        if path == "/oauth2/token" and form.get("grant_type") == ["authorization_code"]:
            code = (form.get("code") or [""])[0]
            known = provider.codes.get(code)
            if known is not None:
                challenge, _, issued = known
                if time.monotonic() - issued > provider.code_lifetime:
                    return _oauth_error(start_response, "invalid_grant", "the code has expired")
                verifier = (form.get("code_verifier") or [""])[0]
                if _s256(verifier) != challenge:
                    return _oauth_error(start_response, "invalid_grant", "PKCE verifier mismatch")
        return inner(environ, start_response)

    return app


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider(issuer="")
    flask_app = oidc_provider_mock.app(require_nonce=False)
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, _checked(provider, flask_app), threaded=True
    )
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
