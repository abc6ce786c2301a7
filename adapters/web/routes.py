"""The candidate page's HTTP side: `/i/<token>` and what its forms and scripts post.

Every POST needs the session cookie and its CSRF token; every action but `open` and `move`
needs the browser the link is bound to. Malformed input gets a 4xx with a plain sentence,
never a 5xx; a failure on our side is a 503 the page's script retries.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.web.channel import WebChannel, conversation_of, page_key
from adapters.web.pages import Pages
from adapters.web.security import CSRF_FIELD, CSRF_HEADER, Keys, harden
from adapters.web.store import Facts, Probe
from adapters.web.uploads import Joined, UploadRefused, document_type
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    MediaKind,
    MediaReceived,
    Started,
    TextReceived,
)
from conversations.messages import ParamValue
from conversations.texts import DEFAULT_LANGUAGE, Catalog

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {"web.js": "text/javascript", "web.css": "text/css"}
COMMANDS = frozenset({"status", "pause", "help"})
MAX_TEXT = 20_000
ERASED = "erased"  # conversations.state.Phase.ERASED: the link opens nothing any more


@dataclass(frozen=True, slots=True)
class Posted:
    request: web.Request
    token: str
    facts: Facts
    form: dict[str, str]  # the form's text fields ({} for a chunk or JSON)


Action = Callable[[Posted], Awaitable[web.StreamResponse]]


class Refused(Exception):
    """A request we answer with `status` and the catalog sentence `text_id`."""

    def __init__(self, status: int, text_id: str, **params: ParamValue) -> None:
        super().__init__(text_id)
        self.status, self.text_id, self.params = status, text_id, params


class CandidatePage:
    def __init__(self, channel: WebChannel, keys: Keys, probe: Probe,
                 catalogs: Callable[[str], Catalog],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        """`catalogs(language)`: the catalog for a kit's language (English when there is
        none for it, as `bot.runtime.catalogs.load_catalog` does)."""
        self.channel, self.store = channel, channel.store
        self.keys, self.probe, self.clock = keys, probe, clock
        self._catalogs, self._pages = catalogs, dict[str, Pages]()
        self.default = self.pages_in(DEFAULT_LANGUAGE)  # before we know the interview

    def pages_in(self, language: str) -> Pages:
        """The page's sentences in the kit's language, one `Pages` per language."""
        if language not in self._pages:
            self._pages[language] = Pages(self._catalogs(language))
        return self._pages[language]

    def routes(self) -> dict[str, Handler]:
        posts = {"open": self.open, "press": self.press, "text": self.text,
                 "command": self.command, "move": self.move, "chunk": self.chunk,
                 "finish": self.finish}
        routes: dict[str, Handler] = {"/i/static/{name}": self.static,
                                      "/i/{token}": self.page, "/i/{token}/live": self.live,
                                      "/i/{token}/check": self.check}
        for name, action in posts.items():
            routes[f"/i/{{token}}/{name}"] = self._posting(action)
        return routes

    # ---- pages ---------------------------------------------------------------------------

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC_TYPES:
            raise web.HTTPNotFound(text="not found")
        body = await asyncio.to_thread((STATIC / name).read_bytes)
        return harden(web.Response(body=body, content_type=STATIC_TYPES[name]))

    async def page(self, request: web.Request) -> web.StreamResponse:
        token, facts = await self._facts(request)
        if facts is None:
            return _html(self.default.not_found(), 404)
        pages = self.pages_in(facts.language)
        if facts.phase == ERASED:
            return _html(pages.erased(facts.title), 410)
        session = self.keys.session_of(request) or self.keys.new_session()
        csrf, binding = self.keys.csrf(session), await self.store.binding(token)
        if binding is None:
            body, status = pages.landing(facts.title, token, csrf), 200
        elif binding.session_hash == self.keys.session_hash(session):
            messages = await self.store.messages(page_key(token))
            body, status = pages.interview(facts.title, token, csrf, facts, messages,
                                           self.clock(), binding.move_code), 200
        else:
            wrong = request.query.get("code") == "wrong"
            body, status = pages.in_use(facts.title, token, csrf, wrong), 409
        response = _html(body, status)
        self.keys.set_cookie(response, session)
        return response

    async def live(self, request: web.Request) -> web.StreamResponse:
        token, facts = await self._facts(request)
        if facts is None or not await self._owns(request, token):
            return harden(web.Response(status=409, text="in use"))
        session = self.keys.session_of(request) or ""
        fragment = self.pages_in(facts.language).live(token, self.keys.csrf(session), facts,
                              await self.store.messages(page_key(token)), self.clock())
        return _html(fragment)

    async def check(self, request: web.Request) -> web.StreamResponse:
        token, facts = await self._facts(request)
        if facts is None:
            return _html(self.default.not_found(), 404)
        pages = self.pages_in(facts.language)
        if facts.phase == ERASED:
            return _html(pages.erased(facts.title), 410)
        return _html(pages.device_check(facts.title, token))

    # ---- actions -------------------------------------------------------------------------

    def _posting(self, action: Action) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            if request.method != "POST":
                return harden(web.Response(status=405, text="method not allowed"))
            token, facts = await self._facts(request)
            if facts is None:
                return _html(self.default.not_found(), 404)
            try:
                if request.content_type in ("application/x-www-form-urlencoded",
                                            "multipart/form-data"):
                    form = await _form(request)
                else:
                    form = {}
                given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
                if not self.keys.csrf_ok(self.keys.session_of(request), given):
                    raise Refused(403, "web.refused.expired_page")
                if action not in (self.open, self.move) and not await self._owns(request, token):
                    raise Refused(409, "web.refused.in_use")
                return await action(Posted(request, token, facts, form))
            except Refused as refused:
                pages = self.pages_in(facts.language)
                why = pages.catalog.format(refused.text_id, refused.params)
                return self._answer(pages, request, token, facts.title, refused.status, why)
            except UploadRefused as refused:
                pages = self.pages_in(facts.language)
                why = pages.catalog.text(str(refused))
                return self._answer(pages, request, token, facts.title, 422, why)
        return handle

    async def open(self, posted: Posted) -> web.StreamResponse:
        request, token = posted.request, posted.token
        session = self.keys.session_of(request) or ""
        if not await self.store.bind(token, self.keys.session_hash(session),
                                     self.keys.move_code()):
            raise Refused(409, "web.refused.in_use")
        await self._emit(Started(**self._common(request, token, "open"), invite_token=token))
        return _done(request, token)

    async def press(self, posted: Posted) -> web.StreamResponse:
        request, token, facts = posted.request, posted.token, posted.facts
        payload = posted.form.get("payload", "")
        if not payload or len(payload) > 64:
            raise Refused(400, "web.refused.choice")
        shown = posted.form.get("message", "")
        await self._emit(ButtonPressed(**self._common(request, token), payload=payload,
                                       message_ref=shown or None))
        after = await self.store.facts(token)
        if shown.isdigit() and after is not None and _moved_on(facts, after):
            # Acted on: its buttons are spent (a refused press keeps them on the page).
            await self.store.clear_buttons(page_key(token), int(shown))
        return _done(request, token)

    async def text(self, posted: Posted) -> web.StreamResponse:
        request, token = posted.request, posted.token
        text = posted.form.get("text", "").strip()
        if len(text) > MAX_TEXT:
            raise Refused(413, "web.refused.too_long_text", max=MAX_TEXT)
        if text:
            await self._emit(TextReceived(**self._common(request, token), text=text))
        return _done(request, token)

    async def command(self, posted: Posted) -> web.StreamResponse:
        request, token = posted.request, posted.token
        name = posted.form.get("name", "")
        if name not in COMMANDS:
            raise Refused(400, "web.refused.command")
        await self._emit(CommandReceived(**self._common(request, token), name=name))
        return _done(request, token)

    async def move(self, posted: Posted) -> web.StreamResponse:
        request, token = posted.request, posted.token
        session = self.keys.session_of(request) or ""
        code = posted.form.get("code", "").strip()
        moved = code.isdigit() and await self.store.move(
            token, code, self.keys.session_hash(session), self.keys.move_code())
        if not moved:
            raise web.HTTPSeeOther(f"/i/{token}?code=wrong")
        log.info("web: interview link moved to another browser")
        raise web.HTTPSeeOther(f"/i/{token}")

    async def chunk(self, posted: Posted) -> web.StreamResponse:
        request, token = posted.request, posted.token
        recording, seq = request.query.get("rec", ""), request.query.get("seq", "")
        if not seq.isdigit():
            raise Refused(400, "web.refused.unreadable")
        await self.channel.uploads.put(page_key(token), recording, int(seq), await request.read())
        return harden(web.json_response({"stored": int(seq)}))

    async def finish(self, posted: Posted) -> web.StreamResponse:
        request, token, facts = posted.request, posted.token, posted.facts
        body = await _json(request)
        recording, count = str(body.get("rec", "")), body.get("count")
        if not isinstance(count, int):
            raise Refused(400, "web.refused.unreadable")
        async with self.channel.uploads.join(page_key(token), recording, count) as joined:
            if body.get("document") is True:
                return await self._document(posted, recording, joined, str(body.get("name", "")))
            found = await asyncio.to_thread(self.probe, joined.path)
        if found is None or not (found.has_audio or found.has_video):
            raise Refused(422, "web.refused.unplayable")
        kind = _kind(found.has_video, facts.formats)
        await self._emit(MediaReceived(
            **self._common(request, token, f"rec:{recording}"), kind=kind,
            file_ref=joined.ref, duration_s=found.duration_s,
            size_bytes=joined.size_bytes, mime=found.mime or "application/octet-stream",
            file_unique_id=joined.sha256))
        return harden(web.json_response({"saved": True, "sha256": joined.sha256}))

    async def _document(self, posted: Posted, recording: str, joined: Joined, name: str
                        ) -> web.StreamResponse:
        mime = await asyncio.to_thread(document_type, joined.path)
        if mime is None:
            raise Refused(422, "web.refused.document")
        await self._emit(MediaReceived(
            **self._common(posted.request, posted.token, f"rec:{recording}"),
            kind=MediaKind.DOCUMENT, file_ref=joined.ref,
            size_bytes=joined.size_bytes, mime=mime, file_unique_id=joined.sha256,
            file_name=Path(name).name[:200] or None))
        return harden(web.json_response({"saved": True, "sha256": joined.sha256}))

    # ---- helpers -------------------------------------------------------------------------

    def _answer(self, pages: Pages, request: web.Request, token: str, title: str, status: int,
                why: str) -> web.StreamResponse:
        if _wants_json(request):
            return harden(web.json_response({"ok": False, "why": why}, status=status))
        return _html(pages.refused(title, token, why), status)

    async def _facts(self, request: web.Request) -> tuple[str, Facts | None]:
        token = request.match_info.get("token", "")
        if not TOKEN.fullmatch(token):
            return token, None
        return token, await self.store.facts(token)

    async def _owns(self, request: web.Request, token: str) -> bool:
        session, binding = self.keys.session_of(request), await self.store.binding(token)
        return (session is not None and binding is not None
                and binding.session_hash == self.keys.session_hash(session))

    def _common(self, request: web.Request, token: str, key: str | None = None
                ) -> dict[str, Any]:
        language = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
        return {"event_id": f"web:{page_key(token)}:{key or uuid.uuid4().hex}",
                "occurred_at": self.clock(), "conversation": conversation_of(token),
                "language": language.strip()[:20] or None}

    async def _emit(self, event: Any) -> None:
        try:
            await self.channel.emit(event)
        except Exception as exc:
            log.exception("web: event %s could not be handled", event.event_id)
            raise Refused(503, "web.refused.try_again") from exc


def _moved_on(before: Facts, after: Facts) -> bool:
    return (before.phase, before.question_no) != (after.phase, after.question_no)


def _kind(has_video: bool, formats: tuple[str, ...]) -> MediaKind:
    if not has_video:
        return MediaKind.VOICE
    if "video" not in formats and "video_note" in formats:
        return MediaKind.VIDEO_NOTE  # a camera answer in the browser is the kit's video note
    return MediaKind.VIDEO


async def _form(request: web.Request) -> dict[str, str]:
    try:
        posted = await request.post()
    except ValueError as exc:  # a broken multipart body, bytes that are not text
        raise Refused(400, "web.refused.unreadable") from exc
    return {k: v for k, v in posted.items() if isinstance(v, str)}


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:  # not JSON, not UTF-8
        raise Refused(400, "web.refused.unreadable") from exc
    if not isinstance(body, dict):
        raise Refused(400, "web.refused.unreadable")
    return body


def _wants_json(request: web.Request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _done(request: web.Request, token: str) -> web.StreamResponse:
    if _wants_json(request):
        return harden(web.json_response({"ok": True}))
    raise web.HTTPSeeOther(f"/i/{token}")


def _html(body: str, status: int = 200) -> web.Response:
    response = web.Response(text=body, status=status, content_type="text/html")
    return harden(response)  # type: ignore[return-value]
