"""Recruiter commands on a real (SQLite) database: only recruiters, clear usage errors,
invites that are real (the token opens an interview) and audited; from Telegram, a
redelivered command invites nobody twice and a candidate's `/invite` reaches the engine."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli.invite_links import invite_makers
from bot.recruiting.chat import RecruiterChat
from bot.recruiting.desk import MAX_NAMES, NOT_A_RECRUITER, RecruiterDesk
from bot.recruiting.usage import SLACK_PREFIX, usage
from config.kit import Kit, Question
from config.settings import Settings
from conversations.events import CommandReceived, ConversationRef, EraseRequested, Event
from conversations.state import Phase
from storage.db import Database

KIT = Kit(title="Support screen", questions=(Question(id="q1", text="Why us?"),))
RECRUITER, REVIEWER = "slack:U0RECRUIT", "slack:U0REVIEW1"
TELEGRAM_RECRUITER = ConversationRef("telegram", "4242", "4242")
ANN = ConversationRef("telegram", "7", "7")
USAGE = usage(SLACK_PREFIX)
EMITTED: list[Event] = []  # what the desk handed to the runtime


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[RecruiterDesk]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    async with db.unit_of_work() as uow:
        await uow.campaigns.create(KIT, "title: x\n", "support", "live")
        await uow.commit()
    settings = Settings(telegram_bot_token=SecretStr("1:x"), telegram_bot_username="screen_bot",
                        recruiters=f"{RECRUITER},telegram:4242")
    async def emit(event: Event) -> None:
        EMITTED.append(event)

    EMITTED.clear()
    yield RecruiterDesk(db=db, settings=settings, clock=lambda: datetime.now(UTC), emit=emit,
                        invite_makers=invite_makers(settings))
    await db.dispose()


async def run(desk: RecruiterDesk, text: str, actor: str = RECRUITER) -> str:
    return await desk.command(actor, text)


async def invited(desk: RecruiterDesk) -> int:
    async with desk.db.unit_of_work(read_only=True) as uow:
        [summary] = await uow.campaigns.list_summaries()
    return summary.invited


async def test_only_recruiters_run_commands_and_nothing_changes(desk: RecruiterDesk) -> None:
    assert await run(desk, "invite support Ann", REVIEWER) == NOT_A_RECRUITER
    assert await invited(desk) == 0


async def test_invite_gives_one_working_link_per_name_and_audits_it(desk: RecruiterDesk) -> None:
    reply = await run(desk, "invite support Ann Lee, Bo Chen;Cy")
    assert reply.startswith("Invites for Support screen")
    links = dict(re.findall(r"• (.+?): https://t\.me/screen_bot\?start=([\w-]+)", reply))
    assert list(links) == ["Ann Lee", "Bo Chen", "Cy"]
    async with desk.db.unit_of_work(read_only=True) as uow:
        for name, token in links.items():
            state = await uow.interviews.by_token(token)
            assert state is not None and state.candidate_name == name
            audit = await uow.audit.for_interview(state.interview_id)
            assert [(a.actor, a.action) for a in audit] == [(RECRUITER, "invited")]
    listing = await run(desk, "campaigns")
    assert "• support: Support screen (live): 3 invited, 0 opened" in listing


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", USAGE), ("help", USAGE), ("fire everyone", "I don't know “fire”"),
     ("invite", "Give the campaign and at least one name"),
     ("invite support", "Give the campaign and at least one name"),
     ("invite nope Ann", "There is no campaign “nope”"),
     ("invite support " + ", ".join(f"N{i}" for i in range(MAX_NAMES + 1)),
      f"At most {MAX_NAMES} names")],
)
async def test_bad_commands_explain_and_invite_nobody(
    desk: RecruiterDesk, text: str, expected: str
) -> None:
    assert expected in await run(desk, text)
    assert await invited(desk) == 0


def telegram_command(name: str, args: str, who: ConversationRef = TELEGRAM_RECRUITER,
                     update_id: int = 1) -> CommandReceived:
    return CommandReceived(event_id=f"telegram:{update_id}", occurred_at=datetime.now(UTC),
                           conversation=who, name=name, args=args)


async def test_telegram_invite_once_even_when_redelivered(desk: RecruiterDesk) -> None:
    woken: list[bool] = []
    chat = RecruiterChat(desk.db, desk, lambda: woken.append(True))
    event = telegram_command("invite", "support Ann Lee")
    assert await chat.handle(event) and await chat.handle(event)  # the same update twice
    assert await invited(desk) == 1 and woken == [True]
    async with desk.db.unit_of_work(read_only=True) as uow:
        [reply] = await uow.outbox.pending_for(TELEGRAM_RECRUITER.key)
    assert reply.payload["text"].startswith("Invites for Support screen")
    assert "• Ann Lee: https://t.me/screen_bot?start=" in reply.payload["text"]

    candidate = ConversationRef("telegram", "777", "777")
    assert not await chat.handle(telegram_command("invite", "support Eve", candidate, 2))
    assert not await chat.handle(telegram_command("status", "", update_id=3))
    assert await invited(desk) == 1


async def test_a_recruiter_command_in_a_group_does_nothing_and_says_where_it_works(
    desk: RecruiterDesk,
) -> None:
    """Invite links are bound to whoever opens them first: a link posted in a group could be
    taken by any member, and a funnel or shortlist would show candidates to everyone there."""
    chat = RecruiterChat(desk.db, desk, lambda: None)
    group = ConversationRef("telegram", "-100500", "4242")
    event = replace(telegram_command("invite", "support Ann Lee", group, 9), private=False)
    assert await chat.handle(event)
    assert await invited(desk) == 0
    async with desk.db.unit_of_work(read_only=True) as uow:
        [reply] = await uow.outbox.pending_for(group.key)
    assert "private chat" in reply.payload["text"] and "Nothing was done" in reply.payload["text"]
    assert "support" not in reply.payload["text"] and "start=" not in reply.payload["text"]
    async with desk.db.unit_of_work(read_only=True) as uow:
        actions = [entry.action for entry in await uow.audit.by_actor("telegram:4242")]
    assert "refused-in-group:invite" in actions


async def test_erase_goes_to_the_engine_for_the_candidate_s_conversation(
    desk: RecruiterDesk,
) -> None:
    reply = await run(desk, "invite support Ann Lee")
    [token] = re.findall(r"start=([\w-]+)", reply)
    async with desk.db.unit_of_work() as uow:
        state = await uow.interviews.by_token(token)
        assert state is not None
        await uow.interviews.save(replace(state, phase=Phase.SUBMITTED, candidate=ANN))
        await uow.commit()
    assert "no interview “nope”" in await run(desk, "erase nope")
    assert await run(desk, f"erase {state.interview_id}", REVIEWER) == NOT_A_RECRUITER
    assert EMITTED == []

    reply = await run(desk, f"erase {state.interview_id}")
    assert reply.startswith(f"Erased interview {state.interview_id} (Ann Lee)")
    [event] = EMITTED
    assert isinstance(event, EraseRequested)
    assert (event.interview_id, event.requested_by, event.conversation) == (
        state.interview_id, RECRUITER, ANN)


async def test_extend_and_remind_go_to_the_engine_with_who_and_why(desk: RecruiterDesk) -> None:
    from dataclasses import replace as _replace

    from conversations.events import DeadlineExtended, ReminderRequested

    async with desk.db.unit_of_work() as uow:
        campaign = await uow.campaigns.by_slug("support")
        assert campaign is not None
        fresh = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        running = _replace(fresh, phase=Phase.PRESENTED, candidate=ANN,
                           opened_at=datetime.now(UTC), deadline_at=datetime.now(UTC))
        await uow.interviews.save(running)
        idle = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Bo")
        await uow.commit()
    iid = running.interview_id
    assert "Give the interview, the extra time and the reason" in await run(
        desk, f"extend {iid} 2d")  # no reason: nothing done
    assert "have not opened" in await run(desk, f"extend {idle.interview_id} 1d flu")
    assert EMITTED == []
    reply = await run(desk, f"extend {iid} 2d internet outage")
    assert reply.startswith("Ann has 2d more")
    [extended] = EMITTED
    assert isinstance(extended, DeadlineExtended) and extended.conversation == ANN
    assert (extended.seconds, extended.requested_by, extended.reason) == (
        2 * 86400, RECRUITER, "internet outage")
    assert (await run(desk, "remind support")).startswith("Reminded 1 candidate(s)")
    assert isinstance(EMITTED[-1], ReminderRequested) and EMITTED[-1].interview_id == iid
    assert await run(desk, "remind nope") == "There is no campaign or interview “nope”."


async def test_accommodate_takes_adjustments_and_a_reason(desk: RecruiterDesk) -> None:
    from dataclasses import replace as _replace

    from bot.recruiting.desk import parse_accommodation
    from conversations.events import Accommodated

    assert parse_accommodation("prep=1m answer=+90s retakes=1 screen reader") == (
        (60, 90, 1), "screen reader")
    assert parse_accommodation("prep=soon x")[0] is None
    assert parse_accommodation("colour=1 x")[0] is None
    async with desk.db.unit_of_work() as uow:
        campaign = await uow.campaigns.by_slug("support")
        assert campaign is not None
        fresh = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        await uow.interviews.save(_replace(fresh, phase=Phase.PRESENTED, candidate=ANN,
                                           opened_at=datetime.now(UTC),
                                           deadline_at=datetime.now(UTC)))
        await uow.commit()
    iid = fresh.interview_id
    for incomplete in (f"accommodate {iid} prep=1m", f"accommodate {iid} needs time"):
        assert "Give the interview, what to add and the reason" in await run(desk, incomplete)
    assert EMITTED == []
    reply = await run(desk, f"accommodate {iid} answer=2m retakes=1 screen reader")
    assert reply.startswith("Ann gets 0 s more to prepare, 120 s more to answer")
    [event] = EMITTED
    assert isinstance(event, Accommodated)
    assert (event.extra_prep_s, event.extra_answer_s, event.extra_retakes, event.reason) == (
        0, 120, 1, "screen reader")
