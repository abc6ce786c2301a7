"""SIGKILL in the middle of an interview: the candidate continues, nothing is lost, and
every timer fires exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, create_campaign, create_invite
from tests.e2e.scenarios import (
    LONG,
    answer_q2_by_two_video_notes_after_a_refusal,
    answer_q3_by_text,
    consent_and_begin,
)
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e


async def test_sigkill_mid_interview_loses_nothing(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env)
    token = await create_invite(telegram_env, slug, "Edsger")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    user = fake_telegram.user(4004, "Edsger")
    await consent_and_begin(user, token)
    await user.press("Skip practice", timeout=LONG)
    await user.expect_message("Question 1 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Take 1 s to think", timeout=LONG)

    await bot.kill()  # the 1 s prep timer is due while the service is down
    await bot.start()
    await user.expect_message("Your turn", timeout=LONG)  # the missed timer fired on start
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)

    await bot.kill()  # killed again with an answer stored but not yet confirmed
    await bot.start()
    await user.press("Done", timeout=LONG)
    await user.expect_message("Keep it, or try again?", timeout=LONG)
    await user.press("Keep", timeout=LONG)
    await answer_q2_by_two_video_notes_after_a_refusal(user)
    await answer_q3_by_text(user)

    texts = [str(m.get("text", "")) for m in user.messages]
    assert sum(t.startswith("Your turn: you have 2 min. Send a voice") for t in texts) == 1
    await bot.stop()
    await _assert_nothing_lost(telegram_env["DATABASE_URL"], token)


async def _assert_nothing_lost(database_url: str, token: str) -> None:
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
            assert state is not None and state.phase == "submitted"
            answers = await uow.answers.for_interview(state.interview_id)
            kept = {a.question_id: a for a in answers if a.kept}
            timers = await uow.timers.for_interview(state.interview_id)
            fired = await uow.events.with_prefix(f"timer:{state.interview_id}:")
    finally:
        await db.dispose()
    assert set(kept) == {"q1", "q2", "q3"}
    assert [len(kept[q].parts) for q in ("q1", "q2", "q3")] == [1, 2, 1]
    assert all(p.content_hash for q in ("q1", "q2") for p in kept[q].parts)
    assert len(fired) == len(set(fired))  # no timer handled twice
    assert all(t.fired_at is not None for t in timers if t.kind == "prep_end")
