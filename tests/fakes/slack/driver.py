"""Drives a bot's ``/slack/events`` endpoint the way Slack does (signed v0 requests).

Every request is signed with the fake's signing secret
(``X-Slack-Signature: v0=hex(hmac_sha256(secret, f"v0:{ts}:{raw_body}"))``). Each send method
takes ``bad_signature=True`` / ``stale=True`` (timestamp 10 minutes old) for negative tests
and returns a :class:`DriverResponse` with the ack status, body and elapsed time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack.server import FakeFile, FakeSlack, JsonDict

STALE_AGE_S = 600


@dataclass
class DriverResponse:
    status: int
    body: str
    headers: dict[str, str]
    elapsed: float  # seconds from sending the request to the full ack
    payload: JsonDict = field(default_factory=dict)  # what was sent (payload / event envelope)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackDriver:
    """Sends Slack-shaped, signed requests to the bot (``bot_events_url``)."""

    def __init__(
        self,
        fake: FakeSlack,
        bot_events_url: str,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
    ) -> None:
        self.fake = fake
        self.url = bot_events_url
        self._clock = clock
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._seq = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    # ------------------------------------------------------------------ transport

    async def send_raw(
        self,
        body: bytes,
        content_type: str,
        *,
        bad_signature: bool = False,
        stale: bool = False,
        timestamp: int | None = None,
        extra_headers: dict[str, str] | None = None,
        payload: JsonDict | None = None,
    ) -> DriverResponse:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
        ts = timestamp if timestamp is not None else int(self._clock())
        if stale and timestamp is None:
            ts -= STALE_AGE_S
        signature = sign(self.fake.signing_secret, ts, body)
        if bad_signature:
            signature = sign("not-the-" + self.fake.signing_secret, ts, body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(extra_headers or {}),
        }
        started = time.perf_counter()
        async with self._session.post(self.url, data=body, headers=headers) as resp:
            text = await resp.text()
            elapsed = time.perf_counter() - started
            return DriverResponse(resp.status, text, dict(resp.headers), elapsed, payload or {})

    async def _send_json(self, payload: JsonDict, **kw: Any) -> DriverResponse:
        body = json.dumps(payload).encode()
        return await self.send_raw(body, "application/json", payload=payload, **kw)

    async def _send_form(
        self, fields: dict[str, str], payload: JsonDict, **kw: Any
    ) -> DriverResponse:
        body = urlencode(fields).encode()
        return await self.send_raw(
            body, "application/x-www-form-urlencoded", payload=payload, **kw
        )

    async def _send_interaction(self, payload: JsonDict, **kw: Any) -> DriverResponse:
        return await self._send_form({"payload": json.dumps(payload)}, payload, **kw)

    # ------------------------------------------------------------------ shapes

    def _user(self, user_id: str) -> JsonDict:
        u = self.fake.user(user_id)
        return {
            "id": user_id,
            "username": u["name"],
            "name": u["name"],
            "team_id": self.fake.team_id,
        }

    def _team(self) -> JsonDict:
        return {"id": self.fake.team_id, "domain": self.fake.team_domain}

    # ------------------------------------------------------------------ url_verification

    async def url_verification(
        self, challenge: str | None = None, *, bad_signature: bool = False, stale: bool = False
    ) -> DriverResponse:
        payload = {
            "token": self.fake.verification_token,
            "challenge": challenge or secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return await self._send_json(payload, bad_signature=bad_signature, stale=stale)

    # ------------------------------------------------------------------ Events API

    async def event_callback(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Deliver an Events API envelope; resend with the same ``event_id`` + ``retry_num``."""
        envelope = {
            "token": self.fake.verification_token,
            "team_id": self.fake.team_id,
            "context_team_id": self.fake.team_id,
            "api_app_id": self.fake.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{self._next():010d}",
            "event_time": int(self._clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.fake.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(16)}",
        }
        return await self.resend_event(
            envelope,
            retry_num=retry_num,
            retry_reason=retry_reason,
            bad_signature=bad_signature,
            stale=stale,
        )

    async def resend_event(
        self,
        envelope: JsonDict,
        *,
        retry_num: int | None = 1,
        retry_reason: str = "http_timeout",
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Send an event envelope (e.g. ``resp.payload`` from a previous delivery) again."""
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self._send_json(
            envelope, extra_headers=headers, bad_signature=bad_signature, stale=stale
        )

    async def message(
        self,
        user_id: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[FakeFile] | None = None,
        channel_type: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """A human posts ``text`` (optionally with ``files`` from ``fake.add_file``)."""
        msg = self.fake.add_user_message(channel, user_id, text, thread_ts=thread_ts, files=files)
        event: JsonDict = {k: v for k, v in msg.items() if k != "channel"}
        event.update(
            {
                "type": "message",
                "channel": channel,
                "event_ts": msg["ts"],
                "channel_type": channel_type or ("im" if channel.startswith("D") else "channel"),
            }
        )
        return await self.event_callback(
            event, event_id=event_id, retry_num=retry_num, bad_signature=bad_signature, stale=stale
        )

    async def file_shared(
        self,
        user_id: str,
        channel: str,
        file: FakeFile,
        *,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        ts = f"{int(self._clock())}.{self._next():06d}"
        event = {
            "type": "file_shared",
            "channel_id": channel,
            "file_id": file.id,
            "user_id": user_id,
            "file": {"id": file.id},
            "event_ts": ts,
        }
        return await self.event_callback(event, bad_signature=bad_signature, stale=stale)

    # ------------------------------------------------------------------ interactivity

    def _find_button(
        self, blocks: list[JsonDict], action_id: str, value: str | None
    ) -> tuple[JsonDict, JsonDict] | None:
        for block in blocks:
            elements = block.get("elements", []) if block.get("type") == "actions" else []
            accessory = block.get("accessory")
            if accessory:
                elements = [*elements, accessory]
            for el in elements:
                same_value = value is None or el.get("value") == value
                if el.get("action_id") == action_id and same_value:
                    return block, el
        return None

    async def click(
        self,
        user_id: str,
        *,
        channel: str,
        message_ts: str,
        action_id: str,
        value: str | None = None,
        block_id: str | None = None,
        strict: bool = True,
        trigger_age: float = 0.0,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Click a button on a message; ``block_id`` / text are taken from the stored message.

        With ``strict`` the message must exist in the fake and carry that button (catches
        clicks on buttons the bot never rendered). ``trigger_age`` back-dates the trigger_id.
        """
        msg = self.fake.message(channel, message_ts)
        found = self._find_button(msg.get("blocks") or [], action_id, value) if msg else None
        if strict and found is None:
            raise AssertionError(
                f"no button action_id={action_id!r} value={value!r} on message "
                f"{channel}/{message_ts}: {msg!r}"
            )
        element: JsonDict = found[1] if found else {}
        if block_id is None:
            block_id = found[0].get("block_id", "") if found else secrets.token_hex(3)
        if value is None:
            value = element.get("value")
        trigger_id = self.fake.issue_trigger(user_id, age=trigger_age)
        response_url = self.fake.issue_response_url(
            channel=channel, user_id=user_id, message_ts=message_ts
        )
        action_ts = f"{self._clock():.6f}"
        action: JsonDict = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": element.get("text")
            or {"type": "plain_text", "text": action_id, "emoji": True},
            "action_ts": action_ts,
        }
        if value is not None:
            action["value"] = value
        if "style" in element:
            action["style"] = element["style"]
        message = {
            k: v
            for k, v in (msg or {"type": "message", "ts": message_ts}).items()
            if k != "channel"
        }
        container: JsonDict = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        if msg and msg.get("thread_ts"):
            container["thread_ts"] = msg["thread_ts"]
        payload: JsonDict = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.fake.app_id,
            "token": self.fake.verification_token,
            "container": container,
            "trigger_id": trigger_id,
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": self.fake.channel_name(channel)},
            "message": message,
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [action],
        }
        return await self._send_interaction(payload, bad_signature=bad_signature, stale=stale)

    def _state_values(self, view: JsonDict | None, values: JsonDict) -> JsonDict:
        """Normalise ``{block_id: {action_id: raw|slack_shape}}`` or ``{block_id: raw}``."""
        elements: dict[str, tuple[str, JsonDict]] = {}
        for block in (view or {}).get("blocks", []):
            el = block.get("element")
            if block.get("type") == "input" and isinstance(el, dict) and block.get("block_id"):
                elements[block["block_id"]] = (el.get("action_id", ""), el)
        out: JsonDict = {}
        for block_id, inner in values.items():
            known = elements.get(block_id)
            if not isinstance(inner, dict):
                if known is None:
                    raise ValueError(f"block {block_id!r} not in the view; give {{action_id: v}}")
                inner = {known[0]: inner}
            out[block_id] = {}
            for action_id, raw in inner.items():
                el = known[1] if known and known[0] == action_id else {}
                out[block_id][action_id] = _element_state(el, raw)
        return out

    async def submit_view(
        self,
        user_id: str,
        *,
        view_id: str | None = None,
        callback_id: str | None = None,
        private_metadata: str | None = None,
        state_values: JsonDict | None = None,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Submit a modal. The view comes from the fake by ``view_id`` or latest ``callback_id``.

        ``state_values``: Slack's shape ``{block_id: {action_id: {"type": ..., ...}}}``, or raw
        values ``{block_id: {action_id: "v"}}`` / ``{block_id: "v"}`` typed from the view's
        input element (static_select -> selected_option, plain_text_input -> value, ...).
        """
        view: JsonDict | None = None
        if view_id is not None:
            view = self.fake.view(view_id)
        elif callback_id is not None:
            matches = [
                v["view"]
                for v in self.fake.views_opened
                if v["view"].get("callback_id") == callback_id
            ]
            view = self.fake.view(matches[-1]["id"]) if matches else None
        if view is None:
            view = {
                "id": view_id or f"V{self._next():08d}",
                "type": "modal",
                "blocks": [],
                "callback_id": callback_id or "",
                "private_metadata": "",
                "title": {"type": "plain_text", "text": "Form"},
            }
        view = dict(view)
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        view["state"] = {"values": self._state_values(view, state_values or {})}
        view.setdefault("team_id", self.fake.team_id)
        view.setdefault("app_id", self.fake.app_id)
        view.setdefault("bot_id", self.fake.bot_id)
        payload: JsonDict = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.fake.app_id,
            "token": self.fake.verification_token,
            "trigger_id": self.fake.issue_trigger(user_id),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self._send_interaction(payload, bad_signature=bad_signature, stale=stale)

    # ------------------------------------------------------------------ slash commands

    async def slash(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str = "C0CHAN001",
        trigger_age: float = 0.0,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        user = self.fake.user(user_id)
        fields = {
            "token": self.fake.verification_token,
            "team_id": self.fake.team_id,
            "team_domain": self.fake.team_domain,
            "channel_id": channel_id,
            "channel_name": self.fake.channel_name(channel_id),
            "user_id": user_id,
            "user_name": user["name"],
            "command": command,
            "text": text,
            "api_app_id": self.fake.app_id,
            "is_enterprise_install": "false",
            "response_url": self.fake.issue_response_url(channel=channel_id, user_id=user_id),
            "trigger_id": self.fake.issue_trigger(user_id, age=trigger_age),
        }
        return await self._send_form(
            fields, dict(fields), bad_signature=bad_signature, stale=stale
        )


def _element_state(element: JsonDict, raw: Any) -> JsonDict:
    if isinstance(raw, dict) and "type" in raw:
        return raw
    etype = element.get("type", "plain_text_input")

    def option(value: Any) -> JsonDict:
        for opt in element.get("options", []):
            if opt.get("value") == value:
                return dict(opt)
        return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": value}

    if etype in ("static_select", "radio_buttons"):
        return {"type": etype, "selected_option": None if raw is None else option(raw)}
    if etype in ("multi_static_select", "checkboxes"):
        return {"type": etype, "selected_options": [option(v) for v in raw or []]}
    if etype in ("users_select", "conversations_select", "channels_select"):
        key = {
            "users_select": "selected_user",
            "conversations_select": "selected_conversation",
            "channels_select": "selected_channel",
        }[etype]
        return {"type": etype, key: raw}
    if etype == "multi_users_select":
        return {"type": etype, "selected_users": list(raw or [])}
    if etype == "datepicker":
        return {"type": etype, "selected_date": raw}
    if etype == "number_input":
        return {"type": etype, "value": None if raw is None else str(raw)}
    return {"type": etype, "value": raw}
