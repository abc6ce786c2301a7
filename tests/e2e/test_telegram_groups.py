"""Candidate interviews only in private chats (issue 16, item 5), end to end: a `/start
<token>` posted in a group is answered there with "open this link in a private chat with
me", and the invite stays unused for its candidate's private chat. A recruiter's command in a
group is refused the same way, before it does anything."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invite, run_cli
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
GROUP = -1001234567890
RECRUITER = 4242


async def test_an_invite_posted_in_a_group_is_refused_and_stays_unused(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "RECRUITERS": f"telegram:{RECRUITER}"}
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Ada")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    command = f"/start {token}"
    post_in_group(fake_telegram, 1, 1001, "Ada", command)

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

    # The recruiter, in the same group: no invite link is posted there, nobody is invited.
    post_in_group(fake_telegram, 2, RECRUITER, "Rita", f"/invite {slug} Bo Diaz")
    try:
        replies = await fake_telegram.wait_for(
            lambda: group_replies() if len(group_replies()) == 2 else [], 30,
            what="the recruiter's answer in the group")
    except TimeoutError:
        print(bot.logs()[-20000:])
        raise
    assert "only in a private chat with me" in replies[1] and "start=" not in replies[1]
    code, out, _ = await run_cli(env, "campaign", "list")
    assert code == 0 and "invited=1 " in out, out  # Ada only


def post_in_group(fake: FakeTelegram, message_id: int, user_id: int, name: str,
                  text: str) -> None:
    command_length = len(text.split(" ", 1)[0])
    fake.inject_raw_update({"message": {
        "message_id": message_id, "date": int(time.time()),
        "chat": {"id": GROUP, "type": "supergroup", "title": "Team chat"},
        "from": {"id": user_id, "is_bot": False, "first_name": name},
        "text": text, "entities": [{"type": "bot_command", "offset": 0,
                                    "length": command_length}],
    }})
