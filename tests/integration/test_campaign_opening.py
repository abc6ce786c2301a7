"""Opening an invite through the real runtime and database: a paused or closed campaign
starts nobody (the invite stays unused), a live one does, with the campaign's kit version of
the moment (an edit after the invite applies); an interview already started keeps its own."""

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
from conversations.events import ConversationRef, Started
from conversations.state import Phase
from storage.db import Database
from storage.records import CampaignStatus

KIT = Kit(title="Screen", questions=(Question(id="q1", text="Why us?"),))
ANN, BO = ConversationRef("telegram", "7", "7"), ConversationRef("telegram", "8", "8")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await database.migrate()
    yield database
    await database.dispose()


async def test_paused_starts_nobody_and_an_opened_invite_takes_the_current_kit(
    db: Database,
) -> None:
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "paused")
        ann = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        bo = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Bo")
        await uow.interviews.save(replace(bo, phase=Phase.PRESENTED, candidate=BO,
                                          opened_at=datetime.now(UTC),
                                          deadline_at=datetime.now(UTC) + timedelta(hours=1)))
        await uow.commit()
    runtime = Runtime(db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
                      clock=system_clock, metrics=Metrics(), after_commit=lambda after: None)

    def opened(n: int) -> Started:
        return Started(event_id=f"s{n}", occurred_at=datetime.now(UTC), conversation=ANN,
                       invite_token=ann.invite_token)

    await runtime.handle(opened(1))
    async with db.unit_of_work() as uow:
        assert await uow.interviews.get(ann.interview_id) == ann  # unused, unbound
        [told] = await uow.outbox.due(datetime.now(UTC) + timedelta(days=1), 10)
        assert "paused for the moment" in told.payload["text"]
        newer = await uow.campaigns.add_version(campaign.id, replace(KIT, title="Screen v2"),
                                                "title: y\n")
        await uow.campaigns.set_status(campaign.id, CampaignStatus.LIVE)
        await uow.commit()
    await runtime.handle(opened(2))
    async with db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.get(ann.interview_id)
        still = await uow.interviews.get(bo.interview_id)
    assert state is not None and state.phase is not Phase.INVITED and state.candidate == ANN
    assert state.kit_version_id == newer
    assert still is not None and still.kit_version_id == campaign.kit_version_id
