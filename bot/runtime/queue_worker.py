"""One procrastinate worker on one queue, run inside our event loop, plus its stalled sweep.

A worker heartbeats every `heartbeat` seconds; a job left `doing` by a worker whose
heartbeat is older than `STALLED_AFTER` heartbeats (a killed process) is put back to
`todo` by the sweep, a procrastinate periodic task on the same queue, so another process
runs it. Our jobs are idempotent (ids only; the tables decide), so a retry is safe.

`register_repair` adds a periodic task that re-queues the jobs a process lost between its
commit and the queue (killed in that window): the tables are the record, the queue follows.
procrastinate defers each tick of a periodic task once across all processes, so one
replica runs each repair. `register_cleanup` deletes finished jobs a week old once a day
(succeeded ones are deleted at once by the workers; failed ones stay a week for a look).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from procrastinate import App

log = logging.getLogger(__name__)

STALLED_AFTER = 3  # heartbeats missed
SWEEP_SECONDS = 5
CLEANUP_CRON = "17 4 * * *"  # daily at 04:17 UTC
KEEP_FINISHED_HOURS = 7 * 24
# Housekeeping shares its queue with the work: it goes first (procrastinate takes the highest
# priority), or on a busy `transcribe` queue a killed worker's job would wait for the whole
# backlog to be retried. One waiting job each (queueing lock): ticks do not pile up.
HOUSEKEEPING = 100


def _housekeeping(app: App, name: str, queue: str) -> Any:
    return app.task(name=name, queue=queue, pass_context=False, queueing_lock=name,
                    priority=HOUSEKEEPING)


def every(seconds: int) -> str:
    """procrastinate's cron for every `seconds` (1-60; the 6th field is seconds)."""
    if not 1 <= seconds <= 60:
        raise ValueError(f"a period of 1 to 60 seconds, not {seconds}")
    return f"* * * * * */{seconds}"


def register_repair(app: App, queue: str, seconds: int,
                    repair: Callable[[], Awaitable[None]]) -> None:
    """Run `repair` every `seconds` on `queue`, in one process per tick (once per app)."""
    name = f"interview_bot.repair.{queue}"
    if name in app.tasks:
        return

    async def run_repair(timestamp: int) -> None:
        await repair()

    task = _housekeeping(app, name, queue)(run_repair)
    app.periodic(cron=every(seconds), periodic_id=queue)(task)


def register_sweep(app: App, queue: str, heartbeat: float) -> None:
    """The periodic task that retries the stalled jobs of `queue` (once per app and queue)."""
    name = f"interview_bot.retry_stalled.{queue}"
    if name in app.tasks:
        return

    async def retry_stalled(timestamp: int) -> None:
        stalled = await app.job_manager.get_stalled_jobs(
            queue=queue, seconds_since_heartbeat=heartbeat * STALLED_AFTER)
        for job in stalled:
            try:
                await app.job_manager.retry_job(job)
                log.warning("job %s (%s) of a stopped worker is retried", job.id, job.task_name)
            except Exception:  # another sweep got it first
                log.info("stalled job %s already taken care of", job.id, exc_info=True)

    task = _housekeeping(app, name, queue)(retry_stalled)
    app.periodic(cron=every(SWEEP_SECONDS), periodic_id=queue)(task)


async def remove_old_jobs(app: App, keep_hours: int = KEEP_FINISHED_HOURS) -> None:
    """Delete the jobs of every queue finished (failed, cancelled, aborted, succeeded) more
    than `keep_hours` ago (procrastinate's `delete_old_jobs`, behind its builtin task)."""
    await app.job_manager.delete_old_jobs(nb_hours=keep_hours, include_failed=True,
                                          include_cancelled=True, include_aborted=True)


def register_cleanup(app: App, queue: str) -> None:
    """`remove_old_jobs` daily, in one process, run by the workers of `queue`."""
    name = "interview_bot.remove_old_jobs"
    if name in app.tasks:
        return

    async def cleanup(timestamp: int) -> None:
        await remove_old_jobs(app)

    task = _housekeeping(app, name, queue)(cleanup)
    app.periodic(cron=CLEANUP_CRON, periodic_id=queue)(task)


@dataclass
class QueueWorker:
    app: App
    queue: str
    concurrency: int = 1
    heartbeat: float = 10.0  # seconds between heartbeats; stalled after STALLED_AFTER
    poll: float = 1.0  # seconds between polls for due jobs (a timer's worst lateness)
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        register_sweep(self.app, self.queue, self.heartbeat)
        self._task = asyncio.create_task(self._run(), name=f"queue-worker-{self.queue}")

    async def _run(self) -> None:
        try:
            await self.app.run_worker_async(
                queues=[self.queue], concurrency=self.concurrency, wait=True,
                name=f"{self.queue}-worker", install_signal_handlers=False,
                delete_jobs="successful", update_heartbeat_interval=self.heartbeat,
                stalled_worker_timeout=self.heartbeat * STALLED_AFTER,
                fetch_job_polling_interval=self.poll,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the %s queue worker stopped", self.queue)

    async def stop(self) -> None:
        """Graceful: running jobs finish, no new job is taken."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
