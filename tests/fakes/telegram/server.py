
"""Fake Telegram Bot API server for tests (aiohttp, loopback, ephemeral port).

The real bot talks to it over HTTP (aiogram: ``TelegramAPIServer.from_base(fake.base_url)``).
Tests drive simulated users through :meth:`FakeTelegram.user` (see ``client.py``) and assert on
what the bot did via :attr:`FakeTelegram.calls`, the per-chat message store, callback answers,
webhook deliveries, etc.  See PLATFORMS.md sections 1 and 5.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.message
import email.parser
import io
import json
import math
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from tests.fakes.telegram.client import FakeUser

T = TypeVar("T")

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

#: Methods that count as "sending to a chat" for the 429-storm rate limiter.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendVoice",
        "sendVideoNote",
        "sendVideo",
        "sendDocument",
        "sendAudio",
        "sendPhoto",
        "sendAnimation",
        "copyMessage",
        "forwardMessage",
    }
)

#: Update types delivered when ``allowed_updates`` is not set (or set to ``[]``).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# kind -> (folder for file_path, default extension, default mime type)
_FILE_KINDS: dict[str, tuple[str, str, str | None]] = {
    "voice": ("voice", "oga", "audio/ogg"),
    "video_note": ("video_notes", "mp4", None),
    "video": ("videos", "mp4", "video/mp4"),
    "audio": ("music", "mp3", "audio/mpeg"),
    "document": ("documents", "bin", "application/octet-stream"),
    "photo": ("photos", "jpg", None),
    "sticker": ("stickers", "webp", None),
    "animation": ("animations", "mp4", "video/mp4"),
}


class TelegramAPIError(Exception):
    """Raised inside method handlers; rendered as a Telegram-shaped error response."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(description: str) -> TelegramAPIError:
    return TelegramAPIError(400, f"Bad Request: {description}")


@dataclass
class BotCall:
    """One request the bot made to the fake (recorded before faults are applied)."""

    method: str
    params: dict[str, Any]
    time: float
    files: dict[str, bytes] = field(default_factory=dict)
    http_method: str = "POST"
    status: int | None = None
    response: dict[str, Any] | None = None
    via: str = "http"  # "http" or "webhook_response"


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_size: int
    mime_type: str | None = None
    file_name: str | None = None
    file_path: str | None = None


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str | None
    time: float
    answered: bool = False
    answer: dict[str, Any] | None = None
    answered_at: float | None = None


@dataclass
class WebhookDelivery:
    update_id: int
    attempt: int
    url: str
    status: int | None
    error: str | None
    time: float
    secret_token: str | None = None


@dataclass
class _Fault:
    remaining: int
    status: int | str
    retry_after: int | None
    methods: frozenset[str] | None
    description: str | None
    hold: float
    apply: bool


@dataclass
class _RateLimit:
    per_chat_interval: float | None
    burst: int
    global_per_second: float | None
    retry_after: int | None
    probability: float | None
    rng: random.Random
    methods: frozenset[str]
    chat_tokens: dict[int | str, tuple[float, float]] = field(default_factory=dict)
    global_sent: list[float] = field(default_factory=list)


@dataclass
class _Pending:
    update: dict[str, Any]
    returned: bool = False
    redelivery: bool = False
    attempts: int = 0


@dataclass
class ChatState:
    chat: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    bot_message_ids: list[int] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)
    edits: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (message_id, snapshot)
    next_message_id: int = 1

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid


class _Params:
    """Request parameters from a query string, JSON, urlencoded or multipart body."""

    def __init__(self, values: dict[str, Any], files: dict[str, tuple[bytes, str | None]]):
        self.values = values
        self.files = files

    def has(self, key: str) -> bool:
        return key in self.values and self.values[key] not in (None, "")

    def str_(self, key: str, default: str | None = None) -> str | None:
        value = self.values.get(key)
        if value is None:
            return default
        return value if isinstance(value, str) else str(value)

    def required(self, key: str) -> Any:
        if not self.has(key):
            raise _bad_request(f"{_missing_name(key)} is empty")
        return self.values[key]

    def int_(self, key: str, default: int | None = None) -> int | None:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            try:
                return int(float(str(value)))
            except ValueError:
                raise _bad_request(f"invalid {key} specified") from None

    def bool_(self, key: str, default: bool = False) -> bool:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1", "yes")

    def json_(self, key: str) -> Any:
        value = self.values.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise _bad_request(f"can't parse {key} JSON object") from None
        return value

    def chat_id(self) -> int | str:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise _bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        text = str(value)
        try:
            return int(text)
        except ValueError:
            return text

    def file(self, key: str) -> tuple[bytes, str | None] | str | None:
        """An uploaded file (bytes, filename), or a file_id / URL string, or None."""
        if key in self.files:
            return self.files[key]
        value = self.values.get(key)
        if value is None or value == "":
            return None
        text = str(value)
        if text.startswith("attach://"):
            ref = text[len("attach://") :]
            if ref in self.files:
                return self.files[ref]
            raise _bad_request(f"file {ref!r} must be uploaded as a multipart part")
        return text


