"""The transcription worker with the real tiny.en model, real SQLite and the real runtime.

Answers go in the way the service takes them: media stored in the blob store, the candidate
presses Keep, the engine's `Transcribe` effects enqueue the parts in the handler's
transaction and wake the worker after commit; the worker transcribes off the event loop,
stores the result and re-enters the engine with `TranscriptReady`.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import AfterCommit, EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from bot.transcription import FailureReason, joined_transcript, word_error_rate
from bot.transcription.whisper import WhisperTranscriber
from bot.transcription.worker import TranscriptionWorker
from config.kit import AnswerFormat, Kit, Question
from conversations.buttons import Action, ButtonPayload
from conversations.effects import AnswerPart
from conversations.events import ButtonPressed, ConversationRef, Event, TranscriptReady
from conversations.state import InterviewState, Phase
from storage.blobs import MediaStore
from storage.db import Database
from storage.records import TranscriptStatus

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "tests" / "fixtures" / "media"
ME = ConversationRef(platform="telegram", chat_id="100", user_id="100")
SPOKEN = (AnswerFormat.VOICE, AnswerFormat.VIDEO_NOTE)
KIT = Kit(
    title="Backend engineer",
    questions=(
        Question(id="q1", text="Tell us about a project.", prep_seconds=30, answer_seconds=180,
                 formats=SPOKEN),
        Question(id="q2", text="How do you debug?", prep_seconds=30, answer_seconds=180,
                 formats=SPOKEN),
    ),
)
WAIT = 60.0  # generous: the machine may be busy; each wait ends as soon as its condition holds


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    whisper = WhisperTranscriber(workers=2)  # one model for the whole module
    whisper.load()
    return whisper


async def wait_until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {WAIT}s waiting for {what}")
        await asyncio.sleep(0.02)  # polling the database / another process


@dataclass
class Rig:
    """The service's transcription path, minus platforms: database, blobs, runtime, worker."""

    db: Database
    store: MediaStore
    transcriber: WhisperTranscriber
    metrics: Metrics = field(default_factory=Metrics)
    events: list[TranscriptReady] = field(default_factory=list)
    worker: TranscriptionWorker | None = None
    runtime: Runtime = field(init=False)

    def __post_init__(self) -> None:
        writer = EffectWriter(render=Catalogs().render, clock=system_clock)
        self.runtime = Runtime(db=self.db, writer=writer, clock=system_clock,
                               metrics=self.metrics, after_commit=self._after_commit)

    def _after_commit(self, after: AfterCommit) -> None:
        if self.worker is not None:
            self.worker.on_commit(after)

    async def _emit(self, event: Event) -> None:
        await self.runtime.handle(event)  # the real engine decides on it
        assert isinstance(event, TranscriptReady)
        self.events.append(event)

    async def start_worker(self, workers: int = 2) -> TranscriptionWorker:
        self.worker = TranscriptionWorker(
            db=self.db, transcriber=self.transcriber, emit=self._emit, clock=system_clock,
            metrics=self.metrics, workers=workers,
        )
        await self.worker.start()
        return self.worker

    async def answering(self, files: list[tuple[str, str]]) -> InterviewState:
        """An interview waiting for Keep on q1, whose attempt has these (file, kind) parts,
        stored the way the media fetcher stores them."""
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.create(KIT, "title: x\n", uuid.uuid4().hex, "live")
            state = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                       "Ann")
            await uow.commit()
        parts = []
        for n, (name, kind) in enumerate(files, start=1):
            blob = await self.store.put_file(MEDIA / name)
            part_id = f"{state.interview_id}-{n}"
            async with self.db.unit_of_work() as uow:
                await uow.answers.mark_part_stored(part_id, blob.content_hash, blob.path,
                                                   blob.size_bytes, None, None,
                                                   interview_id=state.interview_id)
                await uow.commit()
            parts.append(AnswerPart(part_id=part_id, kind=kind, duration_s=10.0,
                                    size_bytes=blob.size_bytes, file_ref=f"f{n}", stored=True))
        now = system_clock()
        state = replace(state, phase=Phase.CONFIRMING, candidate=ME, opened_at=now,
                        deadline_at=now + timedelta(hours=72), answer_started_at=now,
                        parts=tuple(parts), next_part_no=len(parts) + 1)
        async with self.db.unit_of_work() as uow:
            await uow.interviews.save(state)
            await uow.commit()
        return state

    async def press(self, state: InterviewState, action: Action) -> InterviewState:
        step = f"{state.question_index}.{state.attempt_no}"
        payload = ButtonPayload(action=action, interview_id=state.interview_id, step=step)
        await self.runtime.handle(ButtonPressed(
            event_id=uuid.uuid4().hex, occurred_at=system_clock(), conversation=ME,
            payload=payload.pack(),
        ))
        return await self.state(state.interview_id)

    async def state(self, interview_id: str) -> InterviewState:
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(interview_id)
        assert state is not None
        return state

    async def wait_for_events(self, n: int) -> None:
        async def enough() -> bool:
            return len(self.events) >= n

        await wait_until(enough, f"{n} TranscriptReady events")


