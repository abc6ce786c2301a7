"""In-process fake of the Slack Web API (loopback aiohttp server) for tests.

Serves ``/api/<method>`` like ``https://slack.com/api/`` plus the loopback URLs Slack hands
out: file upload URLs, ``url_private`` downloads and interaction ``response_url``s.
Point ``AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)`` at it.
Every call is recorded; tests wait on state with :meth:`FakeSlack.wait_for` /
:meth:`FakeSlack.wait_until` (an ``asyncio.Condition`` with a timeout, never sleeps).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import mimetypes
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

T = TypeVar("T")
JsonDict = dict[str, Any]

TRIGGER_TTL_S = 3.0
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_TTL_S = 30 * 60
MAX_BLOCKS = 50
MAX_TEXT = 40_000
# params sent by slack_sdk as JSON-encoded strings inside form bodies
_JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")

LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Slack</title></head>"
    "<body><h1>Sign in to your workspace</h1><form action='/signin'></form></body></html>"
)


@dataclass
class Call:
    """One request the fake received (Web API method or a pseudo method, see ``FakeSlack``)."""

    method: str
    params: JsonDict
    token: str | None
    status: int
    response: JsonDict
    at: float


@dataclass
class FakeFile:
    id: str
    name: str
    title: str
    length: int
    user: str
    created: int
    content: bytes | None = None
    mimetype: str = "application/octet-stream"
    channels: list[str] = field(default_factory=list)
    thread_ts: str | None = None
    initial_comment: str | None = None
    url_private: str = ""
    url_private_download: str = ""

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    def to_api(self) -> JsonDict:
        filetype = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": self.user,
            "size": len(self.content) if self.content is not None else self.length,
            "mode": "hosted",
            "is_external": False,
            "is_public": bool(self.channels),
            "url_private": self.url_private,
            "url_private_download": self.url_private_download,
            "permalink": f"https://fake.slack.com/files/{self.user}/{self.id}/{self.name}",
            "channels": list(self.channels),
            "groups": [],
            "ims": [],
        }


@dataclass
class _RateRule:
    remaining: int
    method: str | None
    retry_after: int


@dataclass
class _ErrorRule:
    remaining: int
    method: str | None
    error: str | None  # None -> HTTP 5xx
    status: int


class SlackApiFailure(Exception):
    """Raised inside a method handler to answer ``200 {"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class FakeSlack:
    """Fake Slack Web API on ``127.0.0.1:<ephemeral>``.

    Pseudo methods recorded alongside Web API calls (usable with ``calls`` / ``wait_for``):
    ``"file.upload"`` (POST to an upload_url), ``"file.download"`` (GET url_private),
    ``"response_url"`` (POST to an interaction response_url).
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test",
        signing_secret: str = "test-signing-secret",
        team_id: str = "T0TEST001",
        team_domain: str = "fake-team",
        bot_user_id: str = "U0BOT0001",
        bot_id: str = "B0BOT0001",
        app_id: str = "A0APP0001",
        verification_token: str = "fake-verification-token",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.verification_token = verification_token
        self.valid_tokens: set[str] = {bot_token}
        # Slack: action_id "should be unique among all other action_ids in the containing block"
        self.unique_action_ids = True
        self._clock = clock
        self._clock_offset = 0.0

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._cond = asyncio.Condition()
        self._ids = itertools.count(1)
        self._ts_seq = itertools.count(1)

        self._calls: list[Call] = []
        self._messages: dict[str, list[JsonDict]] = {}
        self._ephemerals: list[JsonDict] = []
        self._views: dict[str, JsonDict] = {}
        self._views_opened: list[JsonDict] = []
        self._triggers: dict[str, JsonDict] = {}
        self._response_urls: dict[str, JsonDict] = {}
        self._response_posts: list[JsonDict] = []
        self._files: dict[str, FakeFile] = {}
        self._uploads: dict[str, str] = {}  # upload id -> file id
        self._members: dict[str, list[str]] = {}
        self._users: dict[str, JsonDict] = {}
        self._dms: dict[str, str] = {}
        self.channel_names: dict[str, str] = {}
        self._rate_rules: list[_RateRule] = []
        self._error_rules: list[_ErrorRule] = []

        self._handlers: dict[str, Callable[[JsonDict, str], Awaitable[JsonDict]]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }
        self.add_user(bot_user_id, name="interview-bot", is_bot=True)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{upload_id}", self._handle_upload)
        app.router.add_get("/files-pri/{team_file}/{name}", self._handle_download)
        app.router.add_get("/files-pri/{team_file}/download/{name}", self._handle_download)
        app.router.add_post("/response/{rid}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ clock

    def now(self) -> float:
        return self._clock() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock (trigger_id / response_url expiry) forward."""
        self._clock_offset += seconds

    # ------------------------------------------------------------------ configuration

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_bot: bool = False,
    ) -> JsonDict:
        name = name or user_id.lower()
        real_name = real_name or name.replace(".", " ").title()
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "is_admin": is_admin,
            "is_owner": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "profile": {
                "real_name": real_name,
                "display_name": name,
                "email": email or f"{name}@example.com",
                "team": self.team_id,
            },
        }
        self._users[user_id] = user
        return user

    def user(self, user_id: str) -> JsonDict:
        """The user record, created with defaults on first use."""
        return self._users.get(user_id) or self.add_user(user_id)

    def set_channel_members(
        self, channel: str, members: list[str], name: str | None = None
    ) -> None:
        self._members[channel] = list(members)
        if name:
            self.channel_names[channel] = name

    def channel_name(self, channel: str) -> str:
        return self.channel_names.get(channel, channel.lower())

    def fail_next(self, n: int = 1, method: str | None = None, retry_after: int = 1) -> None:
        """Answer the next ``n`` calls (of ``method``, or any) with 429 + ``Retry-After``."""
        self._rate_rules.append(_RateRule(n, method, retry_after))

    def error_next(self, method: str | None, error: str, n: int = 1) -> None:
        """Answer the next ``n`` calls of ``method`` with ``200 {"ok": false, "error": error}``."""
        self._error_rules.append(_ErrorRule(n, method, error, 200))

    def server_error_next(self, n: int = 1, method: str | None = None, status: int = 500) -> None:
        """Answer the next ``n`` calls with an HTTP 5xx."""
        self._error_rules.append(_ErrorRule(n, method, None, status))

    def issue_trigger(self, user_id: str, *, age: float = 0.0) -> str:
        """Register a trigger_id (as Slack does on an interaction); ``age`` back-dates it."""
        trigger_id = f"{next(self._ids)}.{self.team_id}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = {"user": user_id, "issued": self.now() - age, "used": False}
        return trigger_id

    def issue_response_url(
        self, *, channel: str | None, user_id: str, message_ts: str | None = None
    ) -> str:
        rid = f"{next(self._ids)}{secrets.token_hex(8)}"
        self._response_urls[rid] = {
            "channel": channel,
            "user": user_id,
            "message_ts": message_ts,
            "issued": self.now(),
            "uses": 0,
        }
        return f"{self.base_url}/response/{rid}"

    def add_file(
        self,
        content: bytes,
        *,
        name: str = "file.bin",
        mimetype: str | None = None,
        user: str = "U0USER001",
        title: str | None = None,
    ) -> FakeFile:
        """Register a file uploaded by a user (e.g. for ``message`` events with ``files``)."""
        f = self._new_file(name=name, title=title or name, length=len(content), user=user)
        f.content = content
        if mimetype:
            f.mimetype = mimetype
        return f

    def add_user_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[FakeFile] | None = None,
    ) -> JsonDict:
        """Store a message written by a human (the driver does this for message events)."""
        msg: JsonDict = {
            "type": "message",
            "ts": self._next_ts(),
            "channel": channel,
            "user": user,
            "team": self.team_id,
            "text": text,
        }
        if thread_ts:
            msg["thread_ts"] = thread_ts
        if files:
            msg["subtype"] = "file_share"
            msg["files"] = [f.to_api() for f in files]
            for f in files:
                if channel not in f.channels:
                    f.channels.append(channel)
        self._store_message(channel, msg)
        return msg

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self._calls if method is None or c.method == method]

    def mark(self) -> int:
        """Current call count; pass as ``after=`` to ``wait_for`` to only see newer calls."""
        return len(self._calls)

    def messages(self, channel: str, *, include_replies: bool = False) -> list[JsonDict]:
        """Messages in ``channel`` (top-level only unless ``include_replies``), oldest first."""
        msgs = [m for m in self._messages.get(self._resolve_channel(channel), [])]
        if include_replies:
            return msgs
        return [m for m in msgs if m.get("thread_ts") in (None, m["ts"])]

    def message(self, channel: str, ts: str) -> JsonDict | None:
        for m in self._messages.get(self._resolve_channel(channel), []):
            if m["ts"] == ts:
                return m
        return None

    def thread(self, channel: str, ts: str) -> list[JsonDict]:
        """Like conversations.replies: the parent (if known) first, then its replies."""
        msgs = self._messages.get(self._resolve_channel(channel), [])
        parent = [m for m in msgs if m["ts"] == ts]
        replies = [m for m in msgs if m.get("thread_ts") == ts and m["ts"] != ts]
        return parent + replies

    def uploaded_files(self, channel: str | None = None) -> list[FakeFile]:
        """Files shared into ``channel`` (all completed uploads if None)."""
        files = [f for f in self._files.values() if f.uploaded]
        if channel is None:
            return files
        ch = self._resolve_channel(channel)
        return [f for f in files if ch in f.channels]

    def file(self, file_id: str) -> FakeFile:
        return self._files[file_id]

    @property
    def views_opened(self) -> list[JsonDict]:
        """``{"id", "method", "trigger_id", "user", "view"}`` per views.open / views.push."""
        return list(self._views_opened)

    def view(self, view_id: str) -> JsonDict:
        """Current state of a view (as returned by views.* calls)."""
        return self._views[view_id]

    @property
    def ephemerals(self) -> list[JsonDict]:
        """``{"channel","user","text","blocks","via"}``; via = chat.postEphemeral|response_url."""
        return list(self._ephemerals)

    @property
    def response_url_posts(self) -> list[JsonDict]:
        return list(self._response_posts)

    # ------------------------------------------------------------------ waiting

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        timeout: float = 5.0,
        what: str = "condition",
    ) -> T:
        """Re-evaluate ``probe`` after each state change until it returns non-None/non-False."""
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
            seen = [c.method for c in self._calls]
            raise TimeoutError(
                f"FakeSlack: timed out after {timeout}s waiting for {what}; calls so far: {seen}"
            ) from None
        return box[-1]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
    ) -> Call:
        """First recorded call of ``method`` (index >= ``after``) matching ``predicate``."""

        def probe() -> Call | None:
            for c in self._calls[after:]:
                if c.method == method and (predicate is None or predicate(c)):
                    return c
            return None

        return await self.wait_until(probe, timeout, what=f"call {method!r}")

    async def wait_for_message(
        self,
        channel: str,
        predicate: Callable[[JsonDict], bool] | None = None,
        timeout: float = 5.0,
        *,
        thread_ts: str | None = None,
    ) -> JsonDict:
        """First message (incl. replies; in ``thread_ts`` if given) matching ``predicate``."""

        def probe() -> JsonDict | None:
            for m in self.messages(channel, include_replies=True):
                if thread_ts is not None and m.get("thread_ts") != thread_ts:
                    continue
                if predicate is None or predicate(m):
                    return m
            return None

        return await self.wait_until(probe, timeout, what=f"message in {channel}")

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def _record(
        self, method: str, params: JsonDict, token: str | None, status: int, response: JsonDict
    ) -> None:
        self._calls.append(Call(method, params, token, status, response, self.now()))
        await self._notify()

    # ------------------------------------------------------------------ HTTP plumbing

    @staticmethod
    def _bearer(request: web.Request) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return None

    async def _parse_params(self, request: web.Request) -> JsonDict:
        params: JsonDict = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise SlackApiFailure("invalid_json") from None
                if isinstance(body, dict):
                    params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for k, v in form.items():
                    params[k] = v.file.read() if isinstance(v, web.FileField) else v
        for key in _JSON_PARAMS:
            value = params.get(key)
            if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
                try:
                    params[key] = json.loads(value)
                except json.JSONDecodeError:
                    params[key] = value
        return params

    def _take_rule(self, rules: list[Any], method: str) -> Any:
        for rule in rules:
            if rule.remaining > 0 and (rule.method is None or rule.method == method):
                rule.remaining -= 1
                if rule.remaining == 0:
                    rules.remove(rule)
                return rule
        return None

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._parse_params(request)
        except SlackApiFailure as e:
            body = {"ok": False, "error": e.error}
            await self._record(method, {}, self._bearer(request), 200, body)
            return web.json_response(body)
        token = self._bearer(request) or params.pop("token", None)
        params.pop("token", None)

        rate = self._take_rule(self._rate_rules, method)
        if rate is not None:
            body = {"ok": False, "error": "ratelimited"}
            await self._record(method, params, token, 429, body)
            return web.json_response(
                body, status=429, headers={"Retry-After": str(rate.retry_after)}
            )

        if method not in self._handlers:
            body = {"ok": False, "error": "unknown_method"}
        elif token is None:
            body = {"ok": False, "error": "not_authed"}
        elif token not in self.valid_tokens:
            body = {"ok": False, "error": "invalid_auth"}
        else:
            err = self._take_rule(self._error_rules, method)
            if err is not None and err.error is None:
                body = {"ok": False, "error": "internal_error"}
                await self._record(method, params, token, err.status, body)
                return web.json_response(body, status=err.status)
            if err is not None:
                body = {"ok": False, "error": err.error}
            else:
                try:
                    body = await self._handlers[method](params, token)
                except SlackApiFailure as e:
                    body = {"ok": False, "error": e.error, **e.extra}
        await self._record(method, params, token, 200, body)
        return web.json_response(body)

    # ------------------------------------------------------------------ helpers

    def _next_ts(self) -> str:
        micros = next(self._ts_seq) * 100
        return f"{1_700_000_000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def _resolve_channel(self, channel: str) -> str:
        """User IDs used as a channel mean the bot's DM with that user."""
        if channel[:1] in ("U", "W"):
            return self._dm_for(channel)
        return channel

    def _dm_for(self, user_id: str) -> str:
        if user_id not in self._dms:
            self._dms[user_id] = self._new_id("D")
        return self._dms[user_id]

    @staticmethod
    def _require(params: JsonDict, *names: str) -> None:
        for name in names:
            if params.get(name) in (None, ""):
                raise SlackApiFailure("invalid_arguments", needed=name)

    def _validate_blocks(self, blocks: Any) -> None:
        if blocks is None:
            return
        if not isinstance(blocks, list):
            raise SlackApiFailure("invalid_blocks_format")
        problems: list[str] = []
        if len(blocks) > MAX_BLOCKS:
            problems.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
        block_ids: set[str] = set()
        for i, block in enumerate(blocks):
            if not isinstance(block, dict) or "type" not in block:
                problems.append(f"missing required field: type [json-pointer:/blocks/{i}]")
                continue
            bid = block.get("block_id")
            if bid is not None:
                if bid in block_ids:
                    problems.append(f"duplicate block_id [json-pointer:/blocks/{i}/block_id]")
                block_ids.add(bid)
                if len(bid) > 255:
                    problems.append(f"block_id too long [json-pointer:/blocks/{i}/block_id]")
            text = block.get("text")
            if (
                block["type"] == "section"
                and isinstance(text, dict)
                and len(text.get("text", "")) > 3000
            ):
                problems.append(
                    f"must be less than 3001 characters [json-pointer:/blocks/{i}/text/text]"
                )
            action_ids: set[str] = set()
            elements = block.get("elements", []) if block["type"] == "actions" else []
            for j, el in enumerate(elements):
                where = f"[json-pointer:/blocks/{i}/elements/{j}]"
                aid = el.get("action_id")
                if aid is not None:
                    if aid in action_ids and self.unique_action_ids:
                        problems.append(f"duplicate action_id {where}")
                    action_ids.add(aid)
                    if len(aid) > 255:
                        problems.append(f"action_id too long {where}")
                if el.get("type") == "button":
                    if len(str(el.get("value", ""))) > 2000:
                        problems.append(f"value must be less than 2001 characters {where}")
                    if len(el.get("text", {}).get("text", "")) > 75:
                        problems.append(f"text must be less than 76 characters {where}")
        if problems:
            raise SlackApiFailure("invalid_blocks", response_metadata={"messages": problems})

    def _bot_message(self, channel: str, params: JsonDict) -> JsonDict:
        msg: JsonDict = {
            "type": "message",
            "subtype": "bot_message",
            "ts": self._next_ts(),
            "channel": channel,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text") or "",
        }
        if params.get("blocks") is not None:
            msg["blocks"] = params["blocks"]
        if params.get("attachments") is not None:
            msg["attachments"] = params["attachments"]
        if params.get("thread_ts"):
            msg["thread_ts"] = str(params["thread_ts"])
        if params.get("metadata") is not None:
            msg["metadata"] = params["metadata"]
        return msg

    def _store_message(self, channel: str, msg: JsonDict) -> None:
        self._messages.setdefault(channel, []).append(msg)
        parent_ts = msg.get("thread_ts")
        if parent_ts and parent_ts != msg["ts"]:
            parent = self.message(channel, parent_ts)
            if parent is not None:
                parent["thread_ts"] = parent_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1

    def _channel_param(self, params: JsonDict) -> str:
        self._require(params, "channel")
        channel = str(params["channel"])
        if channel.startswith("#"):
            raise SlackApiFailure("channel_not_found")
        return self._resolve_channel(channel)

    def _check_text(self, params: JsonDict) -> None:
        if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
            raise SlackApiFailure("no_text")
        if len(str(params.get("text") or "")) > MAX_TEXT:
            raise SlackApiFailure("msg_too_long")
        self._validate_blocks(params.get("blocks"))

    def _new_file(self, *, name: str, title: str, length: int, user: str) -> FakeFile:
        fid = self._new_id("F")
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        f = FakeFile(
            id=fid,
            name=name,
            title=title,
            length=length,
            user=user,
            created=int(self.now()),
            mimetype=mimetype,
        )
        f.url_private = f"{self.base_url}/files-pri/{self.team_id}-{fid}/{name}"
        f.url_private_download = f"{self.base_url}/files-pri/{self.team_id}-{fid}/download/{name}"
        self._files[fid] = f
        return f

    def _check_trigger(self, params: JsonDict) -> str:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise SlackApiFailure("invalid_arguments", needed="trigger_id")
        trig = self._triggers.get(str(trigger_id))
        if trig is None:
            raise SlackApiFailure("invalid_trigger_id")
        if self.now() - trig["issued"] > TRIGGER_TTL_S:
            raise SlackApiFailure("expired_trigger_id")
        if trig["used"]:
            raise SlackApiFailure("exchanged_trigger_id")
        trig["used"] = True
        return str(trig["user"])

    def _make_view(
        self,
        view: Any,
        *,
        view_id: str | None = None,
        root: str | None = None,
        previous: str | None = None,
    ) -> JsonDict:
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            raise SlackApiFailure("invalid_arguments", needed="view")
        self._validate_blocks(view.get("blocks", []))
        if len(view.get("private_metadata") or "") > 3000:
            raise SlackApiFailure(
                "invalid_arguments", response_metadata={"messages": ["private_metadata too long"]}
            )
        vid = view_id or self._new_id("V")
        return {
            "id": vid,
            "team_id": self.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": secrets.token_hex(8),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root or vid,
            "previous_view_id": previous,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    # ------------------------------------------------------------------ Web API methods

    async def _api_test(self, params: JsonDict, token: str) -> JsonDict:
        return {"ok": True, "args": params}

    async def _auth_test(self, params: JsonDict, token: str) -> JsonDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain,
            "user": "interview-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    async def _chat_post_message(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        self._check_text(params)
        msg = self._bot_message(channel, params)
        self._store_message(channel, msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": dict(msg)}

    async def _chat_update(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        self._require(params, "ts")
        msg = self.message(channel, str(params["ts"]))
        if msg is None or msg.get("deleted"):
            raise SlackApiFailure("message_not_found")
        if msg.get("user") != self.bot_user_id:
            raise SlackApiFailure("cant_update_message")
        if "blocks" in params or "text" in params:
            self._check_text({**{"text": msg.get("text")}, **params})
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                msg[key] = params[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": msg["ts"],
            "text": msg.get("text", ""),
            "message": dict(msg),
        }

    async def _chat_delete(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        self._require(params, "ts")
        msg = self.message(channel, str(params["ts"]))
        if msg is None or msg.get("deleted"):
            raise SlackApiFailure("message_not_found")
        self._messages[channel].remove(msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"]}

    async def _chat_post_ephemeral(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        self._require(params, "user")
        self._check_text(params)
        user = str(params["user"])
        members = self._members.get(channel)
        if members is not None and user not in members:
            raise SlackApiFailure("user_not_in_channel")
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "text": params.get("text") or "",
                "blocks": params.get("blocks"),
                "thread_ts": params.get("thread_ts"),
                "message_ts": ts,
                "via": "chat.postEphemeral",
            }
        )
        return {"ok": True, "message_ts": ts}

    async def _views_open(self, params: JsonDict, token: str) -> JsonDict:
        user = self._check_trigger(params)
        view = self._make_view(params.get("view"))
        self._views[view["id"]] = view
        self._views_opened.append(
            {
                "id": view["id"],
                "method": "views.open",
                "user": user,
                "trigger_id": params["trigger_id"],
                "view": view,
            }
        )
        return {"ok": True, "view": view}

    async def _views_push(self, params: JsonDict, token: str) -> JsonDict:
        user = self._check_trigger(params)
        view = self._make_view(params.get("view"))
        self._views[view["id"]] = view
        self._views_opened.append(
            {
                "id": view["id"],
                "method": "views.push",
                "user": user,
                "trigger_id": params["trigger_id"],
                "view": view,
            }
        )
        return {"ok": True, "view": view}

    async def _views_update(self, params: JsonDict, token: str) -> JsonDict:
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if not view_id and external_id:
            view_id = next(
                (v["id"] for v in self._views.values() if v.get("external_id") == external_id),
                None,
            )
        if not view_id or view_id not in self._views:
            raise SlackApiFailure("not_found")
        old = self._views[view_id]
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackApiFailure("hash_conflict")
        view = self._make_view(
            params.get("view"),
            view_id=view_id,
            root=old["root_view_id"],
            previous=old["previous_view_id"],
        )
        self._views[view_id] = view
        return {"ok": True, "view": view}

    async def _conversations_open(self, params: JsonDict, token: str) -> JsonDict:
        if params.get("channel"):
            return {"ok": True, "channel": {"id": str(params["channel"])}}
        self._require(params, "users")
        users = [u.strip() for u in str(params["users"]).split(",") if u.strip()]
        if len(users) == 1:
            cid = self._dm_for(users[0])
        else:
            key = ",".join(sorted(users))
            cid = self._dms.setdefault(key, self._new_id("G"))
        self._members.setdefault(cid, [*users, self.bot_user_id])
        return {"ok": True, "channel": {"id": cid}}

    async def _conversations_members(self, params: JsonDict, token: str) -> JsonDict:
        self._require(params, "channel")
        members = self._members.get(str(params["channel"]))
        if members is None:
            raise SlackApiFailure("channel_not_found")
        return {"ok": True, "members": list(members), "response_metadata": {"next_cursor": ""}}

    async def _users_info(self, params: JsonDict, token: str) -> JsonDict:
        self._require(params, "user")
        user = self._users.get(str(params["user"]))
        if user is None:
            raise SlackApiFailure("user_not_found")
        return {"ok": True, "user": user}

    async def _files_get_upload_url(self, params: JsonDict, token: str) -> JsonDict:
        self._require(params, "filename", "length")
        try:
            length = int(params["length"])
        except (TypeError, ValueError):
            raise SlackApiFailure("invalid_arguments") from None
        if length <= 0:
            raise SlackApiFailure("invalid_arguments")
        name = str(params["filename"])
        f = self._new_file(name=name, title=name, length=length, user=self.bot_user_id)
        upload_id = secrets.token_hex(12)
        self._uploads[upload_id] = f.id
        return {
            "ok": True,
            "upload_url": f"{self.base_url}/upload/v1/{upload_id}",
            "file_id": f.id,
        }

    async def _files_complete_upload(self, params: JsonDict, token: str) -> JsonDict:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise SlackApiFailure("invalid_arguments", needed="files")
        channels: list[str] = []
        if params.get("channel_id"):
            channels.append(self._resolve_channel(str(params["channel_id"])))
        if params.get("channels"):
            channels += [
                self._resolve_channel(c.strip())
                for c in str(params["channels"]).split(",")
                if c.strip()
            ]
        thread_ts = params.get("thread_ts")
        if thread_ts and len(channels) != 1:
            raise SlackApiFailure("invalid_arguments")
        fakes: list[FakeFile] = []
        for entry in files:
            f = self._files.get(str(entry.get("id")))
            if f is None:
                raise SlackApiFailure("file_not_found")
            if not f.uploaded:
                raise SlackApiFailure("file_upload_incomplete")
            if entry.get("title"):
                f.title = str(entry["title"])
            fakes.append(f)
        comment = params.get("initial_comment")
        for channel in channels:
            for f in fakes:
                if channel not in f.channels:
                    f.channels.append(channel)
                f.thread_ts = str(thread_ts) if thread_ts else None
                f.initial_comment = comment
            msg_params: JsonDict = {"text": comment or "", "thread_ts": thread_ts}
            if not comment and params.get("blocks"):
                msg_params["blocks"] = params["blocks"]
            msg = self._bot_message(channel, msg_params)
            msg["subtype"] = "file_share"
            msg["files"] = [f.to_api() for f in fakes]
            self._store_message(channel, msg)
        return {"ok": True, "files": [f.to_api() for f in fakes]}

    async def _files_info(self, params: JsonDict, token: str) -> JsonDict:
        self._require(params, "file")
        f = self._files.get(str(params["file"]))
        if f is None:
            raise SlackApiFailure("file_not_found")
        return {"ok": True, "file": f.to_api()}

    # ------------------------------------------------------------------ non-API endpoints

    async def _handle_upload(self, request: web.Request) -> web.Response:
        upload_id = request.match_info["upload_id"]
        fid = self._uploads.get(upload_id)
        if fid is None:
            await self._record("file.upload", {"upload_id": upload_id}, None, 404, {})
            return web.Response(status=404, text="upload_url_not_found")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = next((v for v in form.values() if isinstance(v, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        f = self._files[fid]
        f.content = data
        params = {"upload_id": upload_id, "file_id": fid, "size": len(data)}
        await self._record("file.upload", params, None, 200, {})
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def _handle_download(self, request: web.Request) -> web.Response:
        team_file = request.match_info["team_file"]
        fid = team_file.split("-", 1)[-1]
        f = self._files.get(fid)
        token = self._bearer(request)
        authed = token is not None and token in self.valid_tokens
        params = {"file_id": fid, "authorized": authed}
        if not authed:
            await self._record("file.download", params, token, 200, {"login_page": True})
            return web.Response(text=LOGIN_PAGE, content_type="text/html")
        if f is None or f.content is None:
            await self._record("file.download", params, token, 404, {})
            return web.Response(status=404, text="file_not_found")
        await self._record("file.download", params, token, 200, {"size": len(f.content)})
        return web.Response(body=f.content, content_type=f.mimetype)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        info = self._response_urls.get(rid)
        try:
            payload = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = dict(await request.post())
        if not isinstance(payload, dict):
            payload = {}
        if info is None:
            await self._record("response_url", payload, None, 404, {"error": "no_such_url"})
            return web.Response(status=404, text="no_service")
        if (
            info["uses"] >= RESPONSE_URL_MAX_USES
            or self.now() - info["issued"] > RESPONSE_URL_TTL_S
        ):
            await self._record("response_url", payload, None, 404, {"error": "used_url"})
            return web.Response(status=404, text="used_url")
        info["uses"] += 1
        channel: str | None = info["channel"]
        original = (
            self.message(channel, info["message_ts"]) if (channel and info["message_ts"]) else None
        )
        effect: str
        if _truthy(payload.get("delete_original")):
            effect = "delete_original"
            if original is not None and channel is not None:
                self._messages[channel].remove(original)
        elif _truthy(payload.get("replace_original")):
            effect = "replace_original"
            if original is not None:
                for key in ("text", "blocks", "attachments"):
                    if key in payload:
                        original[key] = payload[key]
                original["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        elif payload.get("response_type") == "in_channel" and channel is not None:
            effect = "in_channel"
            msg = self._bot_message(channel, payload)
            self._store_message(channel, msg)
        else:
            effect = "ephemeral"
            self._ephemerals.append(
                {
                    "channel": channel,
                    "user": info["user"],
                    "text": payload.get("text") or "",
                    "blocks": payload.get("blocks"),
                    "thread_ts": payload.get("thread_ts"),
                    "message_ts": self._next_ts(),
                    "via": "response_url",
                }
            )
        record = {
            "url_id": rid,
            "effect": effect,
            "channel": channel,
            "user": info["user"],
            "message_ts": info["message_ts"],
            "payload": payload,
        }
        self._response_posts.append(record)
        await self._record("response_url", {**payload, "_effect": effect}, None, 200, record)
        return web.Response(text="ok", content_type="text/html")


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")
