"""WhatsApp over the Cloud API with pywa (`pywa_async`): rate-limited sends, two-step media
downloads, and the inbound side fed by the webhook (`webhook.py`).

pywa fixes its Graph base URL to `https://graph.facebook.com/v<version>`; it takes our own
`httpx.AsyncClient`, whose transport (`GraphRoute`) sends those requests to WHATSAPP_API_URL
instead (a test fake, an on-premise proxy), and the version is taken from that URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pywa.types.templates import TemplateLanguage
from pywa_async.client import WhatsApp
from pywa_async.errors import WhatsAppError

from adapters.base import EventSink, SentMessage
from adapters.errors import (
    DeliveryFailed,
    MediaTooLarge,
    MediaUnavailable,
    OutsideReplyWindow,
    RecipientUnavailable,
)
from adapters.ratelimit import RateLimiter
from adapters.whatsapp.inbound import DeliveryStatus, Inbound
from adapters.whatsapp.render import CAPABILITIES, render
from conversations.events import ConversationRef, Event, Platform
from conversations.messages import RenderedMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
GRAPH_HOST = "graph.facebook.com"  # where pywa sends every call
VERSION = re.compile(r"/v(\d+\.\d+)/?$")
DEFAULT_VERSION = "21.0"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
StatusListener = Callable[[DeliveryStatus], Awaitable[None]]
# purpose -> (template name, its approved language codes; the first is the fallback)
Templates = Mapping[str, tuple[str, Sequence[str]]]
# Cloud API error codes (PLATFORMS.md 4.4, 4.5)
OUTSIDE_WINDOW = 131047  # re-engagement: more than 24 h since the user last wrote
PAIR_RATE = 131056  # too many messages to the same user in a short time
THROUGHPUT = frozenset({130429, 80007})  # the number's / the account's rate limits
UNDELIVERABLE = 131026  # the number is not on WhatsApp, or cannot receive this message


class NotStarted(RuntimeError):
    """A webhook arrived before the service gave the channel its sink (answered 503)."""


class GraphRoute(httpx.AsyncBaseTransport):
    """Sends pywa's `https://graph.facebook.com/v<ver>/<path>` to `<api_url>/<path>`; every
    other URL (media downloads name their own host) goes out unchanged."""

    def __init__(self, api_url: str, inner: httpx.AsyncBaseTransport | None = None) -> None:
        base = httpx.URL(api_url.rstrip("/"))
        self._base = base
        self._prefix = base.raw_path.rstrip(b"/")
        self._versioned = VERSION.search(api_url) is not None  # else keep pywa's segment
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == GRAPH_HOST:
            # drop pywa's version segment when the configured base carries its own
            path = request.url.raw_path.lstrip(b"/")
            rest = path.partition(b"/")[2] if self._versioned else path
            request.url = request.url.copy_with(
                scheme=self._base.scheme, host=self._base.host, port=self._base.port,
                raw_path=self._prefix + b"/" + rest,
            )
            request.headers["Host"] = self._base.netloc.decode("ascii")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def graph_version(api_url: str) -> str:
    """`https://graph.facebook.com/v21.0` -> `21.0` (pywa's default when the URL has none)."""
    match = VERSION.search(api_url)
    return match.group(1) if match else DEFAULT_VERSION


class WhatsAppChannel:
    """The candidate channel. `webhook.py` verifies and parses each POST and hands the result
    to `receive`; messages are sent through pywa, statuses reported to `on_status`."""

    platform = Platform.WHATSAPP
    capabilities = CAPABILITIES

    def __init__(
        self, token: str, phone_number_id: str, api_url: str, app_secret: str,
        limiter: RateLimiter, on_status: StatusListener | None = None,
        templates: Templates | None = None,
    ) -> None:
        if not app_secret:
            raise ValueError("WhatsApp needs WHATSAPP_APP_SECRET to check webhook signatures")
        self.phone_number_id = phone_number_id
        self._session = httpx.AsyncClient(transport=GraphRoute(api_url), timeout=TIMEOUT)
        # The app secret arms pywa's webhook signature validator (used by `webhook.py`).
        self.wa = WhatsApp(phone_id=phone_number_id, token=token, session=self._session,
                           api_version=graph_version(api_url), app_secret=app_secret,
                           validate_updates=True)
        self._limiter = limiter
        self._on_status = on_status
        self._templates = dict(templates or {})
        self._sink: EventSink | None = None

    async def start(self, sink: EventSink) -> None:
        self._sink = sink
        log.info("whatsapp: webhook at /whatsapp/webhook, phone number id %s",
                 self.phone_number_id)

    async def stop(self) -> None:
        self._sink = None
        await self._session.aclose()

    # -- inbound -------------------------------------------------------------------------

    async def receive(self, inbound: Inbound) -> None:
        """Statuses are reported; events go to the sink, chats in parallel, each chat's
        events in order. Raises when handling failed, so the webhook answers non-2xx and
        WhatsApp delivers the body again (handled events are skipped as duplicates)."""
        if self._sink is None:
            raise NotStarted("whatsapp channel not started")
        for status in inbound.statuses:
            await self._report(status)
        for what in inbound.ignored:
            log.info("whatsapp: ignored %s", what)
        by_chat: dict[str, list[Event]] = {}
        for event in inbound.events:
            by_chat.setdefault(event.conversation.key, []).append(event)
        await asyncio.gather(*(self._in_order(events) for events in by_chat.values()))

    async def _in_order(self, events: list[Event]) -> None:
        assert self._sink is not None
        for event in events:
            await self._sink(event)

    async def _report(self, status: DeliveryStatus) -> None:
        if status.status == "failed":
            # The recipient's number stays out of the log; the message id finds the row.
            log.warning("whatsapp: message %s failed: %s", status.message_id,
                        "; ".join(f"{code} {title}" for code, title in status.errors)
                        or "no reason given")
        else:
            log.debug("whatsapp: message %s %s", status.message_id, status.status)
        if self._on_status is not None:
            await self._on_status(status)

    # -- outbound ------------------------------------------------------------------------

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        out = render(message.text, message.buttons)
        await self._limiter.acquire(to.chat_id)
        sent = await _call(lambda: self.wa.send_message(
            to=to.chat_id, text=out.text, buttons=out.keyboard))
        return SentMessage(message_id=sent.id)

    def has_template(self, purpose: str) -> bool:
        return purpose in self._templates

    async def send_template(
        self, to: ConversationRef, purpose: str, params: Sequence[str],
        language: str | None = None,
    ) -> SentMessage:
        """The approved template for `purpose` (WHATSAPP_TEMPLATE_<PURPOSE>), its body
        parameters in order: what may reach a candidate outside the 24-hour window. In the
        candidate's `language` when the template is approved in it (`template_language`)."""
        name, languages = self._templates[purpose]
        language = template_language(languages, language)
        components: list[dict[str, Any]] | None = None
        if params:
            components = [{"type": "body", "parameters": [
                {"type": "text", "text": p} for p in params]}]
        await self._limiter.acquire(to.chat_id)
        sent = await _call(lambda: self.wa.send_template(
            to=to.chat_id, name=name, language=TemplateLanguage(language), params=components))
        return SentMessage(message_id=sent.id)

    async def edit(
        self, to: ConversationRef, message_id: str, message: RenderedMessage
    ) -> None:
        """WhatsApp cannot edit a message a business sent: the new version goes out as a
        new message below (a countdown's "time is over" arrives after the countdown, and the
        old message keeps its buttons; pressing one then is refused as stale)."""
        await self.send(to, message)

    async def download(self, file_ref: str) -> AsyncIterator[bytes]:
        """Two steps: the media id gives a short-lived URL and the size, checked before any
        byte is fetched; then the bytes, with the bearer token, streamed under the cap."""
        cap = CAPABILITIES.max_download_bytes or 0
        try:
            info = await self.wa.get_media_url(file_ref)
        except (WhatsAppError, httpx.HTTPError, KeyError) as exc:
            raise MediaUnavailable(f"whatsapp media {file_ref}: {_reason(exc)}") from exc
        if info.file_size and info.file_size > cap:
            raise MediaTooLarge(f"whatsapp media {file_ref}: {info.file_size} bytes")
        received, digest = 0, hashlib.sha256()
        try:
            async for chunk in self.wa.stream_media(info.url):
                received += len(chunk)
                if received > cap:
                    raise MediaTooLarge(f"whatsapp media {file_ref}: over {cap} bytes")
                digest.update(chunk)
                yield chunk
        except httpx.HTTPError as exc:
            raise MediaUnavailable(f"download of {file_ref} failed: {_reason(exc)}") from exc
        if info.sha256 and info.sha256 != digest.hexdigest():
            # Meta documents the field without its encoding: noted, not refused.
            log.info("whatsapp: media %s sha256 differs from the announced one", file_ref)


async def _call(make: Callable[[], Awaitable[T]]) -> T:
    """One Cloud API call, pywa's and httpx's errors mapped to ours: rate limits (by code or
    429), 5xx and the network may succeed later; a closed window needs a template; any other
    refusal will not succeed."""
    try:
        return await make()
    except WhatsAppError as exc:
        mapped = _by_code(exc)
        if mapped is not None:
            raise mapped from exc
        status = exc.status_code
        if status == 429 or (status is not None and status >= 500):
            raise DeliveryFailed(f"whatsapp {status}: {_reason(exc)}",
                                 retry_after=_retry_after(exc)) from exc
        raise RecipientUnavailable(f"whatsapp refused ({status}): {_reason(exc)}") from exc
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"whatsapp transient error: {_reason(exc)}") from exc


