"""The composition root: everything is built here, inside `Service.create`, from Settings.

Nothing is built at import time (STYLE: cosmicpython bootstrap). `run` and `shell` both use
this; they differ only in the channels they add (`bot/cli/platforms.py` registers each
platform: a candidate channel, a reviewer channel, or both).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web
from procrastinate import App

from adapters.base import Channel
from bot.cli.invite_links import invite_makers
from bot.cli.roles import Role, build_timers, build_transcription, open_queue
from bot.cli.web import Handler, build_app, start_site
from bot.recruiting.alerts import RecruiterAlerts
from bot.recruiting.ats import AtsInvites
from bot.recruiting.chat import RecruiterChat
from bot.recruiting.desk import RecruiterDesk
from bot.review.decisions import Decisions
from bot.review.desk import ReviewerDesk
from bot.review.permissions import Gate
from bot.review.places import ReviewPlaces
from bot.review.scoring_desk import ScoringDesk
from bot.review.service import ReviewService
from bot.review.webhook import DecisionWebhookSender
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import Clock, system_clock
from bot.runtime.dead_letters import DeadLetters
from bot.runtime.delivery import ItemHandler, OutboxDispatcher
from bot.runtime.effects import AfterCommit, EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.health import health_report
from bot.runtime.kits import KitCache
from bot.runtime.listeners import CommitListener, Lifecycle
from bot.runtime.media import MediaFetcher
from bot.runtime.metrics import Metrics
from bot.runtime.outbox_kinds import OutboxKind
from bot.runtime.senders import MessageSender
from bot.runtime.timer_port import TimerPort, TimerScope
from bot.runtime.timers import TimerService
from bot.transcription.port import Transcriber
from bot.transcription.probe import probe_media
from bot.transcription.queue_jobs import TranscriptionJobs
from bot.transcription.stored_media import StoredMediaTranscriber
from bot.transcription.whisper import WhisperTranscriber
from bot.transcription.worker import TranscriptionWorker
from config.settings import Settings
from conversations.events import Event, Platform
from storage.blobs import MediaStore
from storage.db import Database
from storage.s3blobs import S3MediaStore

log = logging.getLogger(__name__)


@dataclass
class Service:
    settings: Settings
    db: Database
    store: MediaStore
    metrics: Metrics
    clock: Clock
    runtime: Runtime
    dispatcher: OutboxDispatcher
    timers: TimerPort
    catalogs: Catalogs
    recruiter_desk: RecruiterDesk
    recruiter_chat: RecruiterChat
    review_places: ReviewPlaces
    reviewer_desk: ReviewerDesk
    dead_letters: DeadLetters
    channels: dict[str, Channel] = field(default_factory=dict)
    routes: dict[str, Handler] = field(default_factory=dict)
    background: list[Lifecycle] = field(default_factory=list)  # started/stopped in order
    listeners: list[CommitListener] = field(default_factory=list)
    transcription: TranscriptionWorker | TranscriptionJobs | None = None
    role: Role = Role.ALL
    queue: App | None = None  # procrastinate, on PostgreSQL
    _started: list[Lifecycle] = field(default_factory=list)
    _channels_started: bool = False
    _chores: set[asyncio.Task[None]] = field(default_factory=set)
    _runner: web.AppRunner | None = None

    @classmethod
    async def create(
        cls, settings: Settings, clock: Clock = system_clock, role: Role = Role.ALL
    ) -> Service:
        db = Database.from_url(settings.database_url)
        await db.migrate()
        queue = await open_queue(db)
        metrics, catalogs, kits = Metrics(), Catalogs(), KitCache()
        channels: dict[str, Channel] = {}
        writer = EffectWriter(render=catalogs.render, clock=clock,
                              decision_webhook=bool(settings.decision_webhook_url),
                              capabilities=lambda p: c.capabilities if (c := channels.get(p))
                              else None)
        holder: dict[str, Service] = {}
        runtime = Runtime(
            db=db, writer=writer, clock=clock, metrics=metrics, kits=kits,
            after_commit=lambda after: holder["service"].after_commit(after),
        )
        dispatcher = OutboxDispatcher(db=db, clock=clock, metrics=metrics,
                                      max_attempts=settings.delivery_max_attempts, handlers={},
                                      shared=db.backend == "postgresql",
                                      alert=RecruiterAlerts(settings.recruiter_ids,
                                                            platforms_on=channels.keys),
                                      lease=timedelta(seconds=settings.outbox_lease_seconds))
        # Shell interviews' timers belong to the terminal that runs them (TimerScope).
        scope = TimerScope(terminal_platforms=frozenset({Platform.SHELL.value}))
        recruiter_desk = RecruiterDesk(db=db, settings=settings, clock=clock,
                                       emit=runtime.handle,
                                       invite_makers=invite_makers(settings),
                                       render=catalogs.render)
        places = ReviewPlaces()
        recruiter_desk.in_review = places.member_place
        gate = Gate(places, settings.recruiter_ids)
        scoring = ScoringDesk(db=db, places=places, gate=gate, clock=clock,
                              wake_outbox=dispatcher.wake)
        decisions = Decisions(db=db, places=places, gate=gate, clock=clock, emit=runtime.handle)
        service = cls(
            settings=settings, db=db, store=build_media_store(settings), metrics=metrics,
            clock=clock, runtime=runtime, dispatcher=dispatcher,
            timers=build_timers(db, settings, clock, runtime, scope, queue, role),
            catalogs=catalogs, recruiter_desk=recruiter_desk,
            recruiter_chat=RecruiterChat(db, recruiter_desk, dispatcher.wake,
                                         download=lambda p, ref: channels[p].download(ref)),
            review_places=places,
            reviewer_desk=ReviewerDesk(scoring, decisions, recruiter_desk.command),
            channels=channels,
            dead_letters=DeadLetters(db, settings.dead_letter_after_failures),
            role=role, queue=queue,
        )
        holder["service"] = service
        service._register_outbox_handlers(kits)
        if settings.ats_webhook_secret is not None:
            ats = AtsInvites(db, settings.ats_webhook_secret.get_secret_value(), clock,
                             invite_makers(settings))
            service.routes["/api/invites"] = ats.handle
        worker = TranscriptionWorker(
            db=db, transcriber=reading_store(build_transcriber(settings), service.store),
            emit=runtime.handle, clock=clock,
            metrics=metrics, workers=max(1, settings.transcribe_workers), kits=kits,
        )
        transcription = build_transcription(db, settings, worker, queue, role)
        service.transcription = transcription
        service.background.extend([transcription, scoring])
        service.listeners.append(transcription)
        return service

    def use_terminal_timers(self, interview_id: str) -> None:
        """The shell: this interview's timers only, in memory (see `TimerScope`)."""
        if isinstance(self.timers, TimerService):  # not started yet: narrow its scope
            self.timers.scope = TimerScope(interview_id=interview_id)
            return
        self.timers = TimerService(db=self.db, database_url=self.settings.database_url,
                                   clock=self.clock, runtime=self.runtime,
                                   scope=TimerScope(interview_id=interview_id))

    def _register_outbox_handlers(self, kits: KitCache) -> None:
        """One handler per outbox kind (`bot/runtime/outbox_kinds.py`)."""
        sender = MessageSender(db=self.db, channels=self.channels, clock=self.clock)
        fetcher = MediaFetcher(db=self.db, store=self.store, channels=self.channels,
                               emit=self.runtime.handle, clock=self.clock,
                               probe_duration=lambda path: probe_media(path).duration_s)
        review = ReviewService(db=self.db, places=self.review_places, clock=self.clock,
                               wake_outbox=self.dispatcher.wake, store=self.store,
                               board_base=self.settings.public_url)
        secret = self.settings.decision_webhook_secret
        webhook = DecisionWebhookSender(self.settings.decision_webhook_url,
                                        secret.get_secret_value() if secret else None)
        self.background.append(webhook)
        handlers: dict[OutboxKind, ItemHandler] = {
            OutboxKind.SEND: sender.send,
            OutboxKind.EDIT: sender.edit,
            OutboxKind.FETCH_MEDIA: fetcher.fetch,
            OutboxKind.REVIEW: review.post,
            OutboxKind.REVIEW_UPLOAD: review.upload,
            OutboxKind.REVIEW_REFRESH: review.refresh,
            OutboxKind.REVIEW_AGGREGATE: review.post_aggregate,
            OutboxKind.REVIEW_ERASE: review.erase,
            OutboxKind.DECISION_WEBHOOK: webhook.deliver,
        }
        missing = set(OutboxKind) - set(handlers)
        assert not missing, f"outbox kinds without a handler: {missing}"
        self.dispatcher.handlers.update(handlers)

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.platform] = channel

    def after_commit(self, after: AfterCommit) -> None:
        self.timers.apply(after.schedule, after.cancel)
        if after.wake_outbox:
            self.dispatcher.wake()
        for listener in self.listeners:
            listener.on_commit(after)
        if after.erased_media:
            self._chore(self._delete_media(after.erased_media))

    def _chore(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
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
        await self.store.check()  # a wrong MEDIA_URL fails here, not at the first answer
        await self.timers.start()
        if self.role.serves:
            await self.dispatcher.start()
            for worker in self.background:
                await self._start(worker)
        else:  # a transcription worker: the queue consumer, and /healthz, /metrics
            assert self.transcription is not None
            await self._start(self.transcription)
        if serve_http:
            routes = self.routes if self.role.serves else {}
            app = build_app(self.metrics, self.health, routes)
            self._runner = await start_site(app, self.settings.http_host, self.settings.http_port)
            log.info("web server on http://%s:%s (/healthz, /metrics)",
                     self.settings.http_host, self.settings.http_port)
        self._channels_started = self.role.serves
        for channel in self.channels.values() if self.role.serves else ():
            await channel.start(self.dead_letters.guard(self.handle))

    async def stop(self) -> None:
        for channel in self.channels.values() if self._channels_started else ():
            await _quietly(channel.stop())
        if self._runner is not None:
            await self._runner.cleanup()
        for worker in reversed(self._started):
            await _quietly(worker.stop())
        await self.dispatcher.stop()
        await self.timers.stop()
        if self.queue is not None:
            await self.queue.close_async()
        await _quietly(self.store.close())
        await self.db.dispose()

    async def _start(self, part: Lifecycle) -> None:
        await part.start()
        self._started.append(part)

    async def health(self) -> dict[str, object]:
        # Timer counts come from our table: touching the job store from this loop could
        # wait on the scheduler thread's lock (see TimerService).
        async with self.db.unit_of_work(read_only=True) as uow:
            timers = len(await uow.timers.pending())
            outbox = await uow.outbox.count_pending()
        return {
            "platforms": sorted(self.channels),
            "reviewers": sorted({c.platform for c in self.review_places.channels}),
            "scheduler": self.timers.running,
            "timers_pending": timers,
            "outbox_pending": outbox,
            **await health_report(self.channels, self.dead_letters),
        }


def build_media_store(settings: Settings) -> MediaStore:
    """The folder `MEDIA_DIR`, or with `MEDIA_URL` an S3-compatible bucket (the folder is
    then this machine's cache)."""
    if settings.media_url is None:
        return MediaStore(settings.media_dir)
    return S3MediaStore(settings.media_url, settings.media_dir,
                        endpoint_url=settings.media_s3_endpoint_url,
                        cache_max_age_s=settings.media_cache_hours * 3600)


def reading_store(transcriber: Transcriber, store: MediaStore) -> Transcriber:
    """With a shared store, answers stored on another machine are fetched before decoding."""
    if not isinstance(store, S3MediaStore):
        return transcriber
    return StoredMediaTranscriber(transcriber, store, asyncio.get_running_loop())


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
