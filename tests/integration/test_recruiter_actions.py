"""More time for one candidate, through the real runtime and database: the interview named
by the event is the one changed (even when the person has another interview open), its
timers move and the candidate is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from config.kit import Kit, Question
from conversations.events import ConversationRef, DeadlineExtended
from conversations.state import Phase
from storage.db import Database

KIT = Kit(title="Screen", questions=(Question(id="q1", text="Why us?"),),
          reminders_seconds=(3600,), quiet_hours=None)
ANN = ConversationRef("telegram", "7", "7")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await database.migrate()
    yield database
    await database.dispose()


async def test_extension_moves_the_deadline_of_the_named_interview(db: Database) -> None:
    deadline = datetime.now(UTC) + timedelta(hours=3)
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        first = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        await uow.interviews.save(replace(first, phase=Phase.PRESENTED, candidate=ANN,
                                          opened_at=datetime.now(UTC), deadline_at=deadline))
        await uow.timers.upsert(first.interview_id, "deadline", "", deadline)
        other = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        other = replace(other, phase=Phase.PRESENTED, candidate=ANN,
                        opened_at=datetime.now(UTC), deadline_at=deadline)
        await uow.interviews.save(other)  # the same person, another interview open
        await uow.commit()
    runtime = Runtime(db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
                      clock=system_clock, metrics=Metrics(), after_commit=lambda after: None)
    await runtime.handle(DeadlineExtended(
        event_id="x1", occurred_at=datetime.now(UTC), conversation=ANN,
        interview_id=first.interview_id, seconds=86400, requested_by="slack:UREC",
        reason="flu"))
    async with db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.get(first.interview_id)
        assert await uow.interviews.get(other.interview_id) == other
        timers = {(t.kind, t.key): t.due_at for t in await uow.timers.pending()}
        due = await uow.outbox.due(datetime.now(UTC) + timedelta(days=1), 10)
        audit = [(a.action, a.detail) for a in await uow.audit.for_interview(first.interview_id)]
    assert state is not None and state.deadline_at == deadline + timedelta(days=1)
    assert timers[("deadline", "")] == deadline + timedelta(days=1)
    assert timers[("reminder", "r0")] == deadline + timedelta(days=1, hours=-1)
    [told] = [i for i in due if i.kind == "send"]
    assert "more time" in told.payload["text"] and told.conversation_key == ANN.key
    assert ("deadline_extended", {"detail": "slack:UREC: +86400 s: flu"}) in audit
