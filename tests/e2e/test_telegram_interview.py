"""A whole Telegram interview against the real service and the fake Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invite
from tests.e2e.scenarios import whole_interview
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e


async def test_polling_interview_end_to_end(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env)
    token = await create_invite(telegram_env, slug, "Ada")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    ada = fake_telegram.user(1001, "Ada")
    await whole_interview(ada, token)
    assert fake_telegram.unanswered_callback_queries() == []
    print(ada.chat_log())
