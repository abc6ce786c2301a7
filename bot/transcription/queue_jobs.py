"""Transcription on the `transcribe` procrastinate queue (PostgreSQL, several processes).

The `transcripts` table stays the queue of record (status pending); each pending part also
has one job on the `transcribe` queue (queueing lock and lock `transcribe:<part>`), deferred
after the commit that queued it. Worker processes (`run --role worker`, or `all`) consume
the queue, each with one model and `TRANSCRIBE_WORKERS` jobs at a time, through the same
`TranscriptionWorker` steps as the in-process loop on SQLite. A job that finds its part no
longer pending does nothing, so a retried job (its worker killed mid-way, see
`bot/runtime/queue_worker.py`) transcribes the part once. A web-only process defers jobs and
runs none. A part whose job was lost between its commit and the deferral (the process killed
there) is queued again by `reconcile`: on a consumer's start and every `repair` seconds in
one consuming process.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from procrastinate import App, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job

from bot.runtime.effects import AfterCommit
from bot.runtime.queue_worker import QueueWorker, register_repair
from bot.transcription.worker import TranscriptionWorker
from storage.db import Database
from storage.task_queue import TRANSCRIBE_QUEUE, queued_locks

log = logging.getLogger(__name__)

TRANSCRIBE_TASK = "interview_bot.transcribe"
# A job that raises (reading the part failed: the database away) runs again after 2, 4, 8,
# 16 s; after that the periodic repair queues the still-pending part again.
RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)


def _lock(part_id: str) -> str:
    return f"transcribe:{part_id}"


@dataclass
class TranscriptionJobs:
    db: Database
    app: App
    worker: TranscriptionWorker | None = None  # None: defer jobs, run none (a web process)
    heartbeat: float = 10.0
    poll: float = 1.0
    repair: int = 60  # seconds between two reconciles (one consuming process runs each)
    _consumer: QueueWorker | None = None
    _chores: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.app.task(name=TRANSCRIBE_TASK, queue=TRANSCRIBE_QUEUE, pass_context=False,
                      retry=RETRY)(self._run_job)
        register_repair(self.app, TRANSCRIBE_QUEUE, self.repair, self.reconcile)

    @property
    def consumes(self) -> bool:
        return self.worker is not None

    def on_commit(self, after: AfterCommit) -> None:
        if not after.transcribe:
            return
        task = asyncio.create_task(self._defer_all(list(after.transcribe)))
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)

    async def start(self) -> None:
        if self.worker is None:
            return
        await self.worker.prepare()
        await self.reconcile()
        self._consumer = QueueWorker(self.app, TRANSCRIBE_QUEUE, self.worker.workers,
                                     self.heartbeat, self.poll)
        await self._consumer.start()

    async def stop(self) -> None:
        if self._chores:
            await asyncio.gather(*self._chores, return_exceptions=True)
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        if self.worker is not None:
            await self.worker.stop()

    async def reconcile(self) -> None:
        """A job for every pending part that has none (a crash between commit and defer).
        The queue is read first: a part whose job ran in between is no longer pending."""
        have = await queued_locks(self.app, TRANSCRIBE_QUEUE)
        async with self.db.unit_of_work(read_only=True) as uow:
            pending = await uow.transcripts.pending_ids()
        missing = [p for p in pending if _lock(p) not in have]
        await self._defer_all(missing)
        if missing:
            log.info("transcription: %d pending part(s) queued again", len(missing))

    async def _defer_all(self, part_ids: list[str]) -> None:
        for part_id in part_ids:
            job = Job(queue=TRANSCRIBE_QUEUE, lock=_lock(part_id), queueing_lock=_lock(part_id),
                      task_name=TRANSCRIBE_TASK, task_kwargs={"part_id": part_id})
            try:
                await self.app.job_manager.defer_job_async(job)
            except AlreadyEnqueued:
                pass  # already waiting: one job is enough
            except Exception:
                log.exception("queueing the transcription of part %s failed; a worker's "
                              "next start queues it again", part_id)

    async def _run_job(self, part_id: str) -> None:
        assert self.worker is not None, "only consuming processes run transcription jobs"
        await self.worker.transcribe_part(part_id)
