"""The Telegram review channel against the fake Bot API over HTTP: the post, keyboards and
recordings (re-sent by file_id), progress, the aggregate, the erased note and membership;
then presses in the group through the real transport, handed to a recording desk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.errors import DeliveryFailed
from adapters.ratelimit import RateLimiter
from adapters.telegram.review_callbacks import PostRef
from adapters.telegram.review_channel import TelegramReviewChannel
from adapters.telegram.review_inbound import NOT_YOURS, ReviewInbound
from adapters.telegram.transport import TelegramChannel
from config.kit import DEFAULT_RUBRIC, Question
from conversations.events import Event
from conversations.review_port import ReviewerRef, ScoreCell
from conversations.review_views import (
    AggregateView,
    AnswerView,
    DecisionForm,
    DecisionView,
    ErasedView,
    MediaView,
    PartView,
    SubmissionView,
)
from conversations.scoring import Progress, ScoreKey, aggregate, required_keys
from tests.fakes.telegram import FakeGroup, FakeTelegram

GROUP = -1001234567890
PLACE = f"telegram:{GROUP}"
MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"
AT = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
IID = "0123456789abcdef"
Q1, Q2 = Question(id="q1", text="Tell us about a project"), Question(id="q2", text="Why us?")
VIEW = SubmissionView(
    interview_id=IID, candidate="Ada Lovelace", campaign="Screen", platform="telegram",
    time_taken_s=600, submitted_at=AT, flags=frozenset(), retakes_used=0,
    answers=(AnswerView(Q1, 1, (PartView("voice", 5, text="I built a bridge."),)),
             AnswerView(Q2, 2, (PartView("text", text="Because."),))),
    questions=(Q1, Q2), rubric=DEFAULT_RUBRIC,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def channel(fake: FakeTelegram) -> AsyncIterator[TelegramReviewChannel]:
    transport = TelegramChannel(fake.token, fake.base_url, RateLimiter(1000, 1000))
    yield TelegramReviewChannel(bot=transport.bot, limiter=RateLimiter(1000, 1000))
    await transport.bot.session.close()


async def test_post_media_progress_aggregate_and_erasure(
    fake: FakeTelegram, channel: TelegramReviewChannel
) -> None:
    group = fake.group(GROUP)
    assert channel.owns(PLACE) and not channel.owns("C0123") and not channel.owns("telegram:x")
    ref = PostRef.unpack(await channel.post_submission(PLACE, VIEW, Progress(0, 2)))
    post = group.message(ref.head)
    assert "Ada Lovelace" in post["text"] and "“I built a bridge.”" in post["text"]
    assert "0 of 2 reviewers done" in post["text"] and f"Interview {IID}" in post["text"]
    keyboards = [group.message(mid) for mid in ref.keyboards]
    assert [k["reply_to_message"]["message_id"] for k in keyboards] == [ref.head] * 2
    assert "Score Q2: Why us?" in keyboards[1]["text"]

    voice = fake.new_file((MEDIA / "voice.ogg").read_bytes(), "voice", mime_type="audio/ogg")
    by_id = await channel.attach_media(PLACE, PostRef(ref.parts).pack(), MediaView(
        str(MEDIA / "voice.ogg"), "q1-part1.ogg", "Q1 · part 1 (voice, 5 s)", "voice",
        "telegram", voice.file_id))
    uploaded = await channel.attach_media(PLACE, ref.pack(), MediaView(
        str(MEDIA / "voice.ogg"), "q1-part1.ogg", "Q1 · part 1", "voice", "whatsapp", "wamid1"))
    sends = fake.calls_to("sendVoice")
    assert sends[0].params["voice"] == voice.file_id and not sends[0].files  # no re-upload
    assert list(sends[1].files.values()) == [(MEDIA / "voice.ogg").read_bytes()]  # uploaded
    assert {m["message_id"] for m in group.replies_to(ref.head) if "voice" in m} == {
        int(by_id), int(uploaded)}
    assert group.message(int(by_id))["caption"] == "Q1 · part 1 (voice, 5 s)"

    await channel.show_progress(PLACE, ref.pack(), VIEW, Progress(1, 2), None)
    assert "1 of 2 reviewers done" in group.message(ref.footer)["text"]
    keys = required_keys(["q1", "q2"], [d.id for d in DEFAULT_RUBRIC])
    sheets: dict[str, Mapping[ScoreKey, int]] = {"a": dict.fromkeys(keys, 3),
                                                 "b": dict.fromkeys(keys, 2)}
    agg = aggregate(sheets, ["q1", "q2"], [d.id for d in DEFAULT_RUBRIC], 2)
    assert agg is not None
    view = AggregateView((Q1, Q2), DEFAULT_RUBRIC, agg, {})
    agg_ref = await channel.post_aggregate(PLACE, ref.pack(), view, None)
    assert group.message(int(agg_ref))["reply_to_message"]["message_id"] == ref.head
    assert await channel.post_aggregate(PLACE, ref.pack(), view, agg_ref) == agg_ref

    decided = DecisionView("advance", "telegram:4242", "", AT)
    await channel.show_progress(PLACE, ref.pack(), VIEW, Progress(2, 2), decided)
    await channel.show_progress(PLACE, ref.pack(), VIEW, Progress(2, 2), decided)  # again: ok
    footer = group.message(ref.footer)
    assert "Advanced by telegram:4242" in footer["text"] and "reply_markup" not in footer
    assert all("reply_markup" not in group.message(k) for k in ref.keyboards)

    group.state.deleted.add(ref.keyboards[0])  # an admin removed it by hand: nothing to edit
    note = ErasedView("Screen", "request", 30, AT, decided)
    for _ in range(2):  # the outbox may run it twice: the second time changes nothing
        await channel.show_erased(PLACE, ref.pack(), note, [by_id, uploaded])
    assert group.is_deleted(int(by_id)) and group.is_deleted(int(uploaded))
    erased = group.message(ref.footer)["text"]
    assert "Submission erased" in erased and "Ada" not in erased and "Advanced" in erased
    assert all("bridge" not in m.get("text", "") for m in group.bot_messages())


async def test_a_post_cut_short_by_a_429_is_taken_back_before_the_retry(
    fake: FakeTelegram, channel: TelegramReviewChannel
) -> None:
    group = fake.group(GROUP)
    fake.rate_limit(60, burst=2, retry_after=1, methods={"sendMessage"})  # the 3rd send: 429
    with pytest.raises(DeliveryFailed) as failed:
        await channel.post_submission(PLACE, VIEW, Progress(0, 2))
    assert failed.value.retry_after == 1
    assert group.bot_messages() == []  # the post and the first keyboard were deleted
    fake.clear_faults()
    ref = PostRef.unpack(await channel.post_submission(PLACE, VIEW, Progress(0, 2)))
    assert [m["message_id"] for m in group.bot_messages()] == [*ref.parts, *ref.keyboards]
    assert len(group.bot_messages("Submission: Ada")) == 1


async def test_membership_by_get_chat_member(
    fake: FakeTelegram, channel: TelegramReviewChannel
) -> None:
    group = fake.group(GROUP)
    for user_id, status in ((1, "member"), (2, "administrator"), (3, "creator"),
                            (4, "left"), (5, "kicked")):
        group.add(fake.user(user_id, f"U{user_id}"), status)
    fake.user(6, "Never joined")
    answers = {uid: await channel.is_member(PLACE, str(uid)) for uid in range(1, 8)}
    assert answers == {1: True, 2: True, 3: True, 4: False, 5: False, 6: False, 7: False}


@dataclass
class RecordingDesk:
    channel: TelegramReviewChannel
    calls: list[tuple[str, ReviewerRef, tuple[object, ...]]] = field(default_factory=list)
    seen: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, name: str, who: ReviewerRef, *args: object) -> None:
        self.calls.append((name, who, args))
        self.seen.set()

    async def open_scoring(self, who: ReviewerRef, interview_id: str) -> None:
        self.record("open_scoring", who, interview_id)

    async def save_scores(self, who: ReviewerRef, interview_id: str,
                          scores: Mapping[ScoreKey, int], comment: str) -> str | None:
        raise AssertionError("Telegram scores cell by cell")

    async def save_score(self, who: ReviewerRef, interview_id: str, cell: ScoreCell,
                         value: int) -> None:
        self.record("save_score", who, interview_id, cell, value)
        await self.channel.tell(who, f"Saved privately: {value}.")

    async def open_decision(self, who: ReviewerRef, interview_id: str, decision: str) -> None:
        self.record("open_decision", who, interview_id, decision)
        await self.channel.open_decision_form(who, DecisionForm(interview_id, decision, "Ada"))

    async def decide(self, who: ReviewerRef, interview_id: str, decision: str,
                     reason: str) -> str | None:
        self.record("decide", who, interview_id, decision, reason)
        return None

    async def command(self, actor: str, text: str, prefix: str) -> str:
        raise AssertionError("no commands from a group")


async def test_presses_in_the_group_reach_the_desk_and_are_answered_once(
    fake: FakeTelegram,
) -> None:
    group: FakeGroup = fake.group(GROUP)
    rita, bob = group.add(fake.user(4242, "Rita")), group.add(fake.user(7, "Bob"))
    transport = TelegramChannel(fake.token, fake.base_url, RateLimiter(1000, 1000))
    channel = TelegramReviewChannel(bot=transport.bot, limiter=RateLimiter(1000, 1000))
    desk = RecordingDesk(channel)
    transport.reviewer = ReviewInbound(desk=desk, channel=channel)
    candidate_events: list[Event] = []

    async def sink(event: Event) -> None:
        candidate_events.append(event)

    await transport.start(sink)
    try:
        ref = PostRef.unpack(await channel.post_submission(PLACE, VIEW, Progress(0, 2)))
        answer = await group.press(bob, "3", message_id=ref.keyboards[1])
        name, who, args = desk.calls[-1]
        assert (name, args) == ("save_score", (IID, ScoreCell(2, 1), 3))
        assert who.actor == "telegram:7" and who.place == PLACE
        assert answer.answer == {"text": "Saved privately: 3.", "show_alert": True,
                                 "url": None, "cache_time": None}

        await group.press(bob, "My scores", message_id=ref.footer)  # nothing told: answered
        assert desk.calls[-1][0] == "open_scoring"

        await group.press(rita, "Reject", message_id=ref.footer)
        confirm = await group.expect_message("Reject Ada? Rita, confirm or cancel")
        assert confirm["reply_to_message"]["message_id"] == ref.footer
        refused = await group.press(bob, "Yes, reject", message_id=confirm["message_id"])
        assert refused.answer is not None and refused.answer["text"] == NOT_YOURS
        assert [c[0] for c in desk.calls].count("decide") == 0
        await group.press(rita, "Yes, reject", message_id=confirm["message_id"])
        assert desk.calls[-1][0] == "decide" and desk.calls[-1][2] == (IID, "reject", "")
        assert group.is_deleted(confirm["message_id"])

        stale = await group.press_data(bob, "r1:s:broken", message_id=ref.footer)
        assert stale.answer is not None and stale.answer["show_alert"]
        await bob.send_text("hello")  # a private chat: the candidate side
        await fake.wait_for(lambda: candidate_events, what="the candidate's text")
        assert not fake.unanswered_callback_queries()
        assert all(e.conversation.chat_id == "7" for e in candidate_events)
    finally:
        await transport.stop()
