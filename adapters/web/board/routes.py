"""The board's HTTP routes (aiohttp), mounted by the composition root under `/review`.

Security: a one-time link (`/review/signin/<token>`) opens a session kept in an HttpOnly,
SameSite=Lax cookie (Secure when PUBLIC_URL is https). Opening the link only shows a
button: link previewers and mail scanners that fetch it do not use it up. Every POST
carries a CSRF token (the session's; before sign-in, a double-submitted cookie's). Pages
send a strict CSP (scripts and styles from `/review/assets/` only) and never cache.
Malformed input gets a 4xx and a plain sentence; a stranger gets 401, someone who may not
see a submission 404 (whether it exists is not theirs to know), a refused action 403.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from adapters.web.board import render
from adapters.web.board.assets import BOARD_CSS, BOARD_ICON, BOARD_JS
from conversations.review_board import BoardBackend, BoardPage, BoardUser
from conversations.review_port import ReviewDesk
from conversations.reviewing import (
    ALREADY_DECIDED,
    DECISIONS,
    NOT_SUBMITTED,
    NOTHING_TO_DECIDE,
    REFUSE_DECIDE,
    REFUSE_SCORE,
    SCORES_SAVED,
    UNKNOWN_SUBMISSION,
)
from conversations.scoring import ScoreKey

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SESSION_COOKIE, SIGNIN_COOKIE = "board_session", "board_signin"
SESSION_MAX_AGE = 7 * 24 * 3600
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
            "X-Frame-Options": "DENY"}
IID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TEXT_MAX = 2000
SIGNED_OUT = "Please sign in with the one-time link you were given (a recruiter makes one " \
             "with: interview-bot reviewer-link YOUR-NAME)."
NOT_FOUND = "There is no such submission, or it is not yours to review."
LINK_USED = "This sign-in link cannot be used: it was used already or has expired. " \
            "Ask for a new one."
BAD_CSRF = "This form is out of date. Please reload the page and try again."
INCOMPLETE = "Please score every question on every dimension (1 to 4)."
DONE = {"scores": SCORES_SAVED, "decision": "Decision recorded; the candidate is told."}
REFUSAL_STATUS = {REFUSE_SCORE: 403, REFUSE_DECIDE: 403, UNKNOWN_SUBMISSION: 404,
                  ALREADY_DECIDED: 409, NOT_SUBMITTED: 409, NOTHING_TO_DECIDE: 409}


class Refused(Exception):
    def __init__(self, status: int, text: str, user: BoardUser | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.user = status, text, user


def html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html",
                        headers=SECURITY)


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={**SECURITY, "Location": location})


@dataclass
class BoardRoutes:
    backend: BoardBackend
    desk: ReviewDesk
    secure_cookies: bool  # PUBLIC_URL is https

    def routes(self) -> dict[str, Handler]:
        return {
            "/review": self._guard("GET", self.index),
            "/review/signin/{token}": self._guard("GET POST", self.sign_in),
            "/review/signout": self._guard("POST", self.sign_out),
            "/review/s/{iid}": self._guard("GET", self.submission),
            "/review/s/{iid}/scores": self._guard("POST", self.scores),
            "/review/s/{iid}/decision": self._guard("POST", self.decision),
            "/review/media/{iid}/{question}/{part}": self._guard("GET", self.media),
            "/review/assets/board.css": self._asset(BOARD_CSS, "text/css"),
            "/review/assets/board.js": self._asset(BOARD_JS, "text/javascript"),
            "/review/assets/icon.svg": self._asset(BOARD_ICON, "image/svg+xml"),
        }

    def _guard(self, methods: str, handler: Handler) -> Handler:
        allowed = methods.split()

        async def guarded(request: web.Request) -> web.StreamResponse:
            if request.method not in allowed and not (request.method == "HEAD"
                                                      and "GET" in allowed):
                raise web.HTTPMethodNotAllowed(request.method, allowed)
            try:
                return await handler(request)
            except Refused as refused:
                return html(render.notice("Not possible", refused.text, refused.user,
                                          back="/review"), refused.status)

        return guarded

    @staticmethod
    def _asset(text: str, content_type: str) -> Handler:
        async def serve(request: web.Request) -> web.StreamResponse:
            if request.method not in ("GET", "HEAD"):
                raise web.HTTPMethodNotAllowed(request.method, ["GET"])
            return web.Response(text=text, content_type=content_type, headers={
                "X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=3600"})
        return serve

    # -- pages -------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        user = await self._user(request)
        return html(render.board_list(user, await self.backend.submissions(user)))

    async def submission(self, request: web.Request) -> web.StreamResponse:
        user = await self._user(request)
        page = await self._page(user, request)
        done = DONE.get(request.query.get("done", ""), "")
        return html(render.submission(user, page, done))

    async def media(self, request: web.Request) -> web.StreamResponse:
        user = await self._user(request)
        question, part = request.match_info["question"], request.match_info["part"]
        if not (question.isdigit() and part.isdigit() and len(question + part) <= 6):
            raise Refused(404, NOT_FOUND, user)
        found = await self.backend.media(user, _iid(request, user), int(question), int(part))
        if found is None:
            raise Refused(404, NOT_FOUND, user)
        return web.FileResponse(found.path, headers={
            "Content-Type": found.mime, "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store", "Content-Security-Policy": CSP})

    # -- sign-in -------------------------------------------------------------------------

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if request.method != "POST":
            csrf = secrets.token_urlsafe(24)
            response = html(render.sign_in_page(token, csrf))
            response.set_cookie(SIGNIN_COOKIE, csrf, max_age=3600, path="/review/signin",
                                httponly=True, samesite="Lax", secure=self.secure_cookies)
            return response
        form = await _form(request)
        if not _same(form.get("csrf"), request.cookies.get(SIGNIN_COOKIE)):
            raise Refused(403, BAD_CSRF)
        signed = await self.backend.sign_in(token)
        if signed is None:
            raise Refused(410, LINK_USED)
        response = see_other("/review")
        response.set_cookie(SESSION_COOKIE, signed[0], max_age=SESSION_MAX_AGE, path="/review",
                            httponly=True, samesite="Lax", secure=self.secure_cookies)
        response.del_cookie(SIGNIN_COOKIE, path="/review/signin")
        return response

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        user = await self._user(request)
        await self._check_csrf(request, user)
        await self.backend.sign_out(request.cookies.get(SESSION_COOKIE, ""))
        response = html(render.notice("Signed out", "You are signed out of the board."))
        response.del_cookie(SESSION_COOKIE, path="/review")
        return response

    # -- forms -------------------------------------------------------------------------

    async def scores(self, request: web.Request) -> web.StreamResponse:
        user = await self._user(request)
        form = await self._check_csrf(request, user)
        page = await self._page(user, request)
        scores = _sheet(form, page)
        comment = form.get("comment", "")
        if scores is None or not isinstance(comment, str) or len(comment) > TEXT_MAX:
            return html(render.submission(user, page, INCOMPLETE), 400)
        refusal = await self.desk.save_scores(user.reviewer(), page.view.interview_id,
                                              scores, comment.strip())
        return self._after(user, page, refusal, "scores")

    async def decision(self, request: web.Request) -> web.StreamResponse:
        user = await self._user(request)
        form = await self._check_csrf(request, user)
        page = await self._page(user, request)
        decision, reason = form.get("decision"), form.get("reason", "")
        if decision not in DECISIONS or not isinstance(reason, str) or len(reason) > TEXT_MAX:
            return html(render.submission(user, page, "Choose Advance, Reject or Hold "
                                                      "(a reason is optional)."), 400)
        refusal = await self.desk.decide(user.reviewer(), page.view.interview_id,
                                         str(decision), reason.strip())
        return self._after(user, page, refusal, "decision")

    def _after(
        self, user: BoardUser, page: BoardPage, refusal: str | None, done: str
    ) -> web.StreamResponse:
        if refusal is not None:
            raise Refused(REFUSAL_STATUS.get(refusal, 409), refusal, user)
        return see_other(f"/review/s/{page.view.interview_id}?done={done}")

    # -- checks ------------------------------------------------------------------------

    async def _user(self, request: web.Request) -> BoardUser:
        user = await self.backend.user(request.cookies.get(SESSION_COOKIE, ""))
        if user is None:
            raise Refused(401, SIGNED_OUT)
        return user

    async def _check_csrf(self, request: web.Request, user: BoardUser) -> Mapping[str, object]:
        form = await _form(request)
        if not _same(form.get("csrf"), user.csrf):
            raise Refused(403, BAD_CSRF, user)
        return form

    async def _page(self, user: BoardUser, request: web.Request) -> BoardPage:
        page = await self.backend.page(user, _iid(request, user))
        if page is None:
            raise Refused(404, NOT_FOUND, user)
        return page


def _iid(request: web.Request, user: BoardUser) -> str:
    iid = request.match_info["iid"]
    if not IID.match(iid):
        raise Refused(404, NOT_FOUND, user)
    return iid


async def _form(request: web.Request) -> Mapping[str, object]:
    try:
        return await request.post()
    except ValueError as exc:  # a body that is not a readable form (bad encoding, multipart)
        raise Refused(400, "This request is not a form the board can read.") from exc


def _same(given: object, expected: str | None) -> bool:
    return (isinstance(given, str) and bool(expected) and expected is not None
            and hmac.compare_digest(given.encode(), expected.encode()))


def _sheet(form: Mapping[str, object], page: BoardPage) -> dict[ScoreKey, int] | None:
    """Every (question, dimension) by position `s-<q>-<d>`, each 1-4; None if not."""
    sheet: dict[ScoreKey, int] = {}
    for qn, q in enumerate(page.view.questions, start=1):
        for dn, d in enumerate(page.view.rubric, start=1):
            value = form.get(f"s-{qn}-{dn}")
            if not isinstance(value, str) or value not in ("1", "2", "3", "4"):
                return None
            sheet[(q.id, d.id)] = int(value)
    return sheet
