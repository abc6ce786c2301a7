"""Jobs lost between a commit and the queue (the process killed in that window: the timer
or transcript row is committed, its procrastinate job never deferred) are queued again by
the periodic repair within QUEUE_REPAIR_SECONDS, with every process still running (before,
only the next start repaired them). A transcription job that raises is retried by
procrastinate's retry policy; old finished jobs are removed. PostgreSQL only."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from bot.runtime.clock import system_clock
from bot.runtime.metrics import Metrics
from bot.runtime.queue_timers import QueueTimers
from bot.runtime.queue_worker import remove_old_jobs
from bot.transcription.port import Transcript
from bot.transcription.queue_jobs import TranscriptionJobs
from bot.transcription.worker import TranscriptionWorker
from conversations.effects import Schedule
from conversations.events import Event, TimerKind
from storage.db import Database
from storage.task_queue import build_queue_app
from tests.contract.test_timer_port import empty_pg
from tests.contract.timer_helpers import FiredTimers, interviews, soon, write_timers
from tests.e2e.harness import wait_until

REPAIR = 1  # seconds


class NoTranscriber:
    def load(self) -> object:
        return self

    def transcribe(self, path: Path, language: str | None) -> Transcript:
        raise AssertionError("not called: the recording worker stores its own result")

    def is_language_supported(self, language: str) -> bool:
        return True


@dataclass
class RecordingWorker(TranscriptionWorker):
    """Runs a part's job by storing a result and noting the part (no model, no file)."""

    ran: Counter[str] = field(default_factory=Counter)
    failures: int = 0  # the first runs raise, as when the database is away
    seconds: float = 0.0  # how long a job takes (a model at work)
    order: list[str] = field(default_factory=list)

    async def transcribe_part(self, part_id: str) -> None:
        self.ran[part_id] += 1
        self.order.append(part_id)
        await asyncio.sleep(self.seconds)
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the database went away")
        async with self.db.unit_of_work() as uow:
            await uow.transcripts.save_result(part_id, "text", [], "en", "fake", 1.0, 0.1)
            await uow.commit()


async def _true(value: bool) -> bool:
    return value


async def test_timers_lost_before_the_queue_fire_after_a_repair(pg_database: str) -> None:
    db = Database.from_url(pg_database)
    await empty_pg(db)
    app = build_queue_app(pg_database, pool_size=4)
    fired = FiredTimers(db)
    port = QueueTimers(db=db, app=app, clock=system_clock, runtime=fired, heartbeat=1.0,
                       poll=0.2, repair=REPAIR)
    try:
        await app.open_async()
        await port.start()  # its start-time reconcile finds nothing yet
        people = await interviews(db, 3)
        lost = [Schedule(TimerKind.REMINDER, soon(0.1), who) for who in people]
        await write_timers(db, lost)  # committed; `apply` never ran (the process died)
        await wait_until(lambda: _true(len(fired.fired) == len(lost)), 20, "the lost timers")
        assert set(fired.fired.values()) == {1}
    finally:
        await port.stop()
        await app.close_async()
        await db.dispose()


async def _emit(event: Event) -> None:
    pass


async def _nothing_pending(db: Database) -> bool:
    async with db.unit_of_work(read_only=True) as uow:
        return await uow.transcripts.pending_ids() == []


async def test_transcriptions_lost_before_the_queue_run_after_a_repair(
    pg_database: str,
) -> None:
    db = Database.from_url(pg_database)
    await empty_pg(db)
    app = build_queue_app(pg_database, pool_size=4)
    worker = RecordingWorker(db=db, transcriber=NoTranscriber(), emit=_emit,
                             clock=system_clock, metrics=Metrics())
    jobs = TranscriptionJobs(db=db, app=app, worker=worker, heartbeat=1.0, poll=0.2,
                             repair=REPAIR)
    try:
        await app.open_async()
        await jobs.start()
        async with db.unit_of_work() as uow:  # committed; the deferral after it never ran
            for n in range(3):
                await uow.transcripts.enqueue(f"i1-{n}", "i1")
            await uow.commit()
        await wait_until(lambda: _true(len(worker.ran) == 3), 20, "the lost transcriptions")
        assert set(worker.ran.values()) == {1}
        async with db.unit_of_work(read_only=True) as uow:
            assert await uow.transcripts.pending_ids() == []
    finally:
        await jobs.stop()
        await app.close_async()
        await db.dispose()


