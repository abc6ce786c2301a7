"""Recorded calls and waiting on the fake's state (an ``asyncio.Condition``, never sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from tests.fakes.slack.messages import MessageStoreMixin
from tests.fakes.slack.records import Call, JsonDict

T = TypeVar("T")


class WaitingMixin(MessageStoreMixin):
    """``calls`` / ``mark`` and the ``wait_*`` helpers tests block on (with a timeout)."""

    def calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self._calls if method is None or c.method == method]

    def mark(self) -> int:
        """Current call count; pass as ``after=`` to ``wait_for`` to only see newer calls."""
        return len(self._calls)

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
