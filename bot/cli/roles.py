"""Process roles and the parts that differ between one process and several (composition
root helpers for `Service.create`).

SQLite (the embedded default): one process does everything; timers on APScheduler, the
transcription worker in-process. PostgreSQL: timers and transcription jobs on procrastinate,
and `run --role` splits the work: `web` receives webhooks, handles events, delivers the
outbox and fires timers; `worker` consumes the `transcribe` queue (one model per process);
`all` does both. Any number of each share the database.
"""

from __future__ import annotations

from enum import StrEnum

from procrastinate import App

from bot.runtime.clock import Clock
from bot.runtime.queue_timers import QueueTimers
from bot.runtime.timer_port import EventHandler, TimerPort, TimerScope
from bot.runtime.timers import TimerService
from bot.transcription.queue_jobs import TranscriptionJobs
from bot.transcription.worker import TranscriptionWorker
from config.settings import Settings
from storage.db import Database
from storage.task_queue import build_queue_app


class Role(StrEnum):
    ALL = "all"
    WEB = "web"
    WORKER = "worker"

    @property
    def serves(self) -> bool:
        """Webhooks, channels, the outbox, timers firing."""
        return self is not Role.WORKER

    @property
    def transcribes(self) -> bool:
        return self is not Role.WEB


ROLE_NEEDS_POSTGRES = ("--role {role} needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://...); "
                       "with SQLite one process does everything: run it without --role")
WEB_NEEDS_SECRET = ("--role web runs behind a load balancer: set WEB_SECRET to the same random "
                    "value on every replica (e.g. `openssl rand -hex 32`), so that the "
                    "candidate page's sessions work on all of them")


async def open_queue(db: Database) -> App | None:
    """procrastinate's app, opened, on PostgreSQL; None on SQLite."""
    if db.backend != "postgresql":
        return None
    app = build_queue_app(db.engine.url.render_as_string(hide_password=False))
    await app.open_async()
    return app


def build_timers(
    db: Database, settings: Settings, clock: Clock, runtime: EventHandler,
    scope: TimerScope, queue: App | None, role: Role,
) -> TimerPort:
    if queue is None:
        return TimerService(db=db, database_url=settings.database_url, clock=clock,
                            runtime=runtime, scope=scope)
    return QueueTimers(db=db, app=queue, clock=clock, runtime=runtime, scope=scope,
                       fire_jobs=role.serves, heartbeat=settings.queue_heartbeat_seconds,
                       poll=settings.queue_poll_seconds, repair=settings.queue_repair_seconds)


def build_transcription(
    db: Database, settings: Settings, worker: TranscriptionWorker, queue: App | None,
    role: Role,
) -> TranscriptionWorker | TranscriptionJobs:
    if queue is None:
        return worker
    return TranscriptionJobs(db=db, app=queue, worker=worker if role.transcribes else None,
                             heartbeat=settings.queue_heartbeat_seconds,
                             poll=settings.queue_poll_seconds,
                             repair=settings.queue_repair_seconds)
