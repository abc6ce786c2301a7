"""The page's keys: a session cookie per browser, a CSRF token per session (an HMAC of the
session id, checked on every POST), move codes, and the headers every page carries."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

COOKIE = "ib_web"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
# Scripts and styles only from our own origin (no inline code); media from the page's own
# recordings (blob:) and camera; nothing may frame the page.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never hand it on
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(self), microphone=(self)",
}


class Keys:
    def __init__(self, secret: bytes, secure_cookies: bool) -> None:
        self._secret = secret
        self._secure = secure_cookies

    def session_of(self, request: web.Request) -> str | None:
        value = request.cookies.get(COOKIE)
        return value if value and 20 <= len(value) <= 100 and value.isascii() else None

    def new_session(self) -> str:
        return secrets.token_urlsafe(32)

    def set_cookie(self, response: web.StreamResponse, session: str) -> None:
        response.set_cookie(COOKIE, session, path="/i/", httponly=True, samesite="Lax",
                            secure=self._secure, max_age=60 * 60 * 24 * 30)

    def csrf(self, session: str) -> str:
        return hmac.new(self._secret, f"csrf:{session}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: str | None, given: str | None) -> bool:
        if session is None or not given or not given.isascii():
            return False
        return hmac.compare_digest(self.csrf(session), given)

    @staticmethod
    def session_hash(session: str) -> str:
        return hashlib.sha256(session.encode()).hexdigest()

    @staticmethod
    def move_code() -> str:
        return f"{secrets.randbelow(10**6):06d}"


def harden(response: web.StreamResponse) -> web.StreamResponse:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
