"""The outbox dispatcher on real SQLite: each item once, in order per conversation, retried
after `retry_after`, failed only after the last attempt."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.errors import DeliveryFailed
from bot.runtime.clock import system_clock
from bot.runtime.delivery import OutboxDispatcher
from bot.runtime.metrics import Metrics
from bot.runtime.outbox_kinds import OutboxKind
from storage.db import Database
from storage.records import OutboxItem


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    await database.migrate()
    yield database
    await database.dispose()


async def enqueue(db: Database, items: list[tuple[str, int]]) -> None:
    async with db.unit_of_work() as uow:
        for conversation, n in items:
            await uow.outbox.add("send", {"n": n}, conversation, None)
        await uow.commit()


async def test_each_item_once_and_in_order_per_conversation(db: Database) -> None:
    delivered: dict[str, list[int]] = {}
    rng = random.Random(7)

    async def send(item: OutboxItem) -> str:
        await asyncio.sleep(rng.uniform(0, 0.004))  # interleave deliveries and scans
        assert item.conversation_key is not None
        delivered.setdefault(item.conversation_key, []).append(int(item.payload["n"]))
        return str(item.id)

    plan = [(f"chat{c}", n) for n in range(40) for c in range(5)]
    dispatcher = OutboxDispatcher(db=db, handlers={OutboxKind.SEND: send}, clock=system_clock,
                                  metrics=Metrics())
    await dispatcher.start()
    try:
        for start in range(0, len(plan), 20):  # enqueued while delivering
            await enqueue(db, plan[start:start + 20])
            dispatcher.wake()
        assert await dispatcher.drain(within=60)
    finally:
        await dispatcher.stop()
    assert delivered == {f"chat{c}": list(range(40)) for c in range(5)}


async def test_retry_after_then_failure_after_max_attempts(db: Database) -> None:
    attempts: list[int] = []

    async def flaky(item: OutboxItem) -> str:
        attempts.append(item.attempts)
        raise DeliveryFailed("429", retry_after=0.05)

    metrics = Metrics()
    dispatcher = OutboxDispatcher(db=db, handlers={OutboxKind.SEND: flaky}, clock=system_clock,
                                  metrics=metrics, max_attempts=3)
    await enqueue(db, [("chat", 1)])
    await dispatcher.start()
    try:
        assert await dispatcher.drain(within=30)
    finally:
        await dispatcher.stop()
    assert attempts == [0, 1, 2]
    async with db.unit_of_work(read_only=True) as uow:
        assert await uow.outbox.count_failed() == 1
    assert metrics.delivery_failed.labels("-", "send")._value.get() == 1


async def test_drain_sees_a_delivery_that_ends_while_it_counts(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery finishing during drain's own count must not be missed (the shell waits
    on drain before every typed line; a missed one cost it the whole `within`)."""
    from storage.repositories.outbox import OutboxRepository

    sending, release = asyncio.Event(), asyncio.Event()

    async def send(item: OutboxItem) -> str:
        sending.set()
        await release.wait()
        return str(item.id)

    dispatcher = OutboxDispatcher(db=db, handlers={OutboxKind.SEND: send}, clock=system_clock,
                                  metrics=Metrics())
    count_pending = OutboxRepository.count_pending

    async def count_then_finish_delivery(repo: OutboxRepository) -> int:
        pending = await count_pending(repo)  # still 1: the item is in flight
        release.set()
        await asyncio.wait({delivery})  # done, recorded, and drain's event set
        return pending

    await enqueue(db, [("chat", 1)])
    await dispatcher.start()
    try:
        await sending.wait()
        (delivery,) = dispatcher._in_flight.values()
        monkeypatch.setattr(OutboxRepository, "count_pending", count_then_finish_delivery)
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert await dispatcher.drain(within=10)
        assert loop.time() - started < 5
    finally:
        monkeypatch.undo()
        await dispatcher.stop()
