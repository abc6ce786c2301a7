"""Timers on APScheduler 3: jobs carry ids only and come back as `TimerFired` events.

The `timers` table is the source of truth; the APScheduler job store (same database) only
decides when to wake us. On start, jobs are reconciled with the table: a timer that was due
while the service was down fires once, now. Exactly-once is guaranteed by the event id
(`timer:<interview>:<kind>:<key>`), which the handler path records as processed.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import make_url

from bot.runtime.clock import Clock
from bot.runtime.timer_port import EventHandler, TimerFiring, TimerScope, job_id
from conversations.effects import Cancel, Schedule
from conversations.events import TimerKind
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")
__all__ = ["TimerScope", "TimerService", "fire_timer", "sync_jobstore_url"]

# APScheduler stores a reference to a module-level function and its arguments; the function
# finds the live service here. One service per process, set in `TimerService.start`.
_ACTIVE: dict[str, TimerService] = {}


async def fire_timer(interview_id: str, kind: str, key: str, due_iso: str) -> None:
    """Runs on the scheduler's loop; the event is handled on the service's main loop."""
    service = _ACTIVE.get("service")
    if service is None or service.main_loop is None:
        log.error("timer %s/%s/%s fired with no service running", interview_id, kind, key)
        return
    firing = service.fire(interview_id, TimerKind(kind), key, datetime.fromisoformat(due_iso))
    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(firing, service.main_loop))


def sync_jobstore_url(database_url: str) -> str:
    """APScheduler 3's job store is synchronous: swap the async driver for a sync one."""
    url = make_url(database_url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}[url.get_backend_name()]
    return url.set(drivername=driver).render_as_string(hide_password=False)


@dataclass
class TimerService:
    """APScheduler on its own thread and event loop.

    The SQLAlchemy job store is synchronous. On the main loop, a job-store write waiting for
    SQLite's write lock would block the very loop that must finish the transaction holding
    it (a deadlock until the busy timeout). On its own thread it just waits its turn; jobs
    hop back to the main loop to be handled.
    """

    db: Database
    database_url: str
    clock: Clock
    runtime: EventHandler | None = None
    scope: TimerScope = field(default_factory=TimerScope)
    scheduler: AsyncIOScheduler = field(init=False)
    _loop: asyncio.AbstractEventLoop = field(init=False)
    _thread: threading.Thread = field(init=False)
    main_loop: asyncio.AbstractEventLoop | None = None

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="scheduler", daemon=True
        )
        self.scheduler = AsyncIOScheduler(
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone="UTC",
            event_loop=self._loop,
        )

    async def _on_scheduler_thread(self, work: Callable[[], T]) -> T:
        async def run() -> T:
            return work()

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), self._loop))

    async def start(self) -> None:
        self.main_loop = asyncio.get_running_loop()
        _ACTIVE["service"] = self
        self._thread.start()

        def start_scheduler() -> None:
            # The store is chosen now, not when built: a shell learns its interview between.
            self.scheduler.add_jobstore(self._job_store(), "default")
            self.scheduler.start()

        await self._on_scheduler_thread(start_scheduler)
        await self.reconcile()

    def _job_store(self) -> BaseJobStore:
        if self.scope.in_memory:
            return MemoryJobStore()
        return SQLAlchemyJobStore(
            url=sync_jobstore_url(self.database_url), tablename="apscheduler_jobs",
            engine_options=_engine_options(self.database_url),
        )

    async def stop(self) -> None:
        if self._thread.is_alive():
            if self.scheduler.running:
                await self._on_scheduler_thread(lambda: self.scheduler.shutdown(wait=False))
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join, 10)
        if not self._thread.is_alive() and not self._loop.is_closed():
            self._loop.close()
        _ACTIVE.pop("service", None)

    async def reconcile(self) -> None:
        """Make the job store match the timers table; overdue timers fire now."""
        async with self.db.unit_of_work(read_only=True) as uow:
            pending = await self.scope.pending(uow)
        wanted = {job_id(t.interview_id, t.kind, t.key) for t in pending}

        def sync_jobs() -> None:
            for job in self.scheduler.get_jobs():
                if job.id not in wanted:
                    job.remove()
            for t in pending:
                self._add(t.interview_id, t.kind, t.key, t.due_at)

        await self._on_scheduler_thread(sync_jobs)
        log.info("timers reconciled: %d pending", len(pending))

    def apply(self, schedules: list[Schedule], cancels: list[Cancel]) -> None:
        """Called after commit; the job store is updated on the scheduler thread."""
        if not schedules and not cancels:
            return

        def sync_jobs() -> None:
            for c in cancels:
                self._cancel(c)
            for s in schedules:
                self._add(s.interview_id, s.timer.value, s.key, s.at)

        self._loop.call_soon_threadsafe(_logged(sync_jobs))

    def _add(self, interview_id: str, kind: str, key: str, due: datetime) -> None:
        run_at = max(due, self.clock())
        self.scheduler.add_job(
            fire_timer,
            trigger="date",
            run_date=run_at,
            id=job_id(interview_id, kind, key),
            args=[interview_id, kind, key, due.isoformat()],
            replace_existing=True,
        )

    def _cancel(self, c: Cancel) -> None:
        prefix = f"{c.interview_id}:{c.timer.value}:"
        exact = job_id(c.interview_id, c.timer.value, c.key)
        for job in self.scheduler.get_jobs():
            if job.id == exact or (not c.key and job.id.startswith(prefix)):
                job.remove()

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    async def fire(self, interview_id: str, kind: TimerKind, key: str, due: datetime) -> None:
        await TimerFiring(self.db, self.clock, self.runtime, self.scope).fire(
            interview_id, kind, key, due)


def _engine_options(database_url: str) -> dict[str, Any]:
    # Wait for SQLite's write lock instead of failing after pysqlite's 5 s default.
    if make_url(database_url).get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": 60}}
    return {}


def _logged(work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except Exception:
            log.exception("updating scheduler jobs failed; the timers table still has them")

    return run