async def test_a_killed_workers_job_overtakes_a_backlog(pg_database: str) -> None:
    """Housekeeping jobs (the stalled sweep, the repair) share the `transcribe` queue with
    the work: they go first, or a killed worker's job would wait out the whole backlog (the
    200-candidate run found the sweep's jobs piling up behind hundreds of transcriptions)."""
    db = Database.from_url(pg_database)
    await empty_pg(db)
    app = build_queue_app(pg_database, pool_size=4)
    worker = RecordingWorker(db=db, transcriber=NoTranscriber(), emit=_emit,
                             clock=system_clock, metrics=Metrics(), seconds=0.2)
    jobs = TranscriptionJobs(db=db, app=app, worker=worker, heartbeat=1.0, poll=0.2)
    backlog = [f"b-{n}" for n in range(60)]
    try:
        await app.open_async()
        async with db.unit_of_work() as uow:
            for part in ["stalled", *backlog]:
                await uow.transcripts.enqueue(part, "i3")
            await uow.commit()
        await jobs._defer_all(["stalled", *backlog])
        async with db.engine.begin() as conn:  # its worker was killed (and pruned)
            await conn.execute(text("UPDATE procrastinate_jobs SET status = 'doing' "
                                    "WHERE queueing_lock = 'transcribe:stalled'"))
        await jobs.start()
        await wait_until(lambda: _true(worker.ran["stalled"] == 1), 40, "the stalled job")
        assert worker.order.index("stalled") < 45, worker.order  # not after the backlog
    finally:
        await jobs.stop()
        await app.close_async()
        await db.dispose()


async def test_a_failing_transcription_job_is_retried_and_old_jobs_are_removed(
    pg_database: str,
) -> None:
    db = Database.from_url(pg_database)
    await empty_pg(db)
    app = build_queue_app(pg_database, pool_size=4)
    worker = RecordingWorker(db=db, transcriber=NoTranscriber(), emit=_emit,
                             clock=system_clock, metrics=Metrics(), failures=1)
    jobs = TranscriptionJobs(db=db, app=app, worker=worker, heartbeat=1.0, poll=0.2)
    try:
        await app.open_async()
        await jobs.start()
        async with db.unit_of_work() as uow:
            await uow.transcripts.enqueue("i2-1", "i2")
            await uow.commit()
        await jobs._defer_all(["i2-1"])  # what the commit's after step does
        await wait_until(lambda: _nothing_pending(db), 20, "the retry")
        assert worker.ran["i2-1"] == 2
        jobs_of = "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'"
        async with db.engine.connect() as conn:  # the first run was retried, not failed
            assert (await conn.execute(text(jobs_of))).scalar() == 0
        async with db.engine.begin() as conn:  # a job failed for good, as after 5 attempts
            job = (await conn.execute(text(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args) "
                "VALUES ('elsewhere', 'interview_bot.transcribe', '{}') RETURNING id"
            ))).scalar()
            for status in ("doing", "failed"):  # its events: what the age is measured by
                await conn.execute(text(f"UPDATE procrastinate_jobs SET status = '{status}' "
                                        f"WHERE id = {job}"))
        await remove_old_jobs(app, keep_hours=1)  # a fresh failure stays
        async with db.engine.connect() as conn:
            assert (await conn.execute(text(jobs_of))).scalar() == 1
        await remove_old_jobs(app, keep_hours=0)
        async with db.engine.connect() as conn:
            assert (await conn.execute(text(jobs_of))).scalar() == 0
    finally:
        await jobs.stop()
        await app.close_async()
        await db.dispose()
