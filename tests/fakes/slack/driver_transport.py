"""Transport of the Slack driver: signed v0 requests to the bot's ``/slack/events`` endpoint.

Every request is signed with the fake's signing secret
(``X-Slack-Signature: v0=hex(hmac_sha256(secret, f"v0:{ts}:{raw_body}"))``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack.records import JsonDict
from tests.fakes.slack.server import FakeSlack

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


class DriverTransport:
    """Session, signing and the user/team shapes shared by every kind of Slack request."""

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
