"""`/interview` recruiter commands on a real (SQLite) database: only recruiters, clear usage
errors, invites that are real (the token opens an interview) and audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.slack.app import SlashCommand
from adapters.slack.transport import SlackWeb, build_client
from bot.permissions import Gate
from bot.recruiter_desk import MAX_NAMES, NOT_A_RECRUITER, USAGE, RecruiterDesk
from config.kit import Kit, Question
from config.settings import Settings
from storage.db import Database

KIT = Kit(title="Support screen", questions=(Question(id="q1", text="Why us?"),))
RECRUITER, REVIEWER = "U0RECRUIT", "U0REVIEW1"


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[RecruiterDesk]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    async with db.unit_of_work() as uow:
        await uow.campaigns.create(KIT, "title: x\n", "support", "live")
        await uow.commit()
    settings = Settings(telegram_bot_token=SecretStr("1:x"),
                        telegram_bot_username="screen_bot", recruiters=f"slack:{RECRUITER}")
    # The gate only asks Slack about channel members, which recruiter commands never need.
    gate = Gate(SlackWeb(build_client("xoxb-unused", "http://127.0.0.1:9/")),
                settings.recruiter_ids)
    yield RecruiterDesk(db=db, settings=settings, gate=gate, clock=lambda: datetime.now(UTC))
    await db.dispose()


def run(desk: RecruiterDesk, text: str, user: str = RECRUITER) -> SlashCommand:
    return SlashCommand(user=user, command="/interview", text=text)


async def test_only_recruiters_run_commands_and_nothing_changes(desk: RecruiterDesk) -> None:
    assert await desk.command(run(desk, "invite support Ann", REVIEWER)) == NOT_A_RECRUITER
    async with desk.db.unit_of_work(read_only=True) as uow:
        [summary] = await uow.campaigns.list_summaries()
    assert summary.invited == 0


async def test_invite_gives_one_working_link_per_name_and_audits_it(desk: RecruiterDesk) -> None:
    reply = await desk.command(run(desk, "invite support Ann Lee, Bo Chen;Cy"))
    assert reply.startswith("*Invites for Support screen*")
    links = dict(re.findall(r"• (.+?): https://t\.me/screen_bot\?start=([\w-]+)", reply))
    assert list(links) == ["Ann Lee", "Bo Chen", "Cy"]
    async with desk.db.unit_of_work(read_only=True) as uow:
        for name, token in links.items():
            state = await uow.interviews.by_token(token)
            assert state is not None and state.candidate_name == name
            audit = await uow.audit.for_interview(state.interview_id)
            assert [(a.actor, a.action) for a in audit] == [(f"slack:{RECRUITER}", "invited")]
    listing = await desk.command(run(desk, "campaigns"))
    assert "`support` Support screen (live): 3 invited, 0 opened" in listing


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", USAGE), ("help", USAGE), ("fire everyone", "I don't know `fire`"),
     ("invite", "Give the campaign and at least one name"),
     ("invite support", "Give the campaign and at least one name"),
     ("invite nope Ann", "There is no campaign `nope`"),
     ("invite support " + ", ".join(f"N{i}" for i in range(MAX_NAMES + 1)),
      f"At most {MAX_NAMES} names")],
)
async def test_bad_commands_explain_and_invite_nobody(
    desk: RecruiterDesk, text: str, expected: str
) -> None:
    assert expected in await desk.command(run(desk, text))
    async with desk.db.unit_of_work(read_only=True) as uow:
        [summary] = await uow.campaigns.list_summaries()
    assert summary.invited == 0