@pytest.fixture
async def rig(transcriber: WhisperTranscriber, tmp_path: Path) -> AsyncIterator[Rig]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/bot.db")
    await db.migrate()
    rig = Rig(db=db, store=MediaStore(tmp_path / "media"), transcriber=transcriber)
    try:
        yield rig
    finally:
        if rig.worker is not None:
            await rig.worker.stop()
        await db.dispose()


def reference(name: str) -> str:
    return (MEDIA / name).with_suffix(".txt").read_text(encoding="utf-8")


async def test_kept_answer_parts_are_transcribed_stored_and_announced_once(rig: Rig) -> None:
    files = [("voice.ogg", "voice"), ("video_note.mp4", "video_note"),
             ("video_note_part2.mp4", "video_note")]
    worker = await rig.start_worker()
    state = await rig.answering(files)

    after = await rig.press(state, Action.KEEP)
    await rig.wait_for_events(len(files))
    await worker.stop()  # nothing more can arrive: the counts below are final

    assert (after.phase, after.question_index) == (Phase.PRESENTED, 1)  # moved on at once
    part_ids = [f"{state.interview_id}-{n}" for n in range(1, len(files) + 1)]
    assert Counter(e.part_id for e in rig.events) == dict.fromkeys(part_ids, 1)
    assert all(e.ok and e.failure_reason is None for e in rig.events)
    async with rig.db.unit_of_work(read_only=True) as uow:
        transcripts = await uow.transcripts.for_interview(state.interview_id)
        answers = await uow.answers.for_interview(state.interview_id)
        assert await uow.transcripts.all_done(state.interview_id)
    for part_id, (name, _) in zip(part_ids, files, strict=True):
        t = transcripts[part_id]
        assert t.status is TranscriptStatus.DONE
        assert word_error_rate(reference(name), t.text or "") < 0.10, t.text
        assert t.segments and " ".join(s[2] for s in t.segments) == t.text
        assert all(0 <= start < end for start, end, _ in t.segments)
        assert (t.language, t.model) == ("en", "tiny.en")
        assert t.audio_seconds is not None and 3 < t.audio_seconds < 13
        assert t.processing_seconds is not None and t.processing_seconds > 0
    joined = joined_transcript(answers[0].parts, transcripts)
    expected = " ".join(reference(name) for name, _ in files)
    assert word_error_rate(expected, joined) < 0.10, joined
    assert joined.startswith(transcripts[part_ids[0]].text or "?")


