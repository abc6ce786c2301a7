"""Fake Telegram Bot API server for tests (aiohttp, loopback, ephemeral port).

The real bot talks to it over HTTP (aiogram: ``TelegramAPIServer.from_base(fake.base_url)``).
Tests drive simulated users through :meth:`FakeTelegram.user` (see ``client.py``) and assert on
what the bot did via :attr:`FakeTelegram.calls`, the per-chat message store, callback answers,
webhook deliveries, etc.  See PLATFORMS.md sections 1 and 5.1.

The server is assembled from ``core`` (configuration, state, waiting) and one mixin per API
area (``faults``, ``dispatch``, ``updates``, ``webhook``, ``messages``, ``files``,
``bot_profile``); helpers live in ``errors``, ``records``, ``params``, ``formatting`` and
``media``.  The names below are re-exported here.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
from aiohttp import web

from tests.fakes.telegram.bot_profile import BotProfileMixin
from tests.fakes.telegram.client import FakeUser
from tests.fakes.telegram.errors import TelegramAPIError
from tests.fakes.telegram.faults import SEND_METHODS
from tests.fakes.telegram.files import MAX_DOWNLOAD_SIZE, FilesMixin
from tests.fakes.telegram.formatting import MAX_CALLBACK_DATA_BYTES
from tests.fakes.telegram.group import FakeGroup
from tests.fakes.telegram.media import probe_media
from tests.fakes.telegram.members import ChatMembersMixin
from tests.fakes.telegram.messages import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH
from tests.fakes.telegram.records import (
    BotCall,
    CallbackRecord,
    ChatState,
    StoredFile,
    WebhookDelivery,
)
from tests.fakes.telegram.updates import DEFAULT_EXCLUDED_UPDATES
from tests.fakes.telegram.webhook import WebhookMixin

__all__ = [
    "DEFAULT_EXCLUDED_UPDATES",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_DOWNLOAD_SIZE",
    "MAX_TEXT_LENGTH",
    "SEND_METHODS",
    "BotCall",
    "CallbackRecord",
    "ChatState",
    "FakeTelegram",
    "StoredFile",
    "TelegramAPIError",
    "WebhookDelivery",
    "probe_media",
]


class FakeTelegram(BotProfileMixin, FilesMixin, WebhookMixin, ChatMembersMixin):
    """A fake Telegram Bot API server.

    ``async with FakeTelegram() as fake: ...`` or ``await fake.start()`` / ``await fake.stop()``.
    """

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

    # ------------------------------------------------------------------ users

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

    def group(self, chat_id: int, title: str = "Reviewers") -> FakeGroup:
        """A group (supergroup) the bot is in; add members with ``group.add(user)``."""
        return FakeGroup(self, chat_id, title)
