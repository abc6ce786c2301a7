"""Three replicas (three pools, three procrastinate apps and workers, as three processes
would have) share one PostgreSQL database: every timer fires once, whichever replica
scheduled it, even when all three schedule the same timers."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.runtime.clock import system_clock
from bot.runtime.queue_timers import QueueTimers
from conversations.effects import Schedule
from conversations.events import TimerKind
from storage.db import Database
from storage.task_queue import build_queue_app
from tests.contract.test_timer_port import empty_pg
from tests.contract.timer_helpers import FiredTimers, interviews, soon, write_timers
from tests.e2e.harness import wait_until

REPLICAS, PEOPLE, PER_PERSON = 3, 40, 5


async def test_three_replicas_fire_each_timer_once(pg_database: str) -> None:
    dbs = [Database.from_url(pg_database) for _ in range(REPLICAS)]
    await empty_pg(dbs[0])
    apps = [build_queue_app(pg_database, pool_size=6) for _ in range(REPLICAS)]
    recorders = [FiredTimers(db) for db in dbs]
    ports = [QueueTimers(db=db, app=app, clock=system_clock, runtime=rec, heartbeat=1.0,
                         poll=0.2) for db, app, rec in zip(dbs, apps, recorders, strict=True)]
    try:
        for app in apps:
            await app.open_async()
        await asyncio.gather(*(port.start() for port in ports))
        people = await interviews(dbs[0], PEOPLE)
        timers = [Schedule(TimerKind.REMINDER, soon(0.5 + (n * PER_PERSON + k) * 0.01), who,
                           key=f"k{k}")
                  for n, who in enumerate(people) for k in range(PER_PERSON)]
        await write_timers(dbs[0], timers)
        for n, port in enumerate(ports):  # one third each, then everyone everything again
            port.apply(timers[n::REPLICAS], [])
        for port in ports:
            port.apply(timers, [])

        def total() -> Counter[tuple[str, str, str]]:
            return sum((r.fired for r in recorders), Counter())

        expected = len(timers)
        await wait_until(lambda: _true(len(total()) == expected), 30, f"{expected} timers")
        async with dbs[0].unit_of_work(read_only=True) as uow:
            assert await uow.timers.pending() == []
            assert len(await uow.events.with_prefix("timer:")) == expected
        assert set(total().values()) == {1}
        assert sum(1 for r in recorders if r.fired) >= 2  # the work was shared
    finally:
        for port in ports:
            await port.stop()
        for app in apps:
            await app.close_async()
        for db in dbs:
            await db.dispose()


async def _true(value: bool) -> bool:
    return value


async def test_a_job_left_at_a_timers_old_time_wakes_it_at_the_new_one(
    pg_database: str,
) -> None:
    """Two after-commit steps for one timer can race; if the older time's job is the one
    left waiting, the table's time still decides when the timer fires."""
    from datetime import timedelta

    db = Database.from_url(pg_database)
    await empty_pg(db)
    app = build_queue_app(pg_database)
    fired = FiredTimers(db)
    port = QueueTimers(db=db, app=app, clock=system_clock, runtime=fired, heartbeat=1.0,
                       poll=0.1)
    try:
        await app.open_async()
        await port.start()
        (who,) = await interviews(db, 1)
        old, new = soon(0.3), soon(1.5)
        await write_timers(db, [Schedule(TimerKind.ANSWER_END, new, who)])
        port.apply([Schedule(TimerKind.ANSWER_END, old, who)], [])  # the race's loser
        await wait_until(lambda: _true(fired.has(who, TimerKind.ANSWER_END)), 15, "the timer")
        assert fired.fired[(who, "answer_end", "")] == 1
        assert fired.due[(who, "answer_end", "")] == new
        assert min(fired.lateness) > -timedelta(milliseconds=50).total_seconds()
    finally:
        await port.stop()
        await app.close_async()
        await db.dispose()