def _by_code(exc: WhatsAppError) -> Exception | None:
    code = exc.code
    if code == OUTSIDE_WINDOW:
        return OutsideReplyWindow(f"whatsapp: {_reason(exc)}")
    if code == PAIR_RATE or code in THROUGHPUT:
        return DeliveryFailed(f"whatsapp rate limit: {_reason(exc)}",
                              retry_after=_retry_after(exc), throttled=True)
    if code == UNDELIVERABLE:
        return RecipientUnavailable(f"whatsapp: undeliverable: {_reason(exc)}")
    return None


def template_language(approved: Sequence[str], wanted: str | None) -> str:
    """`wanted` itself (`es`, `pt-BR` written as `pt_BR`), else the approved code of the same
    language (`es` for `es_MX` and the other way round), else the first approved one."""
    if wanted:
        wanted = wanted.replace("-", "_")
        base = wanted.split("_", 1)[0].lower()
        for code in approved:
            if code.lower() == wanted.lower():
                return code
        for code in approved:
            if code.split("_", 1)[0].lower() == base:
                return code
    return approved[0]


def _retry_after(exc: WhatsAppError) -> float | None:
    response = exc.raw_response
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    """What went wrong, without request bodies or headers (they hold the token and texts)."""
    if isinstance(exc, WhatsAppError):
        return f"error {exc.code}: {exc.message}"
    return type(exc).__name__ + (f": {exc}" if isinstance(exc, httpx.HTTPStatusError) else "")
