"""Delivery under Telegram's limits: a 429 storm delays messages but loses none, in order;
a file over the 20 MB bot download limit is refused before download."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, create_campaign, create_invite
from tests.e2e.scenarios import LONG, consent_and_begin
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e

EXPECTED_ORDER = [
    "Thanks for trying",
    "We record your answers",
    "Thank you! Here's how it works",
    "Practice question",
    "Practice skipped",
]


async def test_429_storm_delays_but_loses_nothing_and_keeps_order(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env)
    token = await create_invite(telegram_env, slug, "Alan")
    fake_telegram.rate_limit(per_chat_interval=2.0, burst=1)  # stricter than our 1/s pacing
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    user = fake_telegram.user(6006, "Alan")
    await consent_and_begin(user, token)
    await user.press("Skip practice", timeout=LONG)
    await user.expect_message("Question 1 of 3", timeout=LONG)

    refused = [c for c in fake_telegram.calls_to("sendMessage") if c.status == 429]
    assert refused, "the storm must have refused some sends"
    texts = [str(m.get("text", "")) for m in user.messages]
    positions = [next(i for i, t in enumerate(texts) if t.startswith(p) or p in t)
                 for p in EXPECTED_ORDER]
    assert positions == sorted(positions), texts
    assert texts[-1].startswith("Question 1 of 3")
    assert await bot.metric("ib_delivery_retries_total") >= len(refused)
    assert await bot.metric("ib_delivery_failed_total") == 0


async def test_file_over_20_mb_is_refused_before_download(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env)
    token = await create_invite(telegram_env, slug, "Radia")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    user = fake_telegram.user(7007, "Radia")
    await consent_and_begin(user, token)
    await user.press("Skip practice", timeout=LONG)
    await user.expect_message("Question 1 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    await user.send_video(MEDIA / "video_note.mp4", file_size=25 * 1024 * 1024)
    await user.expect_message("too big", timeout=LONG)
    assert fake_telegram.calls_to("getFile") == []
    await user.send_voice(MEDIA / "voice.ogg")  # the suggested fallback works
    await user.expect_message("part 1 received", timeout=LONG)
