"""Configuration and state shared by every Web API area of the fake Slack.

:class:`FakeSlackCore` holds the workspace configuration, all mutable state, the clock, call
recording and id/ts generation.  The mixins in the sibling modules (``messages``, ``chat``,
``views``, ``files``, ``response_urls``, ``workspace``, ``faults``, ``dispatch``, ``waiting``)
add the API areas; ``server.FakeSlack`` puts them together.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from tests.fakes.slack.records import ApiHandler, Call, FakeFile, JsonDict

if TYPE_CHECKING:
    from tests.fakes.slack.faults import ErrorRule, RateRule


class FakeSlackCore:
    """Configuration and state of the fake Web API (assembled in ``server.FakeSlack``)."""

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
        self._epoch = int(time.time())

        self._calls: list[Call] = []
        self._messages: dict[str, list[JsonDict]] = {}
        self._ephemerals: list[JsonDict] = []
        self._views: dict[str, JsonDict] = {}
        self._views_opened: list[JsonDict] = []
        self._triggers: dict[str, JsonDict] = {}
        self._response_urls: dict[str, JsonDict] = {}
        self._response_posts: list[JsonDict] = []
        self._files: dict[str, FakeFile] = {}
        self._deleted_files: set[str] = set()
        self._uploads: dict[str, str] = {}  # upload id -> file id
        self._members: dict[str, list[str]] = {}
        self._users: dict[str, JsonDict] = {}
        self._dms: dict[str, str] = {}
        self.channel_names: dict[str, str] = {}
        self._rate_rules: list[RateRule] = []
        self._error_rules: list[ErrorRule] = []
        self._lost_answers: list[ErrorRule] = []  # done, but the answer never arrives

        self._handlers: dict[str, ApiHandler] = self._api_handlers()
        self.add_user(bot_user_id, name="interview-bot", is_bot=True)

    def _api_handlers(self) -> dict[str, ApiHandler]:
        """Web API methods by name; each API mixin adds its own (``super()`` + its methods)."""
        return {}

    # ------------------------------------------------------------------ addresses

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

    # ------------------------------------------------------------------ users and channels

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

    def _resolve_channel(self, channel: str) -> str:
        """User IDs used as a channel mean the bot's DM with that user."""
        if channel[:1] in ("U", "W"):
            return self._dm_for(channel)
        return channel

    def dm_channel(self, user_id: str) -> str:
        """The id of the bot's direct-message channel with `user_id` (made on first use)."""
        return self._dm_for(user_id)

    def _dm_for(self, user_id: str) -> str:
        if user_id not in self._dms:
            self._dms[user_id] = self._new_id("D")
        return self._dms[user_id]

    # ------------------------------------------------------------------ ids and recording

    def _next_ts(self) -> str:
        """Like Slack's: epoch seconds with microseconds (the time the fake started, plus
        100 µs per message, so every ts is unique and later ones are larger)."""
        micros = next(self._ts_seq) * 100
        return f"{self._epoch + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def _record(
        self, method: str, params: JsonDict, token: str | None, status: int, response: JsonDict
    ) -> None:
        self._calls.append(Call(method, params, token, status, response, self.now()))
        await self._notify()
