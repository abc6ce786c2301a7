"""A transcription job run again (its worker killed mid-way, the stalled sweep retried it)
transcribes nothing twice, and still announces the transcript when the killed run had
stored it but died before announcing (`TranscriptionWorker.transcribe_part`)."""

from __future__ import annotations

from pathlib import Path

from bot.runtime.clock import system_clock
from bot.runtime.metrics import Metrics
from bot.transcription.port import Segment, Transcript
from bot.transcription.worker import TranscriptionWorker
from conversations.events import Event, TranscriptReady
from storage.db import Database


class CountingTranscriber:
    def __init__(self) -> None:
        self.calls = 0

    def load(self) -> object:
        return self

    def transcribe(self, path: Path, language: str | None) -> Transcript:
        self.calls += 1
        return Transcript("hello", (Segment(0, 1, "hello"),), "en", "fake", 1.0, 0.1)

    def is_language_supported(self, language: str) -> bool:
        return True


async def test_a_retried_job_announces_a_stored_transcript_without_redoing_it(
    tmp_path: Path,
) -> None:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/t.db")
    await db.migrate()
    announced: list[Event] = []

    async def emit(event: Event) -> None:
        announced.append(event)

    transcriber = CountingTranscriber()
    worker = TranscriptionWorker(db=db, transcriber=transcriber, emit=emit,
                                 clock=system_clock, metrics=Metrics())
    try:
        async with db.unit_of_work() as uow:
            await uow.transcripts.enqueue("i1-1", "i1")
            await uow.transcripts.enqueue("i1-2", "i1")
            # the killed run got as far as storing i1-1's transcript, not announcing it
            await uow.transcripts.save_result("i1-1", "stored", [], "en", "fake", 1.0, 0.1)
            await uow.commit()
        await worker.transcribe_part("i1-1")
        assert transcriber.calls == 0
        assert [(e.part_id, e.ok) for e in announced if isinstance(e, TranscriptReady)] == [
            ("i1-1", True)]
        assert announced[0].event_id == "transcript:i1-1"  # a duplicate is dropped by id
        await worker.transcribe_part("i1-2")  # never stored: the file is gone, a failure
        await worker.transcribe_part("i1-2")  # the retry: announced again, not redone
        async with db.unit_of_work(read_only=True) as uow:
            record = await uow.transcripts.get("i1-2")
        assert record is not None and record.status.value == "failed"
        assert [e.event_id for e in announced[1:]] == ["transcript:i1-2"] * 2
    finally:
        await worker.stop()
        await db.dispose()
