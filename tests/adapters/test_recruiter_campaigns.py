"""A campaign's life from chat, on a real (SQLite) database: `new` from a kit file (every
problem with its line and column, nothing created), a starter kit without one, `edit` (a new
version; invites already made keep theirs), `launch`, `pause`, `close` (running interviews
end through the runtime), `clone`; only recruiters, every command audited (refused ones
too)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.recruiting.desk import NOT_A_RECRUITER, RecruiterDesk
from bot.recruiting.lifecycle import Upload
from bot.recruiting.usage import TELEGRAM_PREFIX
from config.kit_loader import parse_kit
from config.settings import Settings
from conversations.events import CampaignClosed, Event
from conversations.state import InterviewState, Phase
from storage.db import Database
from storage.records import CampaignStatus

RECRUITER, OUTSIDER = "telegram:4242", "telegram:666"
KITS = Path(__file__).resolve().parents[2] / "config" / "kits"
GOOD = Upload("support.yaml", (KITS / "support-screen.yaml").read_bytes())
# Line 3: unknown key; line 6: a question without text; line 7: a bad format.
BROKEN = Upload("broken.yaml", (
    b"title: Broken\n"
    b"deadline_hours: 48\n"
    b"colour: blue\n"
    b"questions:\n"
    b"  - id: q1\n"
    b"    prep_seconds: 30\n"
    b"    formats: [smoke-signals]\n"))


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[tuple[RecruiterDesk, list[Event]]]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    emitted: list[Event] = []

    async def emit(event: Event) -> None:
        emitted.append(event)

    yield RecruiterDesk(db=db, settings=Settings(recruiters=RECRUITER),
                        clock=lambda: datetime.now(UTC), emit=emit), emitted
    await db.dispose()


async def run(desk: RecruiterDesk, text: str, upload: Upload | None = None,
              actor: str = RECRUITER) -> str:
    return await desk.command(actor, text, TELEGRAM_PREFIX, upload)


async def status(desk: RecruiterDesk, slug: str) -> CampaignStatus | None:
    async with desk.db.unit_of_work(read_only=True) as uow:
        campaign = await uow.campaigns.by_slug(slug)
    return campaign.status if campaign else None


async def test_a_broken_kit_comes_back_with_every_problem_located_and_nothing_is_made(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    reply = await run(d, "new screen", BROKEN)
    assert "nothing was created" in reply
    located = [line for line in reply.splitlines() if line.startswith("• line ")]
    assert any(line.startswith("• line 3, column 1:") for line in located), reply
    assert any(line.startswith("• line 7,") for line in located), reply
    assert len(located) >= 3
    assert await status(d, "screen") is None
    not_text = await run(d, "new screen", Upload("x.yaml", b"\xff\xfe\x00kit"))
    assert "not a text file" in not_text and await status(d, "screen") is None


async def test_new_without_a_file_sends_a_starter_kit_that_is_itself_valid(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    reply = await run(d, "new")
    intro, _, kit_text = reply.partition("\n\n")
    assert "/new <campaign-slug>" in intro
    assert parse_kit(kit_text, "starter.yaml").questions


async def test_new_launch_pause_close_and_clone(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    assert "as a draft" in await run(d, "new support-q1", GOOD)
    assert await status(d, "support-q1") is CampaignStatus.DRAFT
    assert "already a campaign" in await run(d, "new support-q1", GOOD)
    assert "is live" in await run(d, "launch support-q1")
    assert "already live" in await run(d, "launch support-q1")
    assert "is paused" in await run(d, "pause support-q1")
    assert await status(d, "support-q1") is CampaignStatus.PAUSED
    assert "is closed" in await run(d, "close support-q1")
    assert "is closed; /clone" in await run(d, "launch support-q1")
    assert await status(d, "support-q1") is CampaignStatus.CLOSED
    assert "Created support-q2" in await run(d, "clone support-q1 support-q2")
    assert await status(d, "support-q2") is CampaignStatus.DRAFT
    assert "cannot be a campaign name" in await run(d, "clone support-q1 Support_Q3")
    assert "no campaign “nope”" in await run(d, "pause nope")
    assert "Give the campaign" in await run(d, "launch")


async def test_edit_adds_a_version(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    await run(d, "new support", GOOD)
    await run(d, "invite support Ann")
    changed = Upload("v2.yaml", GOOD.data.replace(b"quick screen", b"second screen"))
    assert "kit version 2" in await run(d, "edit support", changed)
    assert "problem(s)" in await run(d, "edit support", BROKEN)
    async with d.db.unit_of_work(read_only=True) as uow:
        campaign = await uow.campaigns.by_slug("support")
        assert campaign is not None and "second screen" in campaign.title
        [ann] = await uow.interviews.list_for_campaign(campaign.id)
        assert len(await uow.campaigns.versions(campaign.id)) == 2
    assert ann.kit_version_id != campaign.kit_version_id  # until she opens it (runtime)


async def test_close_ends_only_the_interviews_that_run(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, emitted = desk
    await run(d, "new support", GOOD)
    await run(d, "launch support")
    await run(d, "invite support Ann, Bo")
    async with d.db.unit_of_work() as uow:
        campaign = await uow.campaigns.by_slug("support")
        assert campaign is not None
        ann, _ = await uow.interviews.list_for_campaign(campaign.id)
        await uow.interviews.save(_opened(ann))
        await uow.commit()
    reply = await run(d, "close support")
    assert "the 1 candidate(s) still answering were told" in reply
    assert [(type(e), getattr(e, "interview_id", "")) for e in emitted] == [
        (CampaignClosed, ann.interview_id)]


async def test_outsiders_learn_nothing_and_every_command_is_audited(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    await run(d, "new support", GOOD)
    for text in ("new x", "edit support", "launch support", "pause support",
                 "close support", "clone support other", "campaigns", "nonsense"):
        assert await run(d, text, GOOD, actor=OUTSIDER) == NOT_A_RECRUITER
    assert await status(d, "support") is CampaignStatus.DRAFT
    assert await status(d, "other") is None and await status(d, "x") is None
    await run(d, "launch support")
    assert (await run(d, "frobnicate")).startswith("I don't know “frobnicate”")
    async with d.db.unit_of_work(read_only=True) as uow:
        mine = await uow.audit.by_actor(RECRUITER)
        theirs = await uow.audit.by_actor(OUTSIDER)
    assert [a.action for a in mine] == ["command:new", "command:launch", "command:frobnicate"]
    assert mine[0].detail == {"text": "new support", "file": "support.yaml"}
    assert {a.action for a in theirs} == {"refused:new", "refused:edit", "refused:launch",
                                          "refused:pause", "refused:close", "refused:clone",
                                          "refused:campaigns", "refused:nonsense"}


def _opened(state: InterviewState) -> InterviewState:
    return replace(state, phase=Phase.PRESENTED, deadline_at=datetime.now(UTC))


async def test_a_roster_csv_gives_a_csv_of_links_and_skips_bad_rows_by_line(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    await run(d, "new support", GOOD)
    roster = Upload("people.csv", b"name,channel,contact\nAnn,telegram,@ann\n,,@who\nBo,fax,1\n"
                                  b"=Cy,,\n")
    reply = await d.answer(RECRUITER, "invite support", TELEGRAM_PREFIX, roster)
    assert reply.text.startswith("2 invite(s) for ")
    assert "• line 3: no name; skipped" in reply.text and "• line 4: unknown channel" in reply.text
    assert reply.attachment is not None and reply.attachment.mime == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.attachment.data.decode())))
    assert [(r["line"], r["name"], r["contact"]) for r in rows] == [
        ("2", "Ann", "'@ann"), ("5", "'=Cy", "")]  # never a formula
    async with d.db.unit_of_work(read_only=True) as uow:
        for r in rows:
            state = await uow.interviews.by_token(r["link"])  # no channel on: bare tokens
            assert state is not None and state.interview_id == r["interview_id"]
    nobody = await d.answer(RECRUITER, "invite support", TELEGRAM_PREFIX,
                            Upload("p.csv", b"name\n\n,\n"))
    assert nobody.attachment is None and nobody.text.startswith("Nobody was invited")


async def test_export_comes_back_as_a_file_or_as_words_where_files_cannot_go(
    desk: tuple[RecruiterDesk, list[Event]],
) -> None:
    d, _ = desk
    await run(d, "new support", GOOD)
    await run(d, "invite support Ann, Bo")
    reply = await d.answer(RECRUITER, "export support jsonl", TELEGRAM_PREFIX)
    assert reply.attachment is not None and reply.attachment.file_name == "support.jsonl"
    assert len(reply.attachment.data.decode().splitlines()) == 2
    assert "interview-bot export support --format csv" in await run(d, "export support")
    assert "Give the campaign" in await run(d, "export support xml")
    assert "no campaign “nope”" in await run(d, "export nope")
