"""Outbox delivery: sends what committed handlers wrote, in order per conversation.

At most one item per conversation is in flight, so a chat's messages keep their order even
while one of them waits out a 429. Failures retry with backoff (honouring the platform's
`retry_after`); an item is marked failed only after `max_attempts`, logged and counted.
The outbox survives restarts: whatever was pending is sent on start. With PostgreSQL several
processes may share the outbox: each item is claimed (a lease) before it is delivered, and
only the first pending item of a conversation is ever taken, so order holds across them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from adapters.errors import DeliveryFailed, RecipientUnavailable
from bot.runtime.clock import Clock
from bot.runtime.held import drop_instead_of_holding
from bot.runtime.metrics import Metrics
from bot.runtime.outbox_kinds import OutboxKind
from bot.runtime.redaction import error_text, redact_text
from bot.runtime.reply_window import Held
from bot.runtime.undeliverable import RecruiterAlert, give_up
from storage.db import Database
from storage.records import OutboxItem

log = logging.getLogger(__name__)

ItemHandler = Callable[[OutboxItem], Awaitable[str | None]]
FAR_FUTURE = timedelta(days=3650)
IDLE_POLL_SECONDS = 1.0
# Longer than any one delivery takes (a 20 MB download, an upload with retries inside):
# the default of OUTBOX_LEASE_SECONDS.
CLAIM_LEASE = timedelta(minutes=5)
KINDS = frozenset(OutboxKind)


def backoff_seconds(attempt: int) -> float:
    """0.5 s, 1 s, 2 s ... capped at 60 s, with jitter so retries do not stampede."""
    base: float = min(60.0, 0.5 * 2 ** max(0, attempt - 1))
    return base * random.uniform(0.8, 1.2)


@dataclass
class OutboxDispatcher:
    db: Database
    handlers: dict[OutboxKind, ItemHandler]
    clock: Clock
    metrics: Metrics
    max_attempts: int = 8
    concurrency: int = 16
    shared: bool = False  # other processes deliver from the same outbox (PostgreSQL)
    alert: RecruiterAlert | None = None  # a candidate's message given up: recruiters told
    lease: timedelta = CLAIM_LEASE  # a claim's length: a dead claimer's items wait this long
    # Called with the platform's id of each message once its send is recorded (statuses
    # that arrived before that are applied then: bot/runtime/statuses.py).
    after_sent: Callable[[str], Awaitable[None]] | None = None
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _drained: asyncio.Event = field(default_factory=asyncio.Event)  # set after each delivery
    _in_flight: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _epoch: int = 0  # counts finished deliveries
    _lane_finished: dict[str, int] = field(default_factory=dict)  # lane -> epoch it finished
    _runner: asyncio.Task[None] | None = None
    _stopping: bool = False

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._runner = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await self._runner
        if self._in_flight:
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def drain(self, within: float = 30.0) -> bool:
        """Wait until nothing is pending or in flight; False if `within` seconds passed first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            # Cleared before counting: a delivery that ends while we count must wake us.
            self._drained.clear()
            async with self.db.unit_of_work(read_only=True) as uow:
                pending = await uow.outbox.count_pending()
            if pending == 0 and not self._in_flight:
                return True
            self._wake.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), deadline - loop.time())
        return False

    async def _run(self) -> None:
        while not self._stopping:
            try:
                next_due = await self._dispatch_eligible()
            except Exception:
                log.exception("outbox scan failed; retrying")
                next_due = IDLE_POLL_SECONDS
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=next_due)

    async def _dispatch_eligible(self) -> float:
        """Start the first pending item of every idle conversation; seconds to the next due."""
        now = self.clock()
        scan_mark = self._epoch
        async with self.db.unit_of_work(read_only=True) as uow:
            items = await uow.outbox.due(now + FAR_FUTURE, 1000)
        self.metrics.outbox_pending.set(len(items))
        wait = IDLE_POLL_SECONDS
        seen: set[str] = set()
        for item in items:
            lane = item.conversation_key or f"item:{item.id}"
            if lane in seen:
                continue
            seen.add(lane)
            if lane in self._in_flight or len(self._in_flight) >= self.concurrency:
                continue
            if self._lane_finished.get(lane, -1) > scan_mark:
                # Finished while we were reading: our copy predates its mark_sent or
                # retry_later. Sending it again would duplicate it; the next scan is fresh.
                continue
            if item.next_attempt_at > now:
                wait = min(wait, (item.next_attempt_at - now).total_seconds())
                continue
            task = asyncio.create_task(self._deliver(item), name=f"deliver-{item.id}")
            self._in_flight[lane] = task
            task.add_done_callback(functools.partial(self._finished, lane))
        self._forget_lanes_before(scan_mark)
        return max(wait, 0.01)

    def _forget_lanes_before(self, mark: int) -> None:
        for lane in [k for k, v in self._lane_finished.items() if v <= mark]:
            del self._lane_finished[lane]

    def _finished(self, lane: str, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(lane, None)
        self._epoch += 1
        self._lane_finished[lane] = self._epoch
        self._wake.set()
        self._drained.set()

    async def _deliver(self, item: OutboxItem) -> None:
        if self.shared and not await self._claim(item):
            return  # another process took it: its lane is theirs until they are done
        handler = self.handlers.get(OutboxKind(item.kind)) if item.kind in KINDS else None
        platform = _platform_of(item.payload)
        try:
            if handler is None:
                raise RecipientUnavailable(f"no handler for outbox kind {item.kind!r}")
            message_id = await handler(item)
        except DeliveryFailed as exc:
            await self._retry_or_fail(item, exc.reason, exc.retry_after, platform,
                                      throttled=exc.throttled)
            return
        except Held as exc:
            await self._hold(item, exc.reason)
            return
        except RecipientUnavailable as exc:
            await self._fail(item, str(exc), platform)
            return
        except Exception as exc:
            log.exception("outbox item %s (%s) raised", item.id, item.kind)
            await self._retry_or_fail(item, error_text(exc), None, platform)
            return
        async with self.db.unit_of_work() as uow:
            await uow.outbox.mark_sent(item.id, message_id, self.clock())
            await uow.commit()
        self.metrics.messages_sent.labels(platform, item.kind).inc()
        if message_id and self.after_sent is not None:
            try:
                await self.after_sent(message_id)
            except Exception:  # the reports stay kept; the message itself went out
                log.exception("outbox item %s: applying its early reports failed", item.id)

    async def _hold(self, item: OutboxItem, reason: str) -> None:
        """Until the candidate writes again; dropped instead when her interview is over."""
        async with self.db.unit_of_work() as uow:
            if not await drop_instead_of_holding(uow, item, self.clock()):
                await uow.outbox.hold(item.id, reason)
                log.info("outbox item %s (%s) waits for the candidate: %s", item.id,
                         item.kind, reason)
            await uow.commit()

    async def _claim(self, item: OutboxItem) -> bool:
        """Several processes scan one outbox (PostgreSQL): the item's due time is moved a
        lease ahead by whoever takes it first; a process that dies mid-delivery leaves it
        due again after the lease, for any process to take over. Sent twice only if the
        platform had accepted it and the claimer died before `mark_sent` committed (or a
        delivery outlasted the lease); otherwise once."""
        now = self.clock()
        async with self.db.unit_of_work() as uow:
            mine = await uow.outbox.claim(item.id, now, now + self.lease)
            await uow.commit()
        return mine

    async def _retry_or_fail(
        self, item: OutboxItem, reason: str, retry_after: float | None, platform: str,
        *, throttled: bool = False,
    ) -> None:
        """A rate limit (`throttled`) is waited out however often it comes: the lane (that
        candidate's messages) slows down, and nothing is lost or reordered."""
        attempt = item.attempts + 1
        reason = redact_text(reason)  # stored in the outbox: an error may quote a URL
        if attempt >= self.max_attempts and not throttled:
            await self._fail(item, f"{reason} (after {attempt} attempts)", platform)
            return
        delay = retry_after if retry_after is not None else backoff_seconds(attempt)
        self.metrics.delivery_retries.labels(platform, _reason_label(retry_after)).inc()
        log.info(
            "outbox item %s (%s) attempt %d failed: %s; retry in %.2f s",
            item.id, item.kind, attempt, reason, delay,
        )
        at: datetime = self.clock() + timedelta(seconds=delay)
        async with self.db.unit_of_work() as uow:
            await uow.outbox.retry_later(item.id, at, reason)
            await uow.commit()

    async def _fail(self, item: OutboxItem, reason: str, platform: str) -> None:
        reason = redact_text(reason)
        log.error(
            "outbox item %s failed for good: kind=%s interview=%s conversation=%s: %s",
            item.id, item.kind, item.interview_id, item.conversation_key, reason,
        )
        self.metrics.delivery_failed.labels(platform, item.kind).inc()
        async with self.db.unit_of_work() as uow:
            noted = await give_up(uow, item, reason, self.clock(), self.alert)
            await uow.commit()
        if noted:
            self.wake()


def _platform_of(payload: dict[str, Any]) -> str:
    to = payload.get("to")
    return str(to.get("platform", "-")) if isinstance(to, dict) else "-"


def _reason_label(retry_after: float | None) -> str:
    return "rate_limited" if retry_after is not None else "error"
