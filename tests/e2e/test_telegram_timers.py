"""Reminders and deadline closure fire at the right moments (a one-minute kit)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, ROOT, BotProcess, create_campaign, create_invite
from tests.e2e.scenarios import LONG
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
DEADLINE_KIT = ROOT / "tests" / "e2e" / "kits" / "e2e-deadline.yaml"


async def test_reminder_then_deadline_closes_with_partial_answers(
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
    finally:
        await db.dispose()
    assert state.phase == "expired" and "partial" in state.flags
    assert [a.question_id for a in answers if a.kept] == ["q1"]
