"""Transcribes every stored answer part as soon as it is kept, off the event loop.

The `transcripts` table is the persistent queue: `Transcribe` effects enqueue in the
handler's transaction and wake this worker after commit. The worker claims at most
`workers` pending parts at a time (a claim is a committed `claimed_at`), runs the blocking
transcriber in a pool of `workers` threads on one shared model, writes the result or the
failure reason in one transaction (status leaves `pending`: it is never done twice), and
then re-enters the engine with `TranscriptReady` (event id `transcript:<part>`, so a
redelivery is a duplicate). Claims left by a killed process are released on start, so work
that was in flight is done again after a restart, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from adapters.base import EventSink
from bot.runtime.clock import Clock
from bot.runtime.effects import AfterCommit
from bot.runtime.kits import KitCache
from bot.runtime.metrics import Metrics
from bot.transcription.errors import FailureReason, TranscriptionFailed
from bot.transcription.languages import warn_unsupported_languages
from bot.transcription.port import Transcriber, Transcript
from config.kit import Kit
from conversations.events import ConversationRef, Platform, TranscriptReady
from storage.db import Database, UnitOfWork
from storage.records import CampaignStatus, TranscriptRecord, TranscriptStatus

log = logging.getLogger(__name__)

# Work enqueued by another process (a second instance, a CLI) is noticed within this time.
POLL_SECONDS = 5.0
STORE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class _Job:
    part_id: str
    interview_id: str
    path: Path | None
    language: str | None
    conversation: ConversationRef
    status: TranscriptStatus = TranscriptStatus.PENDING
    failure_reason: str | None = None


@dataclass
class TranscriptionWorker:
    db: Database
    transcriber: Transcriber
    emit: EventSink
    clock: Clock
    metrics: Metrics
    workers: int = 1
    poll_seconds: float = POLL_SECONDS
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _pool: ThreadPoolExecutor = field(init=False)
    _runner: asyncio.Task[None] | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    kits: KitCache = field(default_factory=KitCache)
    _stopping: bool = False

    def __post_init__(self) -> None:
        self.workers = max(1, self.workers)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="transcribe")

    @property
    def in_flight(self) -> int:
        """Transcriptions running now (at most `workers`)."""
        return len(self._tasks)

    def on_commit(self, after: AfterCommit) -> None:
        if after.wake_transcriber:
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        """Release claims of a killed process, load the model, warn about kit languages the
        model cannot do, then work through the queue in the background."""
        async with self.db.unit_of_work() as uow:
            released = await uow.transcripts.release_claims()
            await uow.commit()
        if released:
            log.info("transcription: %d interrupted job(s) queued again", released)
        await self.prepare()
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name="transcription-worker")

    async def prepare(self) -> None:
        """Load the model (once per process) and warn about kit languages it cannot do."""
        await asyncio.get_running_loop().run_in_executor(self._pool, self.transcriber.load)
        warn_unsupported_languages(self.transcriber, await self._live_kit_languages())

    async def stop(self) -> None:
        """Stop claiming; let running transcriptions finish and be stored (seconds at most)."""
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await self._runner
            self._runner = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._pool.shutdown(wait=True)

    async def _live_kit_languages(self) -> set[str]:
        async with self.db.unit_of_work(read_only=True) as uow:
            campaigns = await uow.campaigns.list_all()
            return {
                (await uow.campaigns.kit(c.kit_version_id)).language
                for c in campaigns if c.status in (CampaignStatus.LIVE, CampaignStatus.PAUSED)
            }

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before claiming: a wake-up during the claim is not lost
            try:
                for part_id in await self._claim():
                    task = asyncio.create_task(self._transcribe(part_id), name=part_id)
                    self._tasks.add(task)
                    task.add_done_callback(self._done)
            except Exception:
                log.exception("transcription: claiming work failed; retrying shortly")
            # A finished job, a new answer or stop() wakes us; the timeout catches work that
            # other processes enqueued.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._wake.set()

    async def _claim(self) -> list[str]:
        free = self.workers - len(self._tasks)
        if free <= 0 or self._stopping:
            return []
        async with self.db.unit_of_work() as uow:
            ids = await uow.transcripts.claim_pending(free)
            await uow.commit()
        return ids

    async def transcribe_part(self, part_id: str) -> None:
        """One part, start to end, outside the claiming loop (a task queue's job, maybe run
        again after its worker died). A part an earlier run already stored is not redone,
        only announced again: that run may have died before announcing, and the handler
        drops a duplicate announcement by its event id."""
        try:
            job = await self._job(part_id, pending_only=False)
            if job is not None and job.status is not TranscriptStatus.PENDING:
                await self._emit_ready(job, job.status is TranscriptStatus.DONE,
                                       job.failure_reason)
                return
        except Exception:
            log.exception("transcription of part %s: reading it failed", part_id)
            raise
        await self._transcribe(part_id, job)

    async def _transcribe(self, part_id: str, known: _Job | None = None) -> None:
        """One claimed part, start to end. Never raises: the part ends stored (result or
        failure); if the database refuses even that, it stays claimed, so the next start
        (which releases claims) does it again."""
        try:
            job = known or await self._job(part_id)
            if job is None:
                return
            result, reason = await self._run_transcriber(job)
            if await self._store_with_retries(job, result, reason):
                await self._announce(job, result, reason)
        except Exception:
            log.exception("transcription of part %s not stored; it is redone on restart",
                          part_id)

    async def _job(self, part_id: str, pending_only: bool = True) -> _Job | None:
        async with self.db.unit_of_work(read_only=True) as uow:
            record = await uow.transcripts.get(part_id)
            if record is None or (pending_only and record.status is not TranscriptStatus.PENDING):
                # erased since it was claimed, or done by an earlier run of its job
                log.info("transcription of part %s skipped: no longer queued", part_id)
                return None
            part = await uow.answers.part(part_id)
            state = await uow.interviews.get(record.interview_id)
            kit = await self._kit(uow, state.kit_version_id) if state is not None else None
        candidate = state.candidate if state is not None else None
        return _Job(
            part_id=part_id,
            interview_id=record.interview_id,
            path=Path(part.path) if part is not None and part.path else None,
            language=kit.language if kit is not None else None,
            conversation=candidate or _system_ref(record),
            status=record.status,
            failure_reason=record.failure_reason,
        )

    async def _kit(self, uow: UnitOfWork, kit_version_id: str) -> Kit | None:
        try:
            return await self.kits.get(uow, kit_version_id)
        except LookupError:  # no kit, no language: the model detects (or assumes) it
            log.warning("kit version %s not found; transcribing without a language",
                        kit_version_id)
            return None

    async def _run_transcriber(self, job: _Job) -> tuple[Transcript | None, str | None]:
        if job.path is None:
            return None, FailureReason.FILE_MISSING.value
        log.info("transcribing part %s of interview %s", job.part_id, job.interview_id)
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(
                self._pool, self.transcriber.transcribe, job.path, job.language
            )
        except TranscriptionFailed as exc:
            log.info("part %s gave no transcript: %s", job.part_id, exc)
            return None, exc.reason.value
        except Exception:
            # A bug or a broken engine, not the candidate's file: keep the reason visible to
            # reviewers instead of retrying the same crash forever.
            log.exception("transcriber crashed on part %s (%s)", job.part_id, job.path)
            return None, FailureReason.ENGINE_ERROR.value
        return result, None

    async def _store_with_retries(
        self, job: _Job, result: Transcript | None, reason: str | None
    ) -> bool:
        """A busy database (SQLite lock, PostgreSQL failover) must not cost a transcript."""
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                return await self._store(job, result, reason)
            except Exception:
                if attempt == STORE_ATTEMPTS:
                    raise
                log.warning("storing the transcript of part %s failed (attempt %d); retrying",
                            job.part_id, attempt, exc_info=True)
                await asyncio.sleep(0.5 * attempt)  # a back-off, not a timer
        return False

    async def _store(self, job: _Job, result: Transcript | None, reason: str | None) -> bool:
        """Write the outcome; False if the part was erased meanwhile (nothing to announce)."""
        async with self.db.unit_of_work() as uow:
            try:
                if result is not None:
                    await uow.transcripts.save_result(
                        job.part_id, result.text,
                        [(s.start, s.end, s.text) for s in result.segments],
                        result.language, result.model_name, result.audio_seconds,
                        result.processing_seconds,
                    )
                else:
                    await uow.transcripts.save_failure(job.part_id, reason or "unknown")
            except LookupError:
                log.info("transcript of part %s dropped: the answer was erased", job.part_id)
                return False
            await uow.commit()
        self.metrics.transcriptions.labels("ok" if result is not None else "failed").inc()
        return True

    async def _announce(self, job: _Job, result: Transcript | None, reason: str | None) -> None:
        started = time.perf_counter()
        await self._emit_ready(job, result is not None, reason)
        log.info(
            "part %s of interview %s: %s (%.1fs audio in %.2fs; handled in %.1f ms)",
            job.part_id, job.interview_id, "transcribed" if result else f"failed: {reason}",
            result.audio_seconds if result else 0.0,
            result.processing_seconds if result else 0.0,
            (time.perf_counter() - started) * 1000,
        )

    async def _emit_ready(self, job: _Job, ok: bool, reason: str | None) -> None:
        event = TranscriptReady(
            event_id=f"transcript:{job.part_id}", occurred_at=self.clock(),
            conversation=job.conversation, interview_id=job.interview_id,
            part_id=job.part_id, ok=ok, failure_reason=reason,
        )
        try:
            await self.emit(event)
        except Exception:  # the runtime logged it; the transcript itself is stored
            log.warning("TranscriptReady for part %s was not handled", job.part_id)


def _system_ref(record: TranscriptRecord) -> ConversationRef:
    return ConversationRef(platform=Platform.SYSTEM, chat_id=record.interview_id,
                           user_id="transcriber")
