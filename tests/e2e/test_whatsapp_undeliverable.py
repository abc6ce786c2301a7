"""WhatsApp cannot deliver to a candidate (131026: not on WhatsApp, or cannot receive): the
message is marked failed and the recruiters are told in their own chat with the bot (here
Telegram), once per interview: who, which campaign, what to do. Real service, fake Cloud API
and fake Telegram on loopback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, run_cli, wait_until
from tests.e2e.scenarios import LONG
from tests.e2e.whatsapp_scenarios import ADA, wa_invite, whatsapp_env
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import FakeWhatsApp

pytestmark = pytest.mark.e2e
RECRUITER_ID = 4242


async def test_recruiters_are_told_once_when_a_candidate_cannot_be_reached(
    fake_whatsapp: FakeWhatsApp, fake_telegram: FakeTelegram, tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = whatsapp_env(tmp_path, fake_whatsapp, TELEGRAM_BOT_TOKEN=fake_telegram.token,
                       TELEGRAM_API_URL=fake_telegram.base_url,
                       RECRUITERS=f"telegram:{RECRUITER_ID},slack:U0OFFLINE")
    slug = await create_campaign(env)
    token = await wa_invite(env, slug, "Ada Lovelace")
    recruiter = fake_telegram.user(RECRUITER_ID, "Rita")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    fake_whatsapp.webhook_url = f"{bot.url}/whatsapp/webhook"
    ada = fake_whatsapp.user(ADA, "Ada")
    try:
        # Accepted, then reported failed (the usual way): the welcome never reached her.
        fake_whatsapp.fail_next_status(131026, "Message undeliverable")
        await ada.send_text(token)
        note = await recruiter.expect_message("cannot be reached", timeout=LONG)
        text = note["text"]
        # (the name she was invited with, not her WhatsApp profile name "Ada")
        assert text.startswith(f"Ada Lovelace (campaign E2E screen ({slug}))"), text
        assert "on WhatsApp" in text and "(131026 Message undeliverable)" in text, text
        assert "contact them another way" in text, text
        assert re.search(r"/extend [\w-]+ 2d <reason>", text), text
        assert ADA not in text  # no number in the recruiter's chat either

        # Refused at once this time: failed too, and in the log, but no second note. (The
        # consent question must have gone out before the next send is made to fail.)
        await ada.expect_button("Yes, I agree", timeout=LONG)
        fake_whatsapp.fail_next_sends(400, code=131026)
        await ada.press("Yes, I agree", timeout=LONG)

        async def given_up() -> bool:
            return await bot.metric("ib_delivery_failed_total") >= 1

        await wait_until(given_up, timeout=LONG, what="the refused message given up")
        await recruiter.expect_no_message(within=1.5)
        code, out, _ = await run_cli(env, "campaign", "list")
        assert code == 0 and "undeliverable=1" in out, out  # one interview
        assert "Traceback" not in bot.logs()
    except BaseException:
        print(recruiter.chat_log())
        print(bot.logs()[-20000:])
        raise
