"""Timers on procrastinate (PostgreSQL): durable, shared by any number of replicas.

Each pending timer has one waiting job on the `timers` queue, scheduled at its due time, its
queueing lock `timer:<interview>:<kind>:<key>` (one waiting job per timer). Whichever
replica's worker takes the job (`FOR UPDATE SKIP LOCKED`) fires it through the handler path
(`TimerFiring`); the handler marks the row fired in the same transaction, so a stale or
duplicated job is a no-op and each timer fires once across replicas. A job whose replica
died mid-run is retried by the stalled-job sweep (`bot/runtime/queue_worker.py`); a job
lost between the commit and `apply` (its replica killed there) is queued by `reconcile`,
on start and every `repair` seconds in one replica.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job

from bot.runtime.clock import Clock
from bot.runtime.queue_worker import QueueWorker, register_cleanup, register_repair
from bot.runtime.timer_port import EventHandler, TimerFiring, TimerScope, job_id
from conversations.effects import Cancel, Schedule
from conversations.events import TimerKind
from storage.db import Database
from storage.records import TimerRecord
from storage.task_queue import TIMERS_QUEUE, drop_waiting, queued_locks

log = logging.getLogger(__name__)

FIRE_TASK = "interview_bot.fire_timer"
RECONCILE_BATCH = 500


def queueing_lock(interview_id: str, kind: str, key: str) -> str:
    return f"timer:{job_id(interview_id, kind, key)}"


@dataclass
class QueueTimers:
    db: Database
    app: App
    clock: Clock
    runtime: EventHandler | None = None
    scope: TimerScope = field(default_factory=TimerScope)
    fire_jobs: bool = True  # False: schedule and cancel only (a process that fires none)
    concurrency: int = 8
    heartbeat: float = 10.0
    poll: float = 1.0
    repair: int = 60  # seconds between two reconciles (one replica runs each)
    worker: QueueWorker | None = None
    _chores: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.app.task(name=FIRE_TASK, queue=TIMERS_QUEUE, pass_context=False)(self._fire_job)
        register_repair(self.app, TIMERS_QUEUE, self.repair, self.reconcile)
        register_cleanup(self.app, TIMERS_QUEUE)  # web processes always run this queue

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    async def start(self) -> None:
        if self.fire_jobs:
            await self.reconcile()
            self.worker = QueueWorker(self.app, TIMERS_QUEUE, self.concurrency,
                                      self.heartbeat, self.poll)
            await self.worker.start()

    async def stop(self) -> None:
        if self._chores:
            await asyncio.gather(*self._chores, return_exceptions=True)
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None

    async def reconcile(self) -> None:
        """A job for every pending timer that has none (written while no replica was up, or
        a crash between commit and `apply`); overdue ones are due now. The queue is read
        first: a timer whose job ran in between is then no longer pending."""
        have = await queued_locks(self.app, TIMERS_QUEUE)
        async with self.db.unit_of_work(read_only=True) as uow:
            pending = await self.scope.pending(uow)
        missing = [t for t in pending
                   if queueing_lock(t.interview_id, t.kind, t.key) not in have]
        for start in range(0, len(missing), RECONCILE_BATCH):
            await self._defer_many(missing[start:start + RECONCILE_BATCH])
        (log.info if missing or not self.running else log.debug)(
            "timers reconciled: %d pending, %d jobs added", len(pending), len(missing))

    async def _defer_many(self, timers: list[TimerRecord]) -> None:
        jobs = [_job(t.interview_id, t.kind, t.key, t.due_at) for t in timers]
        try:
            await self.app.job_manager.batch_defer_jobs_async(jobs)
        except AlreadyEnqueued:  # another replica reconciles too: one by one, skip theirs
            for t in timers:
                await self._defer(t.interview_id, t.kind, t.key, t.due_at)

    def apply(self, schedules: list[Schedule], cancels: list[Cancel]) -> None:
        if not schedules and not cancels:
            return
        task = asyncio.create_task(self._apply(schedules, cancels))
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)

    async def _apply(self, schedules: list[Schedule], cancels: list[Cancel]) -> None:
        try:
            moved = [queueing_lock(s.interview_id, s.timer.value, s.key) for s in schedules]
            exact = [queueing_lock(c.interview_id, c.timer.value, c.key)
                     for c in cancels if c.key]
            prefixes = [queueing_lock(c.interview_id, c.timer.value, "")
                        for c in cancels if not c.key]
            await drop_waiting(self.app, TIMERS_QUEUE, exact + moved, prefixes)
            for s in schedules:
                await self._defer(s.interview_id, s.timer.value, s.key, s.at)
        except Exception:
            log.exception("updating timer jobs failed; the timers table still has them and "
                          "the next start reconciles")

    async def _defer(self, interview_id: str, kind: str, key: str, due: datetime) -> None:
        job = _job(interview_id, kind, key, due)
        try:
            await self.app.job_manager.defer_job_async(job)
        except AlreadyEnqueued:  # a waiting job for this timer's old time: replace it
            await drop_waiting(self.app, TIMERS_QUEUE, [job.queueing_lock or ""], [])
            await self.app.job_manager.defer_job_async(job)

    async def _fire_job(self, interview_id: str, kind: str, key: str, due_iso: str) -> None:
        """The table decides: a cancelled or fired timer does nothing; a timer moved since
        this job was queued (two after-commit steps racing can leave the older time's job
        waiting) is queued again for its time, or fired now if that time has come."""
        due = datetime.fromisoformat(due_iso)
        async with self.db.unit_of_work(read_only=True) as uow:
            timer = await uow.timers.get(interview_id, kind, key)
        if timer is None or timer.fired_at is not None:
            return
        if timer.due_at != due:
            if timer.due_at > self.clock():
                await self._defer(interview_id, kind, key, timer.due_at)
                return
            due = timer.due_at
        firing = TimerFiring(self.db, self.clock, self.runtime, self.scope)
        await firing.fire(interview_id, TimerKind(kind), key, due)


def _job(interview_id: str, kind: str, key: str, due: datetime) -> Job:
    return Job(
        queue=TIMERS_QUEUE, lock=None, task_name=FIRE_TASK, scheduled_at=due,
        queueing_lock=queueing_lock(interview_id, kind, key),
        task_kwargs={"interview_id": interview_id, "kind": kind, "key": key,
                     "due_iso": due.isoformat()},
    )
