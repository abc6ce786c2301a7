"""Timers on APScheduler 3: jobs carry ids only and come back as `TimerFired` events.

The `timers` table is the source of truth; the APScheduler job store (same database) only
decides when to wake us. On start, jobs are reconciled with the table: a timer that was due
while the service was down fires once, now. Exactly-once is guaranteed by the event id
(`timer:<interview>:<kind>:<key>`), which the handler path records as processed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import make_url

from bot.clock import Clock
from bot.runtime import Runtime
from conversations.effects import Cancel, Schedule
from conversations.events import ConversationRef, TimerFired, TimerKind
from storage.db import Database

log = logging.getLogger(__name__)

# APScheduler stores a reference to a module-level function and its arguments; the function
# finds the live service here. One service per process, set in `TimerService.start`.
_ACTIVE: dict[str, TimerService] = {}


async def fire_timer(interview_id: str, kind: str, key: str, due_iso: str) -> None:
    service = _ACTIVE.get("service")
    if service is None:
        log.error("timer %s/%s/%s fired with no service running", interview_id, kind, key)
        return
    await service.fire(interview_id, TimerKind(kind), key, datetime.fromisoformat(due_iso))


def sync_jobstore_url(database_url: str) -> str:
    """APScheduler 3's job store is synchronous: swap the async driver for a sync one."""
    url = make_url(database_url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}[url.get_backend_name()]
    return url.set(drivername=driver).render_as_string(hide_password=False)


def job_id(interview_id: str, kind: str, key: str) -> str:
    return f"{interview_id}:{kind}:{key}"


@dataclass
class TimerService:
    db: Database
    database_url: str
    clock: Clock
    runtime: Runtime | None = None
    scheduler: AsyncIOScheduler = field(init=False)

    def __post_init__(self) -> None:
        store = SQLAlchemyJobStore(
            url=sync_jobstore_url(self.database_url), tablename="apscheduler_jobs"
        )
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": store},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone="UTC",
        )

    async def start(self) -> None:
        _ACTIVE["service"] = self
        self.scheduler.start()
        await self.reconcile()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        _ACTIVE.pop("service", None)

    async def reconcile(self) -> None:
        """Make the job store match the timers table; overdue timers fire now."""
        async with self.db.unit_of_work(read_only=True) as uow:
            pending = await uow.timers.pending()
        wanted = {job_id(t.interview_id, t.kind, t.key): t for t in pending}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()
        for t in pending:
            self._add(t.interview_id, t.kind, t.key, t.due_at)
        log.info("timers reconciled: %d pending", len(pending))

    def apply(self, schedules: list[Schedule], cancels: list[Cancel]) -> None:
        for c in cancels:
            self._cancel(c)
        for s in schedules:
            self._add(s.interview_id, s.timer.value, s.key, s.at)

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
        prefix = job_id(c.interview_id, c.timer.value, c.key) if c.key else (
            f"{c.interview_id}:{c.timer.value}:"
        )
        for job in self.scheduler.get_jobs():
            if job.id == prefix or (not c.key and job.id.startswith(prefix)):
                job.remove()

    async def fire(self, interview_id: str, kind: TimerKind, key: str, due: datetime) -> None:
        assert self.runtime is not None, "TimerService.runtime is wired in bootstrap"
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(interview_id)
        if state is None:
            log.warning("timer %s/%s for unknown interview %s", kind, key, interview_id)
            return
        conversation = state.candidate or ConversationRef("none", interview_id, interview_id)
        await self.runtime.handle(_timer_event(interview_id, kind, key, due, conversation,
                                               self.clock()))


def _timer_event(
    interview_id: str, kind: TimerKind, key: str, due: datetime,
    conversation: ConversationRef, now: datetime,
) -> TimerFired:
    return TimerFired(
        event_id=f"timer:{interview_id}:{kind.value}:{key}:{due.isoformat()}",
        occurred_at=now,
        conversation=conversation,
        kind=kind,
        interview_id=interview_id,
        due_at=due,
        timer_key=key,
    )


def describe_jobs(service: TimerService) -> list[dict[str, Any]]:
    return [{"id": j.id, "next_run_time": j.next_run_time} for j in service.scheduler.get_jobs()]
