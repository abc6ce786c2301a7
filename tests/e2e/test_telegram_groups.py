"""Candidate interviews only in private chats (issue 16, item 5), end to end: a `/start
<token>` posted in a group is answered there with "open this link in a private chat with
me", and the invite stays unused for its candidate's private chat."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invite
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
GROUP = -1001234567890


async def test_an_invite_posted_in_a_group_is_refused_and_stays_unused(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env)
    token = await create_invite(telegram_env, slug, "Ada")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    command = f"/start {token}"
    fake_telegram.inject_raw_update({"message": {
        "message_id": 1, "date": int(time.time()),
        "chat": {"id": GROUP, "type": "supergroup", "title": "Team chat"},
        "from": {"id": 1001, "is_bot": False, "first_name": "Ada"},
        "text": command, "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }})

    def group_replies() -> list[str]:
        chat = fake_telegram.chats.get(GROUP)
        if chat is None:
            return []
        return [str(chat.messages[m].get("text", "")) for m in chat.bot_message_ids]

    replies = await fake_telegram.wait_for(group_replies, 30, what="a reply in the group")
    assert len(replies) == 1 and "private chat with me" in replies[0]

    ada = fake_telegram.user(1001, "Ada")  # the same person, now in her private chat
    await ada.send_command(command)
    await ada.expect_message("Thanks for trying", timeout=30)
    assert group_replies() == replies  # nothing of the interview went to the group
