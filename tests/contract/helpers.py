"""Shared builders for the storage contract tests."""

from __future__ import annotations

from config.kit import Kit, Question
from conversations.state import InterviewState
from storage.db import Database
from storage.records import Campaign


def make_kit(title: str = "Backend engineer", n: int = 2) -> Kit:
    return Kit(
        title=title,
        questions=tuple(Question(id=f"q{i}", text=f"Question {i}?") for i in range(1, n + 1)),
    )


async def make_campaign(db: Database, slug: str = "backend") -> Campaign:
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(make_kit(), "title: x\n", slug, "live")
        await uow.commit()
    return campaign


async def make_interview(db: Database, slug: str = "backend") -> InterviewState:
    campaign = await make_campaign(db, slug)
    async with db.unit_of_work() as uow:
        state = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        await uow.commit()
    return state
