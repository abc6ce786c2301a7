"""A recruiter in Telegram: `/campaigns` and `/invite` in their own chat with the bot; the
link works for the candidate; the same commands from anyone else reach the candidate engine,
which answers as to anyone without an interview; `/erase` ends a candidate's interview and
erases it. Real service, fake Telegram on loopback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign
from tests.e2e.scenarios import LONG
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
RECRUITER_ID = 4242


async def test_recruiter_invites_from_telegram(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "RECRUITERS": f"telegram:{RECRUITER_ID}"}
    slug = await create_campaign(env)
    recruiter = fake_telegram.user(RECRUITER_ID, "Rita")  # has a chat with the bot already
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    scope = json.dumps({"chat_id": RECRUITER_ID, "type": "chat"}, sort_keys=True)
    menu = [c["command"] for c in fake_telegram.commands[(scope, "")]]
    assert menu[-3:] == ["campaigns", "invite", "erase"] and "status" in menu
    await recruiter.send_command("/campaigns")
    listing = await recruiter.expect_message("Campaigns:", timeout=LONG)
    assert f"• {slug}: " in listing["text"] and "0 invited" in listing["text"]

    await recruiter.send_command(f"/invite {slug} Grace Hopper, Alan Turing")
    reply = await recruiter.expect_message("Invites for", timeout=LONG)
    tokens = dict(re.findall(r"• (.+?): https://t\.me/\w+\?start=([\w-]+)", reply["text"]))
    assert list(tokens) == ["Grace Hopper", "Alan Turing"]

    outsider = fake_telegram.user(3003, "Mallory")
    await outsider.send_command(f"/invite {slug} Mallory")
    await outsider.expect_message("open the invite link", timeout=LONG)  # no interview here

    grace = fake_telegram.user(2002, "Grace")
    await grace.send_command(f"/start {tokens['Grace Hopper']}")
    await grace.expect_message("Thanks for trying", timeout=LONG)
    await recruiter.send_command("/campaigns")
    listing = await recruiter.expect_message("Campaigns:", timeout=LONG)
    assert "2 invited, 1 opened" in listing["text"]

    # Grace asks the recruiter to erase her data; her interview ends at once.
    iid = await interview_id(env["DATABASE_URL"], tokens["Grace Hopper"])
    await recruiter.send_command(f"/erase {iid}")
    await recruiter.expect_message(f"Erased interview {iid} (Grace", timeout=LONG)
    await grace.expect_message("have been erased, as requested", timeout=LONG)
    await grace.press("Yes, I agree", timeout=LONG)  # the old consent button: nothing to do
    await grace.expect_message("has been erased", timeout=LONG)


async def interview_id(database_url: str, token: str) -> str:
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
    finally:
        await db.dispose()
    assert state is not None
    return state.interview_id
