"""Long polling that survives every error.

Any failure (network, 5xx, 401, 409 Conflict, an unreadable response, the handler) is
logged once per kind while it lasts, waited out with exponential backoff, and reported by
`degraded` (for `/healthz`) until a getUpdates call succeeds again. Only cancellation ends
the loop. At-least-once: the offset moves past a batch only after every update in it was
handled or rejected.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from adapters.telegram.receiving import HandlingFailed
from adapters.telegram.updates import RawGetUpdates

log = logging.getLogger(__name__)
POLL_TIMEOUT = 25
ALLOWED_UPDATES = ["message", "callback_query"]
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 10.0

BatchHandler = Callable[[list[Any]], Awaitable[int | None]]


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """(kind, what an operator should read) for a failed poll; never the exception text of
    an unknown error (it may quote a URL with the token)."""
    if isinstance(exc, TelegramConflictError):
        return "conflict", "another process is polling with this token (409 Conflict)"
    if isinstance(exc, TelegramUnauthorizedError):
        return "unauthorized", "Telegram refused the bot token (401 Unauthorized)"
    if isinstance(exc, TelegramRetryAfter):
        return "rate_limited", f"Telegram asked to wait {exc.retry_after} s (429)"
    if isinstance(exc, TelegramServerError):
        return "server", "Telegram answered with a server error"
    if isinstance(exc, TelegramNetworkError):
        return "network", "Telegram is unreachable (network error or timeout)"
    if isinstance(exc, ClientDecodeError):
        return "decode", "the getUpdates response could not be read"
    if isinstance(exc, HandlingFailed):
        return "handling", "handling received updates failed; they will be fetched again"
    return type(exc).__name__, f"getUpdates failed ({type(exc).__name__})"


@dataclass
class LongPoller:
    bot: Bot
    handle_batch: BatchHandler
    offset: int | None = None
    degraded: str | None = None  # why polling is not working right now
    _logged: set[str] = field(default_factory=set)
    _failures: int = 0

    async def run(self) -> None:
        while True:
            try:
                await self._poll_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # every failure: the loop must never end by itself
                await asyncio.sleep(self._failed(exc))
            else:
                self._recovered()

    async def _poll_once(self) -> None:
        # After a failure, a short poll: recovery shows at once, not after a long poll's wait.
        timeout = 0 if self._failures else POLL_TIMEOUT
        updates = await self.bot(RawGetUpdates(
            offset=self.offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES,
        ), request_timeout=timeout + 10)
        if updates:
            offset = await self.handle_batch(updates)
            if offset is not None:
                self.offset = offset

    def _failed(self, exc: Exception) -> float:
        kind, reason = describe_failure(exc)
        self._failures += 1
        self.degraded = reason
        if kind not in self._logged:
            self._logged.add(kind)
            log.error("telegram: polling trouble: %s; retrying with backoff", reason)
        if isinstance(exc, TelegramRetryAfter):
            return float(exc.retry_after)
        delay: float = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (self._failures - 1))
        return delay * random.uniform(0.8, 1.2)

    def _recovered(self) -> None:
        if self._failures:
            log.info("telegram: polling works again after %d failed attempt(s)",
                     self._failures)
        self._failures = 0
        self.degraded = None
        self._logged.clear()
