"""The timer port's contract, one class over both implementations: APScheduler 3 on SQLite
(the embedded default) and procrastinate on PostgreSQL (replicas; skipped without it).

Timers are written to the table as the handler writes them, then handed to the port after
commit (`apply`); they must come back through the handler path once, at their time, and
never when cancelled or moved. Assertions of "not fired" wait for a later marker timer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.runtime.clock import system_clock
from bot.runtime.queue_timers import QueueTimers
from bot.runtime.timer_port import TimerPort, TimerScope
from bot.runtime.timers import TimerService
from conversations.effects import Cancel, Schedule
from conversations.events import TimerKind
from storage.db import Database
from storage.models import Base
from storage.task_queue import build_queue_app
from tests.contract.timer_helpers import FiredTimers, interviews, soon, write_timers
from tests.e2e.harness import wait_until

PortFactory = Callable[[FiredTimers], Awaitable[TimerPort]]
QUEUE_TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs",
                "procrastinate_workers")


async def empty_pg(db: Database) -> None:
    async with db.engine.begin() as conn:
        for table in QUEUE_TABLES:
            await conn.execute(text(f"DELETE FROM {table}"))
        for model in reversed(Base.metadata.sorted_tables):
            await conn.execute(model.delete())


@pytest.fixture(params=["apscheduler", "procrastinate"])
async def timer_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "apscheduler":
        db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/timers.db")
        await db.migrate()
    else:
        db = Database.from_url(request.getfixturevalue("pg_database"))
        await empty_pg(db)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def make_port(timer_db: Database) -> AsyncIterator[PortFactory]:
    started: list[tuple[TimerPort, Any]] = []

    async def make(runtime: FiredTimers) -> TimerPort:
        port: TimerPort
        app = None
        if timer_db.backend == "sqlite":
            url = timer_db.engine.url.render_as_string(hide_password=False)
            port = TimerService(db=timer_db, database_url=url, clock=system_clock,
                                runtime=runtime)
        else:
            app = build_queue_app(timer_db.engine.url.render_as_string(hide_password=False))
            await app.open_async()
            port = QueueTimers(db=timer_db, app=app, clock=system_clock, runtime=runtime,
                               heartbeat=1.0, poll=0.1)
        started.append((port, app))
        await port.start()
        return port

    yield make
    for port, app in reversed(started):
        await port.stop()
        if app is not None:
            await app.close_async()


async def schedule(port: TimerPort, db: Database, *timers: Schedule) -> None:
    await write_timers(db, list(timers))
    port.apply(list(timers), [])


class TestTimerPort:
    async def test_a_due_timer_fires_once_through_the_handler(
        self, timer_db: Database, make_port: PortFactory
    ) -> None:
        fired = FiredTimers(timer_db)
        port = await make_port(fired)
        assert port.running
        a, b = await interviews(timer_db, 2)
        await schedule(port, timer_db, Schedule(TimerKind.PREP_END, soon(0.5), a),
                       Schedule(TimerKind.REMINDER, soon(0.5), a, key="2h"))
        await schedule(port, timer_db, Schedule(TimerKind.DEADLINE, soon(1.5), b))  # marker
        await wait_until(lambda: _true(fired.has(b, TimerKind.DEADLINE)), 15, "the marker")
        assert fired.fired == {(a, "prep_end", ""): 1, (a, "reminder", "2h"): 1,
                               (b, "deadline", ""): 1}
        assert all(late > -0.05 for late in fired.lateness)  # never early

    async def test_cancelled_and_moved_timers(
        self, timer_db: Database, make_port: PortFactory
    ) -> None:
        fired = FiredTimers(timer_db)
        port = await make_port(fired)
        a, b, c = await interviews(timer_db, 3)
        await schedule(port, timer_db, Schedule(TimerKind.PREP_END, soon(0.8), a),
                       Schedule(TimerKind.REMINDER, soon(0.8), a, key="24h"),
                       Schedule(TimerKind.REMINDER, soon(0.8), a, key="2h"))
        async with timer_db.unit_of_work() as uow:
            await uow.timers.cancel(a, TimerKind.PREP_END, None)
            await uow.timers.cancel(a, TimerKind.REMINDER, None)
            await uow.commit()
        port.apply([], [Cancel(TimerKind.PREP_END, a), Cancel(TimerKind.REMINDER, a)])
        moved = soon(1.5)
        await schedule(port, timer_db, Schedule(TimerKind.ANSWER_END, soon(0.5), b))
        await schedule(port, timer_db, Schedule(TimerKind.ANSWER_END, moved, b))
        await schedule(port, timer_db, Schedule(TimerKind.DEADLINE, soon(2.5), c))  # marker
        await wait_until(lambda: _true(fired.has(c, TimerKind.DEADLINE)), 15, "the marker")
        assert fired.fired == {(b, "answer_end", ""): 1, (c, "deadline", ""): 1}
        assert fired.due[(b, "answer_end", "")] == moved

    async def test_timers_written_while_down_fire_on_start(
        self, timer_db: Database, make_port: PortFactory
    ) -> None:
        a, b = await interviews(timer_db, 2)
        await write_timers(timer_db, [Schedule(TimerKind.DEADLINE, soon(-60), a),
                                      Schedule(TimerKind.PREP_END, soon(0.3), b)])
        fired = FiredTimers(timer_db)
        await make_port(fired)
        await wait_until(lambda: _true(len(fired.fired) == 2), 15, "both timers")
        assert fired.fired == {(a, "deadline", ""): 1, (b, "prep_end", ""): 1}

    async def test_a_terminal_interview_is_left_to_its_terminal(
        self, timer_db: Database, make_port: PortFactory
    ) -> None:
        from dataclasses import replace

        from conversations.events import ConversationRef

        a, b = await interviews(timer_db, 2)
        async with timer_db.unit_of_work() as uow:
            state = await uow.interviews.get(a)
            assert state is not None
            await uow.interviews.save(replace(state, candidate=ConversationRef("shell", a, "me")))
            await uow.commit()
        fired = FiredTimers(timer_db)
        port = await make_port(fired)
        port.scope = TimerScope(terminal_platforms=frozenset({"shell"}))
        await schedule(port, timer_db, Schedule(TimerKind.PREP_END, soon(0.3), a),
                       Schedule(TimerKind.PREP_END, soon(0.8), b))
        await wait_until(lambda: _true(fired.has(b, TimerKind.PREP_END)), 15, "b's timer")
        assert not fired.has(a, TimerKind.PREP_END)


async def _true(value: bool) -> bool:
    return value
