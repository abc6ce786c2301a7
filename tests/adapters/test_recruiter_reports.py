"""Recruiters' `status` (funnel, agreement) and `shortlist`, on a real (SQLite) database:
the numbers in the text and in the chart are the database's."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib.image
import pytest
from pydantic import SecretStr

from bot.recruiting.chart import chart_bars, funnel_png
from bot.recruiting.desk import NOT_A_RECRUITER, RecruiterDesk
from bot.recruiting.reports import funnel_of, load_facts
from config.kit import Kit, Question
from config.settings import Settings
from conversations.events import ConversationRef, Event
from conversations.state import InterviewState, KeptAnswer, Phase
from storage.db import Database

KIT = Kit(title="Support screen", reviewers_required=2,
          questions=(Question(id="q1", text="Why us?"), Question(id="q2", text="A hard case?")))
RECRUITER = "slack:U0RECRUIT"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
DIMS = [d.id for d in KIT.rubric]


def sheet(score: int) -> dict[tuple[str, str], int]:
    return {(q.id, d): score for q in KIT.questions for d in DIMS}


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[RecruiterDesk]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()

    async def emit(event: Event) -> None:
        raise AssertionError("reports change nothing")

    yield RecruiterDesk(db=db, settings=Settings(recruiters=RECRUITER,
                                                 slack_bot_token=SecretStr("xoxb-x")),
                        clock=lambda: datetime.now(UTC), emit=emit)
    await db.dispose()


async def seed(db: Database) -> dict[str, str]:
    """Seven invites: one unopened, one declined, one in Q1, one stopped after Q1 (expired),
    three submitted (Ann 4s and 4s, Bo 3s and 2s, Cy not fully scored)."""
    ids: dict[str, str] = {}
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "support", "live")

        async def add(name: str, **changes: object) -> InterviewState:
            st = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, name)
            ids[name] = st.interview_id
            if changes:
                st = replace(st, candidate=ConversationRef("telegram", name, name),
                             opened_at=T0, **changes)  # type: ignore[arg-type]
                await uow.interviews.save(st)
            return st

        both = (KeptAnswer("q1", 0, 30, False), KeptAnswer("q2", 0, 40, False))
        await add("Nobody")
        await add("Dee", phase=Phase.DECLINED)
        await add("Eve", phase=Phase.ANSWERING, consented_at=T0, question_index=0)
        await add("Fay", phase=Phase.EXPIRED, consented_at=T0, question_index=1,
                  kept=both[:1], flags=frozenset({"partial"}))
        for name, minutes in (("Ann", 20), ("Bo", 40), ("Cy", 60)):
            await add(name, phase=Phase.SUBMITTED, consented_at=T0, question_index=1,
                      kept=both, submitted_at=T0 + timedelta(minutes=minutes))
        for reviewer, scores in (("slack:R1", {"Ann": 4, "Bo": 3, "Cy": 2}),
                                 ("slack:R2", {"Ann": 4, "Bo": 2})):
            for name, score in scores.items():
                await uow.reviews.upsert_scores(ids[name], reviewer, sheet(score), None)
        await uow.reviews.save_decision(ids["Ann"], "advance", RECRUITER, "",
                                        T0 + timedelta(hours=5))
        await uow.commit()
    return ids


async def test_status_is_the_funnel_and_the_agreement(desk: RecruiterDesk) -> None:
    await seed(desk.db)
    text = await desk.command(RECRUITER, "status support")
    lines = text.splitlines()
    assert lines[0] == "Support screen: 7 invited, 6 opened, 5 consented"
    assert lines[1] == "• Q1: 5 reached, 4 answered; 1 stopped here"
    assert lines[2] == "• Q2: 4 reached, 3 answered; 1 stopped here"
    assert lines[3] == ("3 submitted (60% of those who consented), 1 expired, 0 withdrawn; "
                        "2 fully reviewed, 1 decided")
    assert lines[4] == "Median time to complete: 40 min · from opening to decision: 5 h"
    # Ann 4/4 and Bo 3/2 on every key: reviewers mostly agree on the order, not exactly
    assert lines[5].startswith("Agreement (Krippendorff's alpha, ordinal): 0.")
    assert "Clarity 0." in lines[5]
    assert lines[6] == "Reviewer load: slack:R1 3, slack:R2 2"


async def test_shortlist_ranks_the_scored_and_names_the_rest(desk: RecruiterDesk) -> None:
    ids = await seed(desk.db)
    text = await desk.command(RECRUITER, "shortlist support 5")
    lines = text.splitlines()
    assert lines[0].startswith("Support screen: top 2 of 2 scored")
    assert lines[1] == f"1. Ann: 4.00 (range 4–4, advanced) · {ids['Ann']}"
    assert lines[2] == f"2. Bo: 2.50 (range 2–3) · {ids['Bo']}"
    assert lines[3] == f"Not fully scored yet (2): Cy ({ids['Cy']}), Fay ({ids['Fay']})"


@pytest.mark.parametrize("text", ["status", "shortlist", "shortlist support many"])
async def test_bad_report_commands_explain(desk: RecruiterDesk, text: str) -> None:
    assert "Give the campaign" in await desk.command(RECRUITER, text)


async def test_reports_are_for_recruiters_only(desk: RecruiterDesk) -> None:
    await seed(desk.db)
    assert await desk.command("slack:R1", "status support") == NOT_A_RECRUITER
    assert "no campaign “nope”" in await desk.command(RECRUITER, "status nope")


async def test_the_status_chart_is_a_png_of_the_databases_numbers(desk: RecruiterDesk) -> None:
    ids = await seed(desk.db)
    reply = await desk.answer(RECRUITER, "status support")
    assert reply.attachment is not None and reply.attachment.mime == "image/png"
    png = reply.attachment.data
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    height, width, _ = matplotlib.image.imread(io.BytesIO(png), format="png").shape
    assert width > 300 and height > 200

    async with desk.db.unit_of_work(read_only=True) as uow:
        [counts] = await uow.campaigns.list_summaries()  # counted by SQL, not by the funnel
        decided = [i for i in ids.values() if await uow.reviews.decision_for(i)]
        campaign = await uow.campaigns.by_slug("support")
        assert campaign is not None
        facts = await load_facts(uow, campaign.id, campaign.kit_version_id)
    bars = dict(chart_bars(funnel_of(facts)))
    assert (bars["Invited"], bars["Opened"], bars["Submitted"], bars["Decided"]) == (
        counts.invited, counts.opened, counts.submitted, len(decided))
    assert (bars["Consented"], bars["Q1 reached"], bars["Q2 reached"], bars["Q2 answered"],
            bars["Reviewed"]) == (5, 5, 4, 3, 2)  # Eve, Fay, Ann, Bo, Cy; Ann and Bo scored
    assert png == funnel_png(campaign.title, funnel_of(facts))  # drawn from exactly these
    assert "Files cannot" not in await desk.command(RECRUITER, "status support")  # Slack: text