async def test_unusable_files_are_recorded_failures_and_the_interview_carries_on(
    rig: Rig,
) -> None:
    files = [("corrupt.ogg", "voice"), ("video_no_audio.mp4", "video_note"),
             ("silence.ogg", "voice")]
    await rig.start_worker()
    state = await rig.answering(files)

    presented = await rig.press(state, Action.KEEP)
    await rig.wait_for_events(len(files))
    after_failures = await rig.state(state.interview_id)
    preparing = await rig.press(after_failures, Action.READY)

    reasons = {e.part_id: e.failure_reason for e in rig.events}
    expected = {
        f"{state.interview_id}-1": FailureReason.UNDECODABLE,
        f"{state.interview_id}-2": FailureReason.NO_AUDIO_TRACK,
        f"{state.interview_id}-3": FailureReason.NO_SPEECH,
    }
    assert reasons == expected
    assert not any(e.ok for e in rig.events)
    async with rig.db.unit_of_work(read_only=True) as uow:
        transcripts = await uow.transcripts.for_interview(state.interview_id)
        answers = await uow.answers.for_interview(state.interview_id)
    assert {p: (t.status, t.failure_reason) for p, t in transcripts.items()} == {
        p: (TranscriptStatus.FAILED, r.value) for p, r in expected.items()
    }
    assert joined_transcript(answers[0].parts, transcripts) == (
        "[could not decode the file] [no audio track] [no speech detected]"
    )
    # The engine took the failures in its stride: same question, and the candidate goes on.
    assert (presented.phase, presented.question_index) == (Phase.PRESENTED, 1)
    assert presented.transcripts_pending == set(expected)  # awaited for the review...
    # ...and each failure clears its part like a transcript would; nothing else changed
    assert after_failures == replace(presented, transcripts_pending=frozenset())
    assert preparing.phase in {Phase.PREPARING, Phase.ANSWERING}
    assert preparing.question_index == 1
    assert not rig.metrics.registry.get_sample_value("ib_handler_errors_total",
                                                     {"platform": "telegram"})


async def test_missing_file_is_a_recorded_failure(rig: Rig) -> None:
    await rig.start_worker()
    state = await rig.answering([("voice.ogg", "voice")])
    async with rig.db.unit_of_work(read_only=True) as uow:
        part = await uow.answers.part(f"{state.interview_id}-1")
    assert part is not None and part.path is not None
    await asyncio.to_thread(Path(part.path).unlink)

    await rig.press(state, Action.KEEP)
    await rig.wait_for_events(1)

    assert rig.events[0].failure_reason == FailureReason.FILE_MISSING


async def claim_of(db: Database, part_id: str) -> tuple[str, object] | None:
    async with db.engine.connect() as conn:
        row = (await conn.execute(
            text("SELECT status, claimed_at FROM transcripts WHERE part_id = :p"),
            {"p": part_id},
        )).one_or_none()
    return None if row is None else (str(row[0]), row[1])


async def test_transcription_killed_midway_is_done_after_restart_exactly_once(
    rig: Rig, tmp_path: Path
) -> None:
    state = await rig.answering([("answer_2min.ogg", "voice")])
    await rig.press(state, Action.KEEP)  # queued; no worker in this process yet
    part_id = f"{state.interview_id}-1"
    assert await claim_of(rig.db, part_id) == ("pending", None)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.integration.worker_proc",
            f"sqlite+aiosqlite:///{tmp_path}/bot.db", cwd=str(ROOT),
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )
        try:
            async def claimed() -> bool:
                if proc.returncode is not None:
                    raise AssertionError(f"worker exited early:\n{log_path.read_text()}")
                row = await claim_of(rig.db, part_id)
                return row is not None and row[1] is not None

            await wait_until(claimed, "the worker process to claim the part")
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    status, claimed_at = await claim_of(rig.db, part_id) or ("?", None)
    assert status == "pending" and claimed_at is not None, log_path.read_text()

    worker = await rig.start_worker(workers=1)  # the restart
    await rig.wait_for_events(1)
    await worker.stop()

    assert [e.part_id for e in rig.events] == [part_id]
    assert rig.metrics.registry.get_sample_value("ib_transcriptions_total",
                                                 {"outcome": "ok"}) == 1
    async with rig.db.unit_of_work(read_only=True) as uow:
        transcripts = await uow.transcripts.for_interview(state.interview_id)
        assert await uow.events.seen(f"transcript:{part_id}")
    assert list(transcripts) == [part_id]
    done = transcripts[part_id]
    assert done.status is TranscriptStatus.DONE
    assert done.audio_seconds is not None and done.audio_seconds > 100
    assert word_error_rate(reference("answer_2min.ogg"), done.text or "") < 0.10
