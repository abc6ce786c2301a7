"""Fake WhatsApp Cloud API (Graph API) on loopback, for tests (PLATFORMS.md 4 and 5.3).

Serves what the bot calls, over real HTTP, with the bearer token checked on every call:
`POST /<version>/<phone id>/messages` (validated like the real API: 4 buttons, a 21-character
title or an empty body are refused with its error shape), `GET /<version>/<media id>` (the
media URL, size and hash) and `GET /media/<id>` (the bytes). It pushes webhooks to the bot,
signed with the app secret like Meta's (`X-Hub-Signature-256`), or badly signed on demand:
user messages (see `user.py`) and the statuses of each message it accepted. It keeps the
24-hour window (`window.py`): a free-form message outside it is accepted and then reported
`failed` with error 131047, as Meta does; approved `templates` go out at any time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from tests.fakes.whatsapp.user import FakeWhatsAppUser
from tests.fakes.whatsapp.validation import Refused, validate_message
from tests.fakes.whatsapp.window import ServiceWindow

T = TypeVar("T")
JsonDict = dict[str, Any]


@dataclass
class Sent:
    """A message the bot sent (accepted by the API)."""

    id: str
    to: str
    payload: JsonDict

    @property
    def text(self) -> str:
        """The text; a template shows as `template:<name> <parameter> | <parameter>`."""
        if self.payload.get("type") == "interactive":
            return str(self.payload["interactive"]["body"]["text"])
        if self.template is not None:
            params = [p["text"] for c in self.payload["template"].get("components") or []
                      for p in c.get("parameters") or []]
            return f"template:{self.template} " + " | ".join(params)
        return str(self.payload.get("text", {}).get("body", ""))

    @property
    def template(self) -> str | None:
        if self.payload.get("type") != "template":
            return None
        return str(self.payload["template"]["name"])

    @property
    def options(self) -> list[tuple[str, str, str]]:
        """(kind, title, id) of its reply buttons ("button") or list rows ("list")."""
        interactive = self.payload.get("interactive") or {}
        action = interactive.get("action") or {}
        if interactive.get("type") == "button":
            return [("button", b["reply"]["title"], b["reply"]["id"]) for b in action["buttons"]]
        if interactive.get("type") == "list":
            return [("list", r["title"], r["id"])
                    for s in action["sections"] for r in s["rows"]]
        return []


@dataclass
class Delivery:
    """One webhook POST the fake made to the bot, with the bot's answer."""

    body: bytes
    status: int
    text: str


