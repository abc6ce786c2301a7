"""The composition root: everything is built here, inside `Service.create`, from Settings.

Nothing is built at import time (STYLE: cosmicpython bootstrap). `run` and `shell` both use
this; they differ only in the channels they add.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from adapters.base import Channel
from bot.cli.web import Handler, build_app, start_site
from bot.recruiting.chat import RecruiterChat
from bot.recruiting.desk import RecruiterDesk
from bot.runtime.clock import Clock, system_clock
from bot.runtime.dead_letters import DeadLetters
from bot.runtime.delivery import OutboxDispatcher
from bot.runtime.effects import AfterCommit, EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.health import health_report
from bot.runtime.media import MediaFetcher
from bot.runtime.metrics import Metrics
from bot.runtime.senders import MessageSender
from bot.runtime.timers import TimerService
from bot.transcription.whisper import WhisperTranscriber
from bot.transcription.worker import TranscriptionWorker
from config.settings import Settings
from conversations.events import Event
from conversations.messages import Message, RenderedMessage
from conversations.texts import Catalog
from storage.blobs import MediaStore
from storage.db import Database
from storage.records import OutboxItem

log = logging.getLogger(__name__)


@dataclass
class Catalogs:
    """One loaded catalog per language, loaded on first use."""

    _loaded: dict[str, Catalog] = field(default_factory=dict)

    def render(self, language: str, message: Message) -> RenderedMessage:
        catalog = self._loaded.get(language)
        if catalog is None:
            catalog = self._loaded[language] = Catalog.load(language)
        return catalog.render(message)


@dataclass
class Service:
    settings: Settings
    db: Database
    store: MediaStore
    metrics: Metrics
    clock: Clock
    runtime: Runtime
    dispatcher: OutboxDispatcher
    timers: TimerService
    channels: dict[str, Channel]
    catalogs: Catalogs
    recruiter_desk: RecruiterDesk
    recruiter_chat: RecruiterChat
    dead_letters: DeadLetters
    routes: dict[str, Handler] = field(default_factory=dict)
    background: list[Any] = field(default_factory=list)  # started/stopped with the service
    transcription: TranscriptionWorker | None = None
    _chores: set[asyncio.Task[None]] = field(default_factory=set)
    _runner: web.AppRunner | None = None

    @classmethod
    async def create(cls, settings: Settings, clock: Clock = system_clock) -> Service:
        db = Database.from_url(settings.database_url)
        await db.migrate()
        store = MediaStore(settings.media_dir)
        metrics = Metrics()
        catalogs = Catalogs()
        channels: dict[str, Channel] = {}
        writer = EffectWriter(render=catalogs.render, clock=clock)
        holder: dict[str, Service] = {}
        runtime = Runtime(
            db=db, writer=writer, clock=clock, metrics=metrics,
            after_commit=lambda after: holder["service"].after_commit(after),
        )
        sender = MessageSender(db=db, channels=channels)
        fetcher = MediaFetcher(db=db, store=store, channels=channels, emit=runtime.handle,
                               clock=clock)
        dispatcher = OutboxDispatcher(
            db=db, clock=clock, metrics=metrics, max_attempts=settings.delivery_max_attempts,
            handlers={"send": sender.send, "edit": sender.edit, "fetch_media": fetcher.fetch,
                      "review": _no_review_channel},
        )
        timers = TimerService(db=db, database_url=settings.database_url, clock=clock,
                              runtime=runtime)
        recruiter_desk = RecruiterDesk(db=db, settings=settings, clock=clock,
                                       emit=runtime.handle)
        service = cls(settings=settings, db=db, store=store, metrics=metrics, clock=clock,
                      runtime=runtime, dispatcher=dispatcher, timers=timers,
                      channels=channels, catalogs=catalogs, recruiter_desk=recruiter_desk,
                      recruiter_chat=RecruiterChat(db, recruiter_desk, dispatcher.wake),
                      dead_letters=DeadLetters(db, settings.dead_letter_after_failures))
        holder["service"] = service
        worker = TranscriptionWorker(
            db=db, transcriber=build_transcriber(settings), emit=runtime.handle, clock=clock,
            metrics=metrics, workers=max(1, settings.transcribe_workers),
        )
        service.transcription = worker
        service.background.append(worker)
        return service

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    def after_commit(self, after: AfterCommit) -> None:
        self.timers.apply(after.schedule, after.cancel)
        if after.wake_outbox:
            self.dispatcher.wake()
        for hook in self.background:
            on_commit = getattr(hook, "on_commit", None)
            if on_commit is not None:
                on_commit(after)
        if after.erased_media:
            task = asyncio.create_task(self._delete_media(after.erased_media))
            self._chores.add(task)
            task.add_done_callback(self._chores.discard)

    async def _delete_media(self, paths: list[str]) -> None:
        for path in paths:
            await self.store.delete_path(path)

    async def handle(self, event: Event) -> None:
        """What the channels deliver: recruiter commands, else the candidate runtime."""
        if await self.recruiter_chat.handle(event):
            return
        await self.runtime.handle(event)

    async def start(self, *, serve_http: bool = True) -> None:
        await self.timers.start()
        await self.dispatcher.start()
        for worker in self.background:
            await worker.start()
        if serve_http:
            app = build_app(self.metrics, self.health, self.routes)
            self._runner = await start_site(app, self.settings.http_host, self.settings.http_port)
            log.info("web server on http://%s:%s (/healthz, /metrics)",
                     self.settings.http_host, self.settings.http_port)
        for channel in self.channels.values():
            await channel.start(self.dead_letters.guard(self.handle))

    async def stop(self) -> None:
        for channel in self.channels.values():
            await _quietly(channel.stop())
        if self._runner is not None:
            await self._runner.cleanup()
        for worker in reversed(self.background):
            await _quietly(worker.stop())
        await self.dispatcher.stop()
        await self.timers.stop()
        await self.db.dispose()

    async def health(self) -> dict[str, object]:
        # Timer counts come from our table: touching the job store from this loop could
        # wait on the scheduler thread's lock (see TimerService).
        async with self.db.unit_of_work(read_only=True) as uow:
            timers = len(await uow.timers.pending())
            outbox = await uow.outbox.count_pending()
        return {
            "platforms": sorted(self.channels),
            "scheduler": self.timers.scheduler.running,
            "timers_pending": timers,
            "outbox_pending": outbox,
            **await health_report(self.channels, self.dead_letters),
        }


async def _no_review_channel(item: OutboxItem) -> str | None:
    """Without Slack the submission stays in the database (and the audit log) only."""
    log.warning(
        "interview %s submitted; no review channel is configured (set SLACK_BOT_TOKEN and "
        "SLACK_SIGNING_SECRET to post submissions to Slack)", item.interview_id,
    )
    return None


def build_transcriber(settings: Settings) -> WhisperTranscriber:
    return WhisperTranscriber(
        model=settings.whisper_model,
        device=settings.whisper_device,
        compute_type=settings.whisper_compute_type,
        beam_size=settings.whisper_beam_size,
        workers=max(1, settings.transcribe_workers),
    )


async def _quietly(stopping: Any) -> None:
    try:
        await stopping
    except Exception:
        log.exception("error while stopping; carrying on with shutdown")


async def wait_forever() -> None:
    await asyncio.Event().wait()
