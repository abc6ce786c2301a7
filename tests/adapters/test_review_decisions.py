"""Decisions through the reviewer desk and the engine, on a real (SQLite) database: only
on a submitted interview, once, by a recruiter; the candidate always hears the outcome and
never in the middle of answering."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.review.decisions import Decisions
from bot.review.permissions import Gate
from bot.review.places import ReviewPlaces
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from config.kit import Kit, Question
from conversations.events import ConversationRef
from conversations.review_port import ReviewerRef
from conversations.reviewing import ALREADY_DECIDED, NOT_SUBMITTED, REFUSE_DECIDE
from conversations.state import KeptAnswer, Phase
from storage.db import Database
from storage.records import OutboxItem

KIT = Kit(title="Screen", questions=(Question(id="q1", text="Why us?"),),
          closing={"advance": "See you at the next stage!"})
ANN = ConversationRef("telegram", "7", "7")
PLACE = "C0REVIEW"
RECRUITER = ReviewerRef("slack", "UREC", PLACE)
REVIEWER = ReviewerRef("slack", "UREV", PLACE)


@dataclass
class QuietChannel:
    """A reviewer channel that records what it is told (the desk talks to the port)."""

    platform: str = "slack"
    told: list[tuple[str, str]] = field(default_factory=list)

    def owns(self, place: str) -> bool:
        return place == PLACE

    async def tell(self, who: ReviewerRef, text: str) -> None:
        self.told.append((who.actor, text))

    async def open_decision_form(self, who: ReviewerRef, form: object) -> None:
        self.told.append((who.actor, "form"))

    async def is_member(self, place: str, user_id: str) -> bool:
        return True

    def __getattr__(self, name: str) -> object:  # the rest of the port is not used here
        raise AssertionError(f"unexpected call {name}")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await database.migrate()
    yield database
    await database.dispose()


async def interview(db: Database, phase: Phase) -> str:
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        state = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        await uow.interviews.save(replace(
            state, phase=phase, candidate=ANN, opened_at=datetime.now(UTC),
            kept=(KeptAnswer("q1", 0, 20.0, False),)))
        await uow.commit()
    return state.interview_id


async def sends(db: Database) -> Sequence[OutboxItem]:
    async with db.unit_of_work(read_only=True) as uow:
        due = await uow.outbox.due(datetime.now(UTC) + timedelta(days=1), 100)
    return [i for i in due if i.kind == "send"]


def decisions(db: Database) -> tuple[Decisions, QuietChannel]:
    channel = QuietChannel()
    places = ReviewPlaces()
    places.add(channel, PLACE)  # type: ignore[arg-type]
    runtime = Runtime(db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
                      clock=system_clock, metrics=Metrics(), after_commit=lambda after: None)
    gate = Gate(places, frozenset({RECRUITER.actor}))
    return Decisions(db=db, places=places, gate=gate, clock=system_clock,
                     emit=runtime.handle), channel


async def test_no_decision_while_the_candidate_is_answering(db: Database) -> None:
    iid = await interview(db, Phase.ANSWERING)
    desk, channel = decisions(db)
    assert await desk.decide(RECRUITER, iid, "advance", "") == NOT_SUBMITTED
    await desk.open_decision(RECRUITER, iid, "reject")
    assert channel.told == [(RECRUITER.actor, NOT_SUBMITTED)]  # no form opened
    assert await sends(db) == []  # the candidate hears nothing mid-interview
    async with db.unit_of_work(read_only=True) as uow:
        assert await uow.reviews.decision_for(iid) is None
        state = await uow.interviews.get(iid)
    assert state is not None and state.phase is Phase.ANSWERING and state.decision is None


async def test_a_submitted_interview_is_decided_once_by_a_recruiter(db: Database) -> None:
    iid = await interview(db, Phase.SUBMITTED)
    desk, _ = decisions(db)
    assert await desk.decide(REVIEWER, iid, "advance", "") == REFUSE_DECIDE
    assert await desk.decide(RECRUITER, iid, "advance", "great answers") is None
    [closing] = await sends(db)
    assert closing.payload["text"] == "See you at the next stage!"
    assert closing.conversation_key == ANN.key
    async with db.unit_of_work(read_only=True) as uow:
        decided = await uow.reviews.decision_for(iid)
        audit = [(a.actor, a.action) for a in await uow.audit.for_interview(iid)]
    assert decided is not None and (decided.decision, decided.decided_by, decided.reason) == (
        "advance", RECRUITER.actor, "great answers")
    assert (RECRUITER.actor, "decision") in audit
    assert await desk.decide(RECRUITER, iid, "reject", "") == ALREADY_DECIDED
    assert len(await sends(db)) == 1


async def test_a_click_naming_no_review_place_is_logged_not_raised(db: Database) -> None:
    """Found by the fuzz run: a malformed click (no channel) raised inside Bolt's listener."""
    iid = await interview(db, Phase.SUBMITTED)
    desk, channel = decisions(db)
    await desk.open_decision(replace(RECRUITER, place=""), iid, "advance")
    assert channel.told == []
