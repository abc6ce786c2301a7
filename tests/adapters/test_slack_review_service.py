"""ReviewService against a real (SQLite) database and the fake Slack, through the reviewer
port: the post waits for the interview's own transcripts (the engine submits it when the
last one is in), is made once, and its media go into the thread; the practice answer never
appears; erasure empties the post."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.errors import DeliveryFailed
from adapters.slack.review_channel import SlackReviewChannel
from adapters.slack.transport import SlackWeb, build_client
from bot.review.places import ReviewPlaces
from bot.review.service import ReviewService
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from config.kit import Kit, Question
from conversations.effects import AnswerPart, SaveAnswer
from conversations.events import ConversationRef, TranscriptReady
from conversations.state import Phase
from storage.db import Database
from storage.records import OutboxItem
from tests.fakes.slack import FakeSlack

CHANNEL = "C0REVIEW"
CANDIDATE = ConversationRef("telegram", "7", "7")
T0 = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
KIT = Kit(title="Screen", questions=(Question(id="q1", text="Why us?"),), reviewers_required=1,
          practice=Question(id="practice", text="Say hi"))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await database.migrate()
    yield database
    await database.dispose()


async def submitted_interview(db: Database, media: Path, waiting_for: frozenset[str] = frozenset()
                              ) -> str:
    """Submitted, with the engine waiting for the transcripts of the parts `waiting_for`."""
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        state = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        iid = state.interview_id
        await uow.interviews.save(replace(
            state, phase=Phase.SUBMITTED, candidate=CANDIDATE,
            opened_at=T0, submitted_at=T0 + timedelta(minutes=9),
            transcripts_pending=frozenset(iid + suffix for suffix in waiting_for),
            review_waiting=bool(waiting_for),
        ))
        for question, part_no, practice in (("practice", 1, True), ("q1", 2, False)):
            part = AnswerPart(part_id=f"{iid}-{part_no}", kind="voice", duration_s=5)
            await uow.answers.save_attempt(SaveAnswer(
                iid, question, 0, (part,), kept=True, late=False, practice=practice))
            await uow.answers.mark_part_stored(part.part_id, "h", str(media), 9, 5.0, None)
            await uow.transcripts.enqueue(part.part_id, iid)
        await uow.transcripts.save_result(f"{iid}-1", "practice words", [], "en", "t", 5, 1)
        await uow.commit()
    return iid


async def items(db: Database, kind: str) -> list[OutboxItem]:
    async with db.unit_of_work(read_only=True) as uow:
        due = await uow.outbox.due(datetime.now(UTC) + timedelta(days=1), 100)
    return [i for i in due if i.kind == kind]


def review_service(db: Database, fake: FakeSlack, wake: Callable[[], None]) -> ReviewService:
    places = ReviewPlaces()
    places.add(SlackReviewChannel(SlackWeb(build_client(fake.bot_token, fake.api_url))),
               CHANNEL)
    return ReviewService(db=db, places=places, clock=lambda: datetime.now(UTC),
                         wake_outbox=wake)


def runtime(db: Database) -> Runtime:
    return Runtime(db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
                   clock=system_clock, metrics=Metrics(), after_commit=lambda after: None)


def transcript_ready(iid: str, part_id: str) -> TranscriptReady:
    return TranscriptReady(event_id=f"transcript:{part_id}", occurred_at=T0,
                           conversation=CANDIDATE, interview_id=iid, part_id=part_id, ok=True)


async def test_post_waits_for_its_transcripts_then_posts_once(
    db: Database, tmp_path: Path
) -> None:
    media = tmp_path / "a.ogg"
    media.write_bytes(b"OggS-answer")
    async with FakeSlack() as fake:
        service = review_service(db, fake, lambda: None)
        iid = await submitted_interview(db, media, waiting_for=frozenset({"-2"}))
        handle = runtime(db).handle
        await handle(transcript_ready(iid, f"{iid}-1"))  # the practice part: not awaited
        assert await items(db, "review") == []  # q1's transcript is pending
        assert fake.calls("chat.postMessage") == []

        async with db.unit_of_work() as uow:  # what the worker stores, then reports
            await uow.transcripts.save_result(f"{iid}-2", "I like it", [], "en", "t", 5, 1)
            await uow.commit()
        await handle(transcript_ready(iid, f"{iid}-2"))
        [item] = await items(db, "review")
        assert item.conversation_key == f"review:{iid}"

        ts = await service.post(item)
        assert ts and await service.post(item) == ts  # never twice
        [posted] = fake.messages(CHANNEL)
        assert "I like it" in str(posted["blocks"]) and "practice" not in str(posted)
        [upload] = await items(db, "review_upload")
        await service.upload(upload)
        [f] = fake.uploaded_files(CHANNEL)
        assert (f.thread_ts, f.content, f.name) == (ts, b"OggS-answer", "q1-part1.ogg")


async def test_erasure_deletes_the_uploaded_media_and_the_answers_from_the_post(
    db: Database, tmp_path: Path
) -> None:
    media = tmp_path / "a.ogg"
    media.write_bytes(b"OggS-answer")
    async with FakeSlack() as fake:
        service = review_service(db, fake, lambda: None)
        iid = await submitted_interview(db, media)
        async with db.unit_of_work() as uow:
            await uow.transcripts.save_result(f"{iid}-2", "I like it", [], "en", "t", 5, 1)
            await uow.commit()
        item = OutboxItem(1, "review", {"interview_id": iid}, None, iid, 0, T0, T0)
        ts = await service.post(item)
        assert ts is not None
        [upload] = await items(db, "review_upload")
        file_id = await service.upload(upload)
        async with db.unit_of_work() as uow:  # what the dispatcher records on delivery
            await uow.outbox.mark_sent(upload.id, file_id, datetime.now(UTC))
            state = await uow.interviews.get(iid)
            assert state is not None
            await uow.interviews.save(replace(state, phase=Phase.ERASED, candidate_name=None))
            await uow.commit()

        assert await service.erase(item) == ts
        assert fake.deleted_files() == {file_id}
        post = fake.message(CHANNEL, ts)
        assert post is not None
        assert "Submission erased" in str(post["blocks"]) and "180-day" in str(post["blocks"])
        assert "I like it" not in str(post) and "Ann" not in str(post)
        assert not [b for b in post["blocks"] if b["type"] == "actions"]  # no more scoring
        [share] = [m for m in fake.thread(CHANNEL, ts) if m.get("files")]
        assert share["files"] == [{"id": file_id, "mode": "tombstone"}]

        # a refresh queued before the erasure (a late score) does not bring answers back,
        # and erasing again (a retried outbox item) is harmless
        assert await service.refresh(item) == ts
        assert await service.erase(item) == ts
        post = fake.message(CHANNEL, ts)
        assert post is not None and "I like it" not in str(post)
        # erased because the candidate asked: the note says so, not "retention period"
        on_request = replace(item, payload={"interview_id": iid, "why": "request"})
        assert await service.erase(on_request) == ts
        post = fake.message(CHANNEL, ts)
        assert post is not None and "erased on" in str(post["blocks"])
        assert ", on request." in str(post["blocks"]) and "retention" not in str(post["blocks"])


async def test_a_post_slack_took_whose_answer_was_lost_is_not_made_twice(
    db: Database, tmp_path: Path
) -> None:
    """Slack accepted chat.postMessage, but the answer never came (a dropped connection, or
    the process killed mid-call): the retry finds the post by its metadata."""
    media = tmp_path / "a.ogg"
    media.write_bytes(b"OggS-answer")
    async with FakeSlack() as fake:
        fake.set_channel_members(CHANNEL, [fake.bot_user_id])
        service = review_service(db, fake, lambda: None)
        iid = await submitted_interview(db, media)
        async with db.unit_of_work() as uow:
            await uow.transcripts.save_result(f"{iid}-2", "I like it", [], "en", "t", 5, 1)
            await uow.commit()
        item = OutboxItem(1, "review", {"interview_id": iid}, f"review:{iid}", iid, 0, T0, T0)
        fake.lose_answer_next("chat.postMessage")
        with pytest.raises(DeliveryFailed):
            await service.post(item)
        [posted] = fake.messages(CHANNEL)  # Slack has it; we could not know

        ts = await service.post(item)  # the outbox's retry
        assert ts == posted["ts"] and len(fake.messages(CHANNEL)) == 1
        assert len(await items(db, "review_upload")) == 1  # its recording queued once
        assert await service.post(item) == ts
        assert len(fake.calls("conversations.history")) == 1  # only to recover
