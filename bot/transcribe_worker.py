"""Transcribes every stored answer part as soon as it is kept, off the event loop.

The `transcripts` table is the persistent queue: `Transcribe` effects enqueue in the
handler's transaction; this worker claims pending parts, runs the blocking transcriber in
a bounded thread pool, stores the result or the failure reason, and re-enters the engine
with `TranscriptReady`. Claims left by a crashed process are released on start, so pending
work is done after a restart; the result row is written once (status leaves `pending`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from adapters.base import EventSink
from bot.clock import Clock
from bot.effects import AfterCommit
from bot.metrics import Metrics
from bot.transcription.errors import TranscriptionFailed
from bot.transcription.port import Transcriber, Transcript
from conversations.events import ConversationRef, TranscriptReady
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class TranscriptionWorker:
    db: Database
    transcriber: Transcriber
    emit: EventSink
    clock: Clock
    metrics: Metrics
    workers: int = 1
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _slots: asyncio.Semaphore = field(init=False)
    _pool: ThreadPoolExecutor = field(init=False)
    _runner: asyncio.Task[None] | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _stopping: bool = False

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.workers)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="transcribe")

    def on_commit(self, after: AfterCommit) -> None:
        if after.wake_transcriber:
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        async with self.db.unit_of_work() as uow:
            released = await uow.transcripts.release_claims()
            await uow.commit()
        if released:
            log.info("transcription: %d interrupted job(s) picked up again", released)
        self._runner = asyncio.create_task(self._run(), name="transcription-worker")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await self._runner
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._pool.shutdown(wait=True, cancel_futures=True)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            claimed = await self._claim()
            for part_id in claimed:
                task = asyncio.create_task(self._transcribe(part_id))
                self._tasks.add(task)
                task.add_done_callback(self._done)
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=5.0)
            else:
                await self._slots.acquire()  # wait for a free worker before claiming more
                self._slots.release()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._wake.set()

    async def _claim(self) -> list[str]:
        free = self.workers - len(self._tasks)
        if free <= 0:
            return []
        async with self.db.unit_of_work() as uow:
            ids = await uow.transcripts.claim_pending(free)
            await uow.commit()
        return ids

    async def _transcribe(self, part_id: str) -> None:
        async with self._slots:
            try:
                await self._transcribe_one(part_id)
            except Exception:
                log.exception("transcription of part %s crashed; it stays queued", part_id)

    async def _transcribe_one(self, part_id: str) -> None:
        async with self.db.unit_of_work(read_only=True) as uow:
            part = await uow.answers.part(part_id)
            record = await uow.transcripts.get(part_id)
            state = await uow.interviews.get(record.interview_id) if record else None
            kit = await uow.campaigns.kit(state.kit_version_id) if state else None
        if part is None or record is None or part.path is None:
            await self._finish(part_id, None, "the answer file is missing")
            return
        loop = asyncio.get_running_loop()
        language = kit.language if kit is not None else None
        try:
            result: Transcript | None = await loop.run_in_executor(
                self._pool, self.transcriber.transcribe, Path(part.path), language
            )
            reason = None
        except TranscriptionFailed as exc:
            result, reason = None, str(exc.reason)
        await self._finish(part_id, result, reason)
        conversation = state.candidate if state and state.candidate else None
        await self.emit(TranscriptReady(
            event_id=f"transcript:{part_id}", occurred_at=self.clock(),
            conversation=conversation or ConversationRef("none", record.interview_id, "-"),
            interview_id=record.interview_id, part_id=part_id, ok=result is not None,
            failure_reason=reason,
        ))

    async def _finish(self, part_id: str, result: Transcript | None, reason: str | None) -> None:
        async with self.db.unit_of_work() as uow:
            if result is not None:
                await uow.transcripts.save_result(
                    part_id, result.text, [(s.start, s.end, s.text) for s in result.segments],
                    result.language, result.model_name, result.audio_seconds,
                    result.processing_seconds,
                )
            else:
                await uow.transcripts.save_failure(part_id, reason or "unknown failure")
            await uow.commit()
        self.metrics.transcriptions.labels("ok" if result is not None else "failed").inc()
        log.info("transcribed part %s: %s", part_id, "ok" if result else f"failed ({reason})")