def _missing_name(key: str) -> str:
    return {"text": "message text", "callback_query_id": "query_id"}.get(key, key)


# ---------------------------------------------------------------------------------------------
# formatting (parse_mode) checks: enough to catch unescaped user text sent with HTML/MarkdownV2
# ---------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "br",
    }
)


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        if tag not in _HTML_TAGS or tag == "br":
            self.error = f'Unsupported start tag "{tag}"'
            return
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.error:
            return
        if not self.stack or self.stack[-1] != tag:
            self.error = f'Unexpected end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def _parse_html(text: str) -> str:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error:
        raise _bad_request(f"can't parse entities: {parser.error}")
    return "".join(parser.out)


_MDV2_FORMAT = "*_~|`"
_MDV2_RESERVED_PLAIN = ".!-=+#{}>()"


def _parse_markdown_v2(text: str) -> str:
    out: list[str] = []
    i = 0
    in_code = False
    link_depth = 0
    line_start = True
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            line_start = False
            continue
        if ch == "`":
            in_code = not in_code
        elif in_code:
            out.append(ch)
        elif ch in _MDV2_FORMAT:
            pass
        elif ch == "[":
            link_depth += 1
        elif ch == "]" and link_depth:
            link_depth -= 1
            if text[i + 1 : i + 2] == "(":
                end = text.find(")", i + 2)
                if end < 0:
                    raise _bad_request("can't parse entities: Can't find end of a URL")
                i = end + 1
                line_start = False
                continue
        elif ch == ">" and line_start:
            pass
        elif ch in _MDV2_RESERVED_PLAIN or ch == "]":
            raise _bad_request(
                f"can't parse entities: Character '{ch}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        else:
            out.append(ch)
        line_start = ch == "\n"
        i += 1
    if in_code:
        raise _bad_request("can't parse entities: Can't find end of Code entity")
    return "".join(out)


def _apply_parse_mode(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return re.sub(r"[*_`]", "", text)
    return text


def _validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate; return the markup to store on the message (inline keyboards only)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad_request("can't parse inline keyboard button: Text must be a String")
                if not button["text"]:
                    raise _bad_request("inline keyboard button text must be non-empty")
                actions = [
                    k
                    for k in (
                        "callback_data",
                        "url",
                        "web_app",
                        "login_url",
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "switch_inline_query_chosen_chat",
                        "copy_text",
                        "callback_game",
                        "pay",
                    )
                    if k in button
                ]
                if not actions:
                    raise _bad_request("text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str):
                        raise _bad_request("BUTTON_DATA_INVALID")
                    size = len(data.encode("utf-8"))
                    if size < 1 or size > MAX_CALLBACK_DATA_BYTES:
                        raise _bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not re.match(r"^(https?|tg)://", str(button["url"])):
                    raise _bad_request("inline keyboard button URL is invalid")
        return markup
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return None
    raise _bad_request("can't parse reply keyboard markup JSON object")


def probe_media(data: bytes) -> dict[str, int]:
    """Best-effort duration/width/height of a media blob with PyAV (empty dict on failure)."""
    info: dict[str, int] = {}
    try:
        import av  # local import: only media tests need it

        container: Any
        with av.open(io.BytesIO(data)) as container:
            seconds: float | None = None
            if container.duration is not None:
                seconds = container.duration / 1_000_000
            for stream in container.streams:
                if seconds is None and stream.duration is not None and stream.time_base:
                    seconds = float(stream.duration * stream.time_base)
                if stream.type == "video" and "width" not in info:
                    ctx: Any = stream.codec_context
                    info["width"] = int(ctx.width or 0)
                    info["height"] = int(ctx.height or 0)
            if seconds is not None:
                info["duration"] = max(1, round(seconds)) if seconds > 0 else 0
    except Exception:
        return info
    return info


class FakeTelegram:
    """A fake Telegram Bot API server.

    ``async with FakeTelegram() as fake: ...`` or ``await fake.start()`` / ``await fake.stop()``.
    """

    def __init__(
        self,
        token: str = "123456789:TEST-fake-telegram-token",
        *,
        bot_username: str = "interview_test_bot",
        bot_first_name: str = "Interview Bot",
        bot_id: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        webhook_max_attempts: int = 5,
        webhook_retry_delays: Iterable[float] = (0.05, 0.1, 0.2, 0.4),
        webhook_timeout: float = 10.0,
        default_hold: float = 120.0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.bot_id = bot_id if bot_id is not None else int(token.split(":", 1)[0])
        self.host = host
        self._port = port
        self.clock = clock
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_retry_delays = tuple(webhook_retry_delays) or (0.05,)
        self.webhook_timeout = webhook_timeout
        self.default_hold = default_hold

        self.calls: list[BotCall] = []
        self.chats: dict[int | str, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.blocked_users: set[int] = set()
        self.updates: dict[int, dict[str, Any]] = {}  # every update ever emitted, by update_id
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_failures: list[int] = []  # update_ids dropped after max attempts
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.allowed_updates: list[str] | None = None
        self.last_webhook_error: tuple[int, str] | None = None
        self.webhook_reply_errors: list[str] = []

        self._pending: list[_Pending] = []
        self._next_update_id = 100_000_001
        self._file_seq = 0
        self._callback_seq = 0
        self._poll_generation = 0
        self._faults: list[_Fault] = []
        self._rate_limit: _RateLimit | None = None
        self._event = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._users: dict[int, FakeUser] = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def api_url(self) -> str:
        """``{base}/bot{token}`` (the prefix of every method URL)."""
        return f"{self.base_url}/bot{self.token}"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        self._closing.set()
        self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[], T | None], timeout: float = 10.0, what: str = "condition"
    ) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every state change); return it.

        Raises ``TimeoutError`` after ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._event
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[BotCall], bool] | None = None,
        timeout: float = 10.0,
        start: int = 0,
    ) -> BotCall:
        """Wait for a recorded call of ``method`` (index >= ``start`` in :attr:`calls`)."""

        def find() -> BotCall | None:
            for call in self.calls[start:]:
                if (
                    call.method == method
                    and call.status is not None
                    and (predicate is None or predicate(call))
                ):
                    return call
            return None

        return await self.wait_for(find, timeout, what=f"a {method} call")

    def calls_to(self, method: str) -> list[BotCall]:
        return [c for c in self.calls if c.method == method]

    # ------------------------------------------------------------------ users, chats, updates

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """The script client for one simulated user (private chat id == user id)."""
        from tests.fakes.telegram.client import FakeUser

        if user_id in self._users:
            return self._users[user_id]
        user = FakeUser(
            self,
            user_id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._users[user_id] = user
        return user

    def ensure_chat(self, chat: dict[str, Any]) -> ChatState:
        chat_id = chat["id"]
        state = self.chats.get(chat_id)
        if state is None:
            state = ChatState(chat=dict(chat))
            self.chats[chat_id] = state
        return state

    def chat(self, chat_id: int | str) -> ChatState:
        return self.chats[chat_id]

    def block_user(self, user_id: int, blocked: bool = True) -> None:
        """Make sends to this user's private chat fail with 403 "bot was blocked by the user"."""
        if blocked:
            self.blocked_users.add(user_id)
        else:
            self.blocked_users.discard(user_id)

    def next_update_id(self) -> int:
        uid = self._next_update_id
        self._next_update_id += 1
        return uid

    def inject_raw_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (JSON dict) for the bot. Assigns ``update_id`` if missing."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self.next_update_id()
        else:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self._learn_from_update(update)
        self.updates[update["update_id"]] = update
        self._pending.append(_Pending(update=update))
        self._after_enqueue()
        return update

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Deliver an already emitted update again (same update_id), e.g. for idempotency tests."""
        update = copy.deepcopy(self.updates[update_id])
        self._pending.append(_Pending(update=update, redelivery=True))
        self._after_enqueue()
        return update

    @property
    def pending_update_count(self) -> int:
        return len(self._pending)

    def _after_enqueue(self) -> None:
        if self.webhook_url is not None:
            self._ensure_webhook_worker()
        self._notify()

    def _learn_from_update(self, update: dict[str, Any]) -> None:
        for key in ("message", "edited_message", "channel_post"):
            msg = update.get(key)
            if isinstance(msg, dict) and isinstance(msg.get("chat"), dict):
                state = self.ensure_chat(msg["chat"])
                mid = msg.get("message_id")
                if isinstance(mid, int) and mid not in state.messages:
                    state.messages[mid] = msg
                    state.order.append(mid)
                    state.next_message_id = max(state.next_message_id, mid + 1)
        cq = update.get("callback_query")
        if isinstance(cq, dict) and cq.get("id") not in self.callback_queries:
            msg = cq.get("message") or {}
            self.callback_queries[str(cq["id"])] = CallbackRecord(
                id=str(cq["id"]),
                user_id=int(cq["from"]["id"]),
                chat_id=(msg.get("chat") or {}).get("id"),
                message_id=msg.get("message_id"),
                data=cq.get("data"),
                time=self.clock(),
            )

    def new_file(
        self,
        data: bytes,
        kind: str = "document",
        *,
        file_size: int | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Register bytes so ``getFile`` + download serve them. ``file_size`` may be overridden."""
        self._file_seq += 1
        n = self._file_seq
        stored = StoredFile(
            file_id=f"FAKE{kind.upper()}-{n:06d}-{self.bot_id}",
            file_unique_id=f"uniq{kind[:2]}{n:06d}",
            kind=kind,
            data=data,
            file_size=len(data) if file_size is None else file_size,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        return stored

    def unanswered_callback_queries(self) -> list[CallbackRecord]:
        return [r for r in self.callback_queries.values() if not r.answered]

    def expire_file_links(self) -> None:
        """Invalidate all download links; the bot must call getFile again."""
        for stored in self.files.values():
            stored.file_path = None

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        n: int = 1,
        status: int | str = 429,
        retry_after: int | None = 1,
        methods: Iterable[str] | None = None,
        *,
        description: str | None = None,
        hold: float | None = None,
        apply: bool = False,
    ) -> None:
        """Fail the next ``n`` matching calls.

        ``status``: 429 (with ``parameters.retry_after``), any 4xx/5xx, or ``"timeout"`` which
        holds the request ``hold`` seconds (default ``default_hold``; released when the client
        disconnects) and then answers normally.  With ``apply=True`` a timed-out call takes effect
        before the hold (response lost: the classic duplicate-send scenario).
        """
        self._faults.append(
            _Fault(
                remaining=n,
                status=status,
                retry_after=retry_after if status == 429 else None,
                methods=frozenset(methods) if methods is not None else None,
                description=description,
                hold=self.default_hold if hold is None else hold,
                apply=apply,
            )
        )

    def timeout_next(
        self,
        n: int = 1,
        methods: Iterable[str] | None = None,
        hold: float | None = None,
        apply: bool = False,
    ) -> None:
        self.fail_next(n, "timeout", None, methods, hold=hold, apply=apply)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._rate_limit = None

    def rate_limit(
        self,
        per_chat_interval: float | None = 1.0,
        *,
        burst: int = 1,
        global_per_second: float | None = None,
        retry_after: int | None = None,
        probability: float | None = None,
        seed: int = 0,
        methods: Iterable[str] = SEND_METHODS,
    ) -> None:
        """Enable "429 storm" mode (deterministic for a given clock / seed).

        * per chat: token bucket with ``burst`` tokens refilled at ``1/per_chat_interval``; a
          send without a token gets 429 with ``retry_after`` (default: time until a token, ceil).
        * ``global_per_second``: more accepted sends than this in the last second -> 429.
        * ``probability``: additionally fail each send with this probability (seeded RNG).
        Rejected sends do not consume tokens.  ``rate_limit(None)`` with no other limit = off.
        """
        self._rate_limit = _RateLimit(
            per_chat_interval=per_chat_interval,
            burst=max(1, burst),
            global_per_second=global_per_second,
            retry_after=retry_after,
            probability=probability,
            rng=random.Random(seed),
            methods=frozenset(methods),
        )

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.methods is None or method in fault.methods:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _check_rate_limit(self, method: str, params: _Params) -> None:
        rl = self._rate_limit
        if rl is None or method not in rl.methods:
            return
        now = self.clock()
        try:
            chat_key: int | str | None = params.chat_id()
        except TelegramAPIError:
            chat_key = None
        if rl.probability is not None and rl.rng.random() < rl.probability:
            raise _too_many(rl.retry_after or 1)
        if rl.global_per_second is not None:
            rl.global_sent = [t for t in rl.global_sent if now - t < 1.0]
            if len(rl.global_sent) >= rl.global_per_second:
                wait = 1.0 - (now - rl.global_sent[0])
                raise _too_many(rl.retry_after or max(1, math.ceil(wait)))
        if rl.per_chat_interval and chat_key is not None:
            rate = 1.0 / rl.per_chat_interval
            tokens, last = rl.chat_tokens.get(chat_key, (float(rl.burst), now))
            tokens = min(float(rl.burst), tokens + (now - last) * rate)
            if tokens < 1.0:
                rl.chat_tokens[chat_key] = (tokens, now)
                wait = (1.0 - tokens) / rate
                raise _too_many(rl.retry_after or max(1, math.ceil(wait)))
            rl.chat_tokens[chat_key] = (tokens - 1.0, now)
        if rl.global_per_second is not None:
            rl.global_sent.append(now)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _read_params(self, request: web.Request) -> _Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[bytes, str | None]] = {}
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    values.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.file.read(), value.filename)
                    else:
                        values[key] = value
        return _Params(values, files)

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params = await self._read_params(request)
        except (ValueError, json.JSONDecodeError):
            err = _bad_request("can't parse request body")
            return web.json_response(err.payload(), status=err.status)
        status, body = await self._dispatch(
            request.match_info["method"], params, http_method=request.method
        )
        return web.json_response(body, status=status)

    async def _dispatch(
        self, method_name: str, params: _Params, *, http_method: str = "POST", via: str = "http"
    ) -> tuple[int, dict[str, Any]]:
        handler_name = _METHOD_INDEX.get(method_name.lower())
        method = handler_name or method_name
        call = BotCall(
            method=method,
            params=_recordable(params.values),
            time=self.clock(),
            files={k: v[0] for k, v in params.files.items()},
            http_method=http_method,
            via=via,
        )
        self.calls.append(call)
        self._notify()
        try:
            fault = self._take_fault(method)
            if fault is not None and fault.status == "timeout":
                if not fault.apply:
                    await self._hold(fault.hold)
                    fault = None
                else:
                    status, body = await self._run_method(handler_name, params)
                    await self._hold(fault.hold)
                    return self._finish(call, status, body)
            if fault is not None:
                code = int(fault.status)
                raise TelegramAPIError(
                    code,
                    fault.description or _default_description(code, fault.retry_after),
                    fault.retry_after,
                )
            self._check_rate_limit(method, params)
            status, body = await self._run_method(handler_name, params)
        except TelegramAPIError as err:
            status, body = err.status, err.payload()
        return self._finish(call, status, body)

    def _finish(
        self, call: BotCall, status: int, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        call.status = status
        call.response = body
        self._notify()
        return status, body

    async def _run_method(
        self, handler_name: str | None, params: _Params
    ) -> tuple[int, dict[str, Any]]:
        if handler_name is None:
            raise TelegramAPIError(404, "Not Found")
        try:
            result = await getattr(self, "_m_" + handler_name)(params)
        except TelegramAPIError as err:
            return err.status, err.payload()
        return 200, {"ok": True, "result": result}

    async def _hold(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # ------------------------------------------------------------------ webhook delivery

    def _ensure_webhook_worker(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())

    async def _webhook_worker(self) -> None:
        while self.webhook_url is not None and not self._closing.is_set():
            entry = self._next_deliverable()
            if entry is None:
                event = self._event
                if self._next_deliverable() is None and self.webhook_url is not None:
                    await event.wait()
                continue
            url, secret = self.webhook_url, self.webhook_secret
            entry.attempts += 1
            status, error = await self._post_update(url, secret, entry.update)
            self.webhook_deliveries.append(
                WebhookDelivery(
                    update_id=entry.update["update_id"],
                    attempt=entry.attempts,
                    url=url,
                    status=status,
                    error=error,
                    time=self.clock(),
                    secret_token=secret,
                )
            )
            if status is not None and 200 <= status < 300:
                if entry in self._pending:
                    self._pending.remove(entry)
            else:
                self.last_webhook_error = (
                    int(self.clock()),
                    error or f"Wrong response from the webhook: {status}",
                )
                if entry.attempts >= self.webhook_max_attempts:
                    if entry in self._pending:
                        self._pending.remove(entry)
                    self.webhook_failures.append(entry.update["update_id"])
                else:
                    delays = self.webhook_retry_delays
                    await self._hold(delays[min(entry.attempts - 1, len(delays) - 1)])
            self._notify()

    def _next_deliverable(self) -> _Pending | None:
        for entry in list(self._pending):
            if self._allowed(entry.update):
                return entry
            self._pending.remove(entry)
        return None

    async def _post_update(
        self, url: str, secret: str | None, update: dict[str, Any]
    ) -> tuple[int | None, str | None]:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        try:
            async with self._session.post(
                url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                body = await resp.read()
                if 200 <= resp.status < 300 and body:
                    try:
                        await self._webhook_reply(resp.headers.get("Content-Type", ""), body)
                    except Exception as exc:  # a broken reply must not kill delivery
                        self.webhook_reply_errors.append(repr(exc))
                return resp.status, None
        except (aiohttp.ClientError, TimeoutError) as exc:
            return None, f"Connection failed: {type(exc).__name__}: {exc}"

    async def _webhook_reply(self, content_type: str, body: bytes) -> None:
        """Execute a method returned in the webhook response body (Bot API feature)."""
        values: dict[str, Any] = {}
        files: dict[str, tuple[bytes, str | None]] = {}
        if content_type.startswith("application/json"):
            with contextlib.suppress(ValueError):
                parsed = json.loads(body)
                if isinstance(parsed, dict):
                    values = parsed
        elif content_type.startswith("multipart/form-data"):
            envelope = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
            parsed_mail = email.parser.BytesParser().parsebytes(envelope)
            for part in parsed_mail.get_payload() if parsed_mail.is_multipart() else []:
                if not isinstance(part, email.message.Message):
                    continue
                name = part.get_param("name", header="content-disposition")
                if not isinstance(name, str):
                    continue
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                filename = part.get_filename()
                if filename:
                    files[name] = (data, filename)
                else:
                    values[name] = data.decode("utf-8")
        method = values.pop("method", None)
        if isinstance(method, str) and method:
            await self._dispatch(method, _Params(values, files), via="webhook_response")

    # ------------------------------------------------------------------ helpers for methods

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = [k for k in update if k != "update_id"]
        kind = kinds[0] if kinds else ""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    def _chat_for_send(self, params: _Params) -> ChatState:
        chat_id = params.chat_id()
        state = self.chats.get(chat_id)
        if state is None:
            raise _bad_request("chat not found")
        if state.chat.get("type") == "private" and chat_id in self.blocked_users:
            raise TelegramAPIError(403, "Forbidden: bot was blocked by the user")
        return state

    def _store_bot_message(self, state: ChatState, content: dict[str, Any]) -> dict[str, Any]:
        mid = state.new_message_id()
        msg: dict[str, Any] = {
            "message_id": mid,
            "from": self.bot_user,
            "chat": state.chat,
            "date": int(self.clock()),
            **content,
        }
        state.messages[mid] = msg
        state.order.append(mid)
        state.bot_message_ids.append(mid)
        return copy.deepcopy(msg)

    def _find_message(
        self, params: _Params, *, edit: bool = True
    ) -> tuple[ChatState, dict[str, Any]]:
        chat_id = params.chat_id()
        mid = params.int_("message_id")
        if mid is None:
            raise _bad_request(
                "message_id is empty" if edit else "message identifier is not specified"
            )
        state = self.chats.get(chat_id)
        if state is None:
            raise _bad_request("chat not found")
        msg = state.messages.get(mid)
        what = "edit" if edit else "delete"
        if msg is None or mid in state.deleted:
            raise _bad_request(f"message to {what} not found")
        return state, msg

    def _text_and_markup(
        self, params: _Params, text_key: str, max_len: int, *, allow_empty: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        content: dict[str, Any] = {}
        raw = params.str_(text_key)
        if raw is None or raw == "":
            if not allow_empty:
                raise _bad_request("message text is empty")
        else:
            plain = _apply_parse_mode(raw, params.str_("parse_mode"))
            if not plain.strip() and not allow_empty:
                raise _bad_request("message text is empty")
            if len(plain) > max_len:
                raise _bad_request(
                    "message is too long" if text_key == "text" else "message caption is too long"
                )
            if plain:
                content[text_key] = plain
            if params.str_("parse_mode"):
                content["_raw_" + text_key] = raw
        markup = _validate_reply_markup(params.json_("reply_markup"))
        return content, markup

    def _public(self, msg: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in msg.items() if not k.startswith("_")}

    # ------------------------------------------------------------------ Bot API methods

    async def _m_getMe(self, p: _Params) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_logOut(self, p: _Params) -> Any:
        return True

    async def _m_close(self, p: _Params) -> Any:
        return True

    async def _m_getUpdates(self, p: _Params) -> Any:
        if self.webhook_url is not None:
            raise _conflict_webhook()
        offset = p.int_("offset", 0) or 0
        limit = max(1, min(100, p.int_("limit", 100) or 100))
        timeout = max(0, p.int_("timeout", 0) or 0)
        allowed = p.json_("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        self._poll_generation += 1
        generation = self._poll_generation

        if offset > 0:
            self._pending = [
                e
                for e in self._pending
                if e.update["update_id"] >= offset or (e.redelivery and not e.returned)
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise TelegramAPIError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            if self.webhook_url is not None:
                raise _conflict_webhook()
            batch = [e for e in self._pending if self._allowed(e.update)][:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                break
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        self._pending = [e for e in self._pending if self._allowed(e.update)]
        for entry in batch:
            entry.returned = True
        return [copy.deepcopy(e.update) for e in batch]

    async def _m_setWebhook(self, p: _Params) -> Any:
        url = p.str_("url") or ""
        if not url:
            return await self._m_deleteWebhook(p)
        if not re.match(r"^https?://", url):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str_("secret_token")
        if secret and not _SECRET_TOKEN_RE.match(secret):
            raise _bad_request("secret token contains unallowed characters")
        if p.bool_("drop_pending_updates"):
            self._pending.clear()
        allowed = p.json_("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        self.webhook_max_connections = p.int_("max_connections", 40) or 40
        self.webhook_url = url
        self.webhook_secret = secret or None
        self._poll_generation += 1  # terminates a running long poll with 409
        self._ensure_webhook_worker()
        return True

    async def _m_deleteWebhook(self, p: _Params) -> Any:
        if p.bool_("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = None
        self.webhook_secret = None
        return True

    async def _m_getWebhookInfo(self, p: _Params) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
            if self.last_webhook_error:
                info["last_error_date"], info["last_error_message"] = self.last_webhook_error
        return info

    async def _m_sendMessage(self, p: _Params) -> Any:
        state = self._chat_for_send(p)
        content, markup = self._text_and_markup(p, "text", MAX_TEXT_LENGTH)
        if markup is not None:
            content["reply_markup"] = markup
        return self._public(self._store_bot_message(state, content))

    async def _m_editMessageText(self, p: _Params) -> Any:
        if p.has("inline_message_id"):
            self._text_and_markup(p, "text", MAX_TEXT_LENGTH)
            return True
        state, msg = self._find_message(p)
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        if "text" not in msg:
            raise _bad_request("there is no text in the message to edit")
        content, markup = self._text_and_markup(p, "text", MAX_TEXT_LENGTH)
        if content.get("text") == msg.get("text") and markup == msg.get("reply_markup"):
            raise _not_modified()
        msg.pop("_raw_text", None)
        msg.update(content)
        self._set_markup(msg, markup)
        return self._record_edit(state, msg)

    async def _m_editMessageCaption(self, p: _Params) -> Any:
        if p.has("inline_message_id"):
            return True
        state, msg = self._find_message(p)
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        content, markup = self._text_and_markup(p, "caption", MAX_CAPTION_LENGTH, allow_empty=True)
        if content.get("caption") == msg.get("caption") and markup == msg.get("reply_markup"):
            raise _not_modified()
        msg.pop("caption", None)
        msg.pop("_raw_caption", None)
        msg.update(content)
        self._set_markup(msg, markup)
        return self._record_edit(state, msg)

    async def _m_editMessageReplyMarkup(self, p: _Params) -> Any:
        if p.has("inline_message_id"):
            _validate_reply_markup(p.json_("reply_markup"))
            return True
        state, msg = self._find_message(p)
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        markup = _validate_reply_markup(p.json_("reply_markup"))
        if markup == msg.get("reply_markup") or (
            not markup and not msg.get("reply_markup", {}).get("inline_keyboard")
        ):
            raise _not_modified()
        self._set_markup(msg, markup)
        return self._record_edit(state, msg)

    def _set_markup(self, msg: dict[str, Any], markup: dict[str, Any] | None) -> None:
        if markup and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)

    def _record_edit(self, state: ChatState, msg: dict[str, Any]) -> dict[str, Any]:
        msg["edit_date"] = max(int(self.clock()), int(msg["date"]))
        state.edits.append((msg["message_id"], self._public(msg)))
        return self._public(msg)

    async def _m_deleteMessage(self, p: _Params) -> Any:
        state, msg = self._find_message(p, edit=False)
        state.deleted.add(msg["message_id"])
        return True

    async def _m_deleteMessages(self, p: _Params) -> Any:
        state = self.chats.get(p.chat_id())
        ids = p.json_("message_ids") or []
        if state is not None:
            for mid in ids:
                if int(mid) in state.messages:
                    state.deleted.add(int(mid))
        return True

    async def _m_answerCallbackQuery(self, p: _Params) -> Any:
        qid = p.str_("callback_query_id")
        if not qid:
            raise _bad_request("query_id is empty")
        record = self.callback_queries.get(qid)
        if record is None or record.answered:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.str_("text")
        if text is not None and len(text) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answered_at = self.clock()
        record.answer = {
            "text": text,
            "show_alert": p.bool_("show_alert"),
            "url": p.str_("url"),
            "cache_time": p.int_("cache_time"),
        }
        return True

    async def _m_setMyCommands(self, p: _Params) -> Any:
        commands = p.json_("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too many commands specified")
        cleaned = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise _bad_request("can't parse BotCommand")
            name = str(cmd.get("command", ""))
            desc = str(cmd.get("description", ""))
            if not _BOT_COMMAND_RE.match(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": desc})
        self.commands[self._commands_key(p)] = cleaned
        return True

    async def _m_getMyCommands(self, p: _Params) -> Any:
        key = self._commands_key(p)
        if key in self.commands:
            return copy.deepcopy(self.commands[key])
        return copy.deepcopy(self.commands.get((key[0], ""), []))

    async def _m_deleteMyCommands(self, p: _Params) -> Any:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _commands_key(self, p: _Params) -> tuple[str, str]:
        scope = p.json_("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.str_("language_code") or ""

    async def _m_setMyDescription(self, p: _Params) -> Any:
        return True

    async def _m_setMyShortDescription(self, p: _Params) -> Any:
        return True

    async def _m_setMyName(self, p: _Params) -> Any:
        return True

    async def _m_setChatMenuButton(self, p: _Params) -> Any:
        return True

    async def _m_sendChatAction(self, p: _Params) -> Any:
        self._chat_for_send(p)
        action = p.str_("action")
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    async def _m_getFile(self, p: _Params) -> Any:
        file_id = p.str_("file_id")
        if not file_id:
            raise _bad_request("file_id is empty")
        stored = self.files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_SIZE:
            raise _bad_request("file is too big")
        if stored.file_path is None:
            folder, ext, _ = _FILE_KINDS.get(stored.kind, ("documents", "bin", None))
            if stored.file_name and "." in stored.file_name:
                ext = stored.file_name.rsplit(".", 1)[1]
            self._file_seq += 1
            stored.file_path = f"{folder}/file_{self._file_seq}.{ext}"
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _send_media(self, p: _Params, kind: str) -> Any:
        state = self._chat_for_send(p)
        content, markup = self._text_and_markup(p, "caption", MAX_CAPTION_LENGTH, allow_empty=True)
        source = p.file(kind)
        if source is None:
            raise _bad_request(f"there is no {kind.replace('_', ' ')} in the request")
        _, _, default_mime = _FILE_KINDS.get(kind, ("documents", "bin", None))
        if isinstance(source, tuple):
            data, filename = source
            mime = default_mime
            if kind in ("document", "audio") and filename:
                import mimetypes

                mime = mimetypes.guess_type(filename)[0] or default_mime
            stored = self.new_file(data, kind, mime_type=mime, file_name=filename)
        elif source in self.files:
            stored = self.files[source]
        elif re.match(r"^https?://", source):
            if kind == "video_note":
                raise _bad_request("wrong file identifier/HTTP URL specified")
            stored = self.new_file(b"", kind, mime_type=default_mime)
        else:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        probe = kind in ("voice", "video_note", "video", "audio")
        info = probe_media(stored.data) if probe else {}
        media: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        duration = p.int_("duration", info.get("duration", 0))
        if kind == "voice":
            media.update(duration=duration, mime_type=stored.mime_type or "audio/ogg")
        elif kind == "video_note":
            media.update(duration=duration, length=p.int_("length", info.get("width", 240)))
        elif kind in ("video", "animation"):
            media.update(
                duration=duration,
                width=p.int_("width", info.get("width", 0)),
                height=p.int_("height", info.get("height", 0)),
                mime_type=stored.mime_type or "video/mp4",
            )
        elif kind == "audio":
            media.update(duration=duration, mime_type=stored.mime_type or "audio/mpeg")
        elif kind == "document":
            media.update(mime_type=stored.mime_type or "application/octet-stream")
        if stored.file_name and kind in ("document", "audio", "video", "animation"):
            media["file_name"] = stored.file_name
        if kind == "photo":
            content["photo"] = [{**media, "width": 320, "height": 320}]
        else:
            content[kind] = media
        if markup is not None:
            content["reply_markup"] = markup
        return self._public(self._store_bot_message(state, content))

    async def _m_sendVoice(self, p: _Params) -> Any:
        return await self._send_media(p, "voice")

    async def _m_sendVideoNote(self, p: _Params) -> Any:
        return await self._send_media(p, "video_note")

    async def _m_sendVideo(self, p: _Params) -> Any:
        return await self._send_media(p, "video")

    async def _m_sendDocument(self, p: _Params) -> Any:
        return await self._send_media(p, "document")

    async def _m_sendAudio(self, p: _Params) -> Any:
        return await self._send_media(p, "audio")

    async def _m_sendPhoto(self, p: _Params) -> Any:
        return await self._send_media(p, "photo")

    async def _m_sendAnimation(self, p: _Params) -> Any:
        return await self._send_media(p, "animation")


def _too_many(retry_after: int) -> TelegramAPIError:
    return TelegramAPIError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def _conflict_webhook() -> TelegramAPIError:
    return TelegramAPIError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
        "delete the webhook first",
    )


def _not_modified() -> TelegramAPIError:
    return _bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")


_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "message_ids",
        "media",
        "menu_button",
    }
)


def _recordable(values: dict[str, Any]) -> dict[str, Any]:
    """Params as recorded: JSON-string fields (reply_markup, ...) decoded for easy assertions."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                out[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        out[key] = value
    return out


_METHOD_INDEX: dict[str, str] = {
    name[3:].lower(): name[3:] for name in dir(FakeTelegram) if name.startswith("_m_")
}