@dataclass
class Media:
    id: str
    content: bytes
    mime: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class FakeWhatsApp:
    token: str = "EAAfake-whatsapp-token"
    phone_number_id: str = "109876543210"
    display_number: str = "15550001234"
    app_secret: str = "fake-app-secret"
    version: str = "v21.0"
    waba_id: str = "102290129340398"
    push_statuses: tuple[str, ...] = ("sent", "delivered")
    window: ServiceWindow = field(default_factory=ServiceWindow)
    # name: (its approved languages, comma-separated, number of body parameters)
    templates: dict[str, tuple[str, int]] = field(default_factory=dict)
    webhook_url: str | None = None
    sent: list[Sent] = field(default_factory=list)
    outside_window: list[Sent] = field(default_factory=list)  # free-form, refused with 131047
    undelivered_statuses: list[JsonDict] = field(default_factory=list)  # the bot was gone
    refused: list[tuple[JsonDict, Refused]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    calls: list[tuple[str, str, bool]] = field(default_factory=list)  # method, path, authorized
    _send_faults: list[tuple[int, float | None, int]] = field(default_factory=list)
    _fail_next_status: tuple[int, str] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _cond: asyncio.Condition = field(default_factory=asyncio.Condition)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None
    port: int = 0

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> FakeWhatsApp:
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_get("/media/{media_id}", self._download)  # before /{version}/{id}
        app.router.add_post("/{version}/{phone_id}/messages", self._messages)
        app.router.add_get("/{version}/{media_id}", self._media_info)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What WHATSAPP_API_URL is set to."""
        return f"{self.base_url}/{self.version}"

    # -- control -------------------------------------------------------------------------

    def user(self, wa_id: str, name: str = "Test User") -> FakeWhatsAppUser:
        """The script client of one candidate (their WhatsApp id is their number)."""
        return FakeWhatsAppUser(self, wa_id, name)

    def add_media(self, content: bytes, mime: str) -> Media:
        media = Media(f"{next(self._ids) + 7_000_000_000_000}", content, mime)
        self.media[media.id] = media
        return media

    def fail_next_sends(self, status: int, count: int = 1, retry_after: float | None = None,
                        code: int | None = None) -> None:
        """The next `count` sends get HTTP `status` with error `code` (default: the status):
        429/5xx or a rate-limit code (131056, 130429, 80007): retry; other 4xx: refused."""
        self._send_faults.extend([(status, retry_after, code or status)] * count)

    def fail_next_status(self, code: int = 131026, title: str = "Message undeliverable") -> None:
        """The next accepted message is followed by a `failed` status webhook."""
        self._fail_next_status = (code, title)

    def messages_to(self, wa_id: str) -> list[Sent]:
        return [s for s in self.sent if s.to == wa_id]

    async def wait_until(self, probe: Callable[[], T | None], timeout: float = 10.0,
                         what: str = "condition") -> T:
        box: list[T] = []

        def ready() -> bool:
            value = probe()
            if value is None or value is False:
                return False
            box.append(value)
            return True

        try:
            async with asyncio.timeout(timeout), self._cond:
                await self._cond.wait_for(ready)
        except TimeoutError:
            raise AssertionError(f"FakeWhatsApp: no {what} within {timeout}s") from None
        return box[-1]

    async def _changed(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    # -- webhooks to the bot -------------------------------------------------------------

    def envelope(self, value: JsonDict) -> JsonDict:
        value = {"messaging_product": "whatsapp",
                 "metadata": {"display_phone_number": self.display_number,
                              "phone_number_id": self.phone_number_id}, **value}
        return {"object": "whatsapp_business_account",
                "entry": [{"id": self.waba_id, "changes": [{"field": "messages",
                                                            "value": value}]}]}

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()

    async def push(self, value: JsonDict, *, signature: str | None = "good") -> Delivery:
        """POST one envelope to the bot. `signature`: "good", None (header missing) or any
        other text, sent as the header as it is."""
        body = json.dumps(self.envelope(value)).encode()
        if signature == "good":
            self.window.heard(value)
        return await self.post_raw(body, signature=signature)

    async def post_raw(self, body: bytes, *, signature: str | None = "good") -> Delivery:
        assert self._session is not None and self.webhook_url, "set fake.webhook_url first"
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = self.sign(body) if signature == "good" else signature
        async with self._session.post(self.webhook_url, data=body, headers=headers) as resp:
            delivery = Delivery(body, resp.status, await resp.text())
        self.deliveries.append(delivery)
        await self._changed()
        return delivery

    async def verify(self, token: str, *, mode: str = "subscribe",
                     challenge: str = "1158201444") -> tuple[int, str, str]:
        """Meta's GET handshake: (status, body, content type)."""
        assert self._session is not None and self.webhook_url
        params = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
        async with self._session.get(self.webhook_url, params=params) as resp:
            return resp.status, await resp.text(), resp.content_type

    async def _push_statuses(self, sent: Sent, failure: tuple[int, str] | None) -> None:
        statuses: list[JsonDict] = [
            {"id": sent.id, "status": s, "timestamp": str(int(self.window.now())),
             "recipient_id": sent.to} for s in self.push_statuses]
        if failure is not None:
            now = str(int(self.window.now()))
            statuses = [{"id": sent.id, "status": "failed", "timestamp": now,
                         "recipient_id": sent.to,
                         "errors": [{"code": failure[0], "title": failure[1]}]}]
        for status in statuses:
            try:
                await self.push({"statuses": [status]})
            except aiohttp.ClientError:  # the bot stopped meanwhile (Meta would retry later)
                self.undelivered_statuses.append(status)

    # -- the Graph API -------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        ok = request.headers.get("Authorization") == f"Bearer {self.token}"
        self.calls.append((request.method, request.path, ok))
        return ok

    @staticmethod
    def _unauthorized() -> web.Response:
        return web.json_response({"error": {"message": "Invalid OAuth access token.",
                                            "type": "OAuthException", "code": 190,
                                            "fbtrace_id": "AfakeTraceId"}}, status=401)

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized()
        if request.match_info["phone_id"] != self.phone_number_id:
            return web.json_response({"error": {"message": "Unsupported post request",
                                                "type": "GraphMethodException", "code": 100}},
                                     status=400)
        if self._send_faults:
            status, retry_after, code = self._send_faults.pop(0)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return web.json_response({"error": {"message": "fault injected", "code": code,
                                                "type": "OAuthException"}},
                                     status=status, headers=headers)
        data = await request.json()
        try:
            kind = validate_message(data, self.templates)
        except Refused as refusal:
            self.refused.append((data, refusal))
            await self._changed()
            return web.json_response(refusal.body(), status=400)
        sent = Sent(f"wamid.FAKE{next(self._ids):012d}", str(data["to"]), data)
        failure, self._fail_next_status = self._fail_next_status, None
        if self.window.allows(sent.to, kind):
            self.sent.append(sent)
        else:  # accepted, then reported failed (Meta: re-engagement message)
            self.outside_window.append(sent)
            failure = (131047, "Re-engagement message")
        if self.webhook_url and (self.push_statuses or failure):
            task = asyncio.create_task(self._push_statuses(sent, failure))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await self._changed()
        return web.json_response({"messaging_product": "whatsapp",
                                  "contacts": [{"input": sent.to, "wa_id": sent.to}],
                                  "messages": [{"id": sent.id}]})

    async def _media_info(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized()
        media = self.media.get(request.match_info["media_id"])
        if media is None or request.match_info["version"] != self.version:
            return web.json_response({"error": {"message": "Unsupported get request",
                                                "type": "GraphMethodException", "code": 100}},
                                     status=400)
        return web.json_response({
            "messaging_product": "whatsapp", "id": media.id, "mime_type": media.mime,
            "sha256": media.sha256, "file_size": len(media.content),
            "url": f"{self.base_url}/media/{media.id}?ext=1&hash=fake",
        })

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            # The real CDN answers a missing token with an HTML page, not the file.
            return web.Response(status=401, text="<html>login</html>", content_type="text/html")
        media = self.media.get(request.match_info["media_id"])
        if media is None:
            return web.Response(status=404)
        return web.Response(body=media.content, content_type=media.mime.split(";")[0])
