"""State shared by every API area of the fake Telegram, waiting on its changes, and chats.

:class:`FakeTelegramCore` holds the configuration and all mutable state.  The mixins in the
sibling modules (``faults``, ``dispatch``, ``updates``, ``webhook``, ``messages``, ``files``,
``bot_profile``) add the Bot API areas; ``server.FakeTelegram`` puts them together.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
from aiohttp import web

from tests.fakes.telegram.records import (
    BotCall,
    CallbackRecord,
    ChatState,
    PendingUpdate,
    StoredFile,
    WebhookDelivery,
)

if TYPE_CHECKING:
    from tests.fakes.telegram.client import FakeUser
    from tests.fakes.telegram.faults import Fault, RateLimit

T = TypeVar("T")


class FakeTelegramCore:
    """Configuration and state of the fake Bot API (assembled in ``server.FakeTelegram``)."""

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

        self._pending: list[PendingUpdate] = []
        self._next_update_id = 100_000_001
        self._file_seq = 0
        self._callback_seq = 0
        self._poll_generation = 0
        self._faults: list[Fault] = []
        self._rate_limit: RateLimit | None = None
        self._event = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._users: dict[int, FakeUser] = {}

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

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

    async def _hold(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    # ------------------------------------------------------------------ users and chats

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

    def unanswered_callback_queries(self) -> list[CallbackRecord]:
        return [r for r in self.callback_queries.values() if not r.answered]
