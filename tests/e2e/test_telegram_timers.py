"""Reminders and deadline closure fire at the right moments (a one-minute kit); the answers
kept at closure are erased when the kit's retention period ends."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.conftest import new_bot
from tests.e2e.harness import (
    MEDIA,
    ROOT,
    BotProcess,
    create_campaign,
    create_invite,
    wait_until,
)
from tests.e2e.scenarios import LONG
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
DEADLINE_KIT = ROOT / "tests" / "e2e" / "kits" / "e2e-deadline.yaml"


async def test_reminder_then_deadline_closes_with_partial_answers_erased_after_retention(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env, DEADLINE_KIT, "deadline")
    token = await create_invite(telegram_env, slug, "Barbara")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    user = fake_telegram.user(5005, "Barbara")
    opened = time.monotonic()
    await user.send_command(f"/start {token}")
    await user.press("Yes, I agree", timeout=LONG)
    await user.press("Begin", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)
    await user.press("Done", timeout=LONG)
    await user.expect_message("Question 2 of 2", timeout=LONG)

    await user.expect_message("friendly reminder", timeout=LONG)
    reminded = time.monotonic() - opened
    await user.expect_message("has passed", timeout=LONG)
    closed = time.monotonic() - opened
    assert 19 <= reminded < 40, reminded  # due 20 s after opening (60 s - 40 s)
    assert 59 <= closed < 90, closed
    await user.send_text("Sorry, am I too late?")
    await user.expect_message("closed", timeout=LONG)

    db = Database.from_url(telegram_env["DATABASE_URL"])
    try:
        async with db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
            assert state is not None
            answers = await uow.answers.for_interview(state.interview_id)
        assert state.phase == "expired" and "partial" in state.flags
        assert [a.question_id for a in answers if a.kept] == ["q1"]
        media_files = [Path(p.path) for a in answers for p in a.parts if p.path]
        assert media_files and all(f.exists() for f in media_files)
        await _erase_after_retention(db, bot, state.interview_id, media_files)
    finally:
        await db.dispose()
    await user.send_text("Are my answers still there?")
    await user.expect_message("erased", timeout=LONG)


async def _erase_after_retention(
    db: Database, bot: BotProcess, interview_id: str, media_files: list[Path]
) -> None:
    """The retention timer is due 30 days (the kit's `retention_days`) after closure. Move it
    to now while the service is down: on start the overdue timer fires once and erases."""
    async with db.unit_of_work(read_only=True) as uow:
        [retention] = [t for t in await uow.timers.pending() if t.kind == "retention"]
    days = (retention.due_at - datetime.now(UTC)) / timedelta(days=1)
    assert 29.99 < days <= 30, days
    await bot.stop()
    async with db.unit_of_work() as uow:
        await uow.timers.upsert(interview_id, "retention", "", datetime.now(UTC))
        await uow.commit()
    await bot.start()

    async def erased() -> bool:
        async with db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(interview_id)
            return state is not None and state.phase == "erased"

    await wait_until(erased, LONG, "the interview erased after its retention period")
    async with db.unit_of_work(read_only=True) as uow:
        assert await uow.answers.for_interview(interview_id, include_practice=True) == []
    await wait_until(lambda: _all_gone(media_files), LONG, "media files deleted")


async def _all_gone(files: list[Path]) -> bool:
    return not any(f.exists() for f in files)
