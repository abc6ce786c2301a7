"""WhatsApp's 24-hour window and rate limits, through the real service and the fake Cloud API
(which keeps the window itself: a free-form message outside it comes back failed, 131047).

A reminder due after the candidate's window closed goes out as the approved template; once
they write again, free-form messages resume. A storm of pair-rate errors (131056) delays a
candidate's messages without losing or reordering them, even past DELIVERY_MAX_ATTEMPTS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime.reply_window import MARGIN
from tests.e2e.conftest import new_bot
from tests.e2e.harness import ROOT, BotProcess, create_campaign
from tests.e2e.scenarios import LONG
from tests.e2e.whatsapp_scenarios import ADA, wa_invite, whatsapp_env
from tests.fakes.whatsapp import FakeWhatsApp

pytestmark = pytest.mark.e2e
DEADLINE_KIT = ROOT / "tests" / "e2e" / "kits" / "e2e-deadline.yaml"  # reminder after 20 s
OPEN_FOR = 8.0  # seconds the candidate's window stays open (for the bot) after each message


async def test_a_reminder_outside_the_window_is_the_template_then_free_form_resumes(
    fake_whatsapp: FakeWhatsApp, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    fake_whatsapp.templates["interview_reminder"] = ("es,en", 2)  # approved in two languages
    env = whatsapp_env(tmp_path, fake_whatsapp,
                       WHATSAPP_TEMPLATE_REMINDER="interview_reminder:es,en")
    slug = await create_campaign(env, DEADLINE_KIT, "deadline")
    token = await wa_invite(env, slug, "Ada Lovelace")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    fake_whatsapp.webhook_url = f"{bot.url}/whatsapp/webhook"
    ada = fake_whatsapp.user(ADA, "Ada")
    # What Ada writes is stamped almost a day ago: her window closes soon after each message.
    fake_whatsapp.window.closes_in(MARGIN.total_seconds() + OPEN_FOR)
    try:
        await ada.send_text(token)
        await ada.press("Yes, I agree", timeout=LONG)
        await ada.expect_message("Begin", timeout=LONG)
        ada.consume_all()
        reminder = await ada.expect_message("template:interview_reminder", timeout=LONG)
        deadline, time_left = reminder.text.removeprefix("template:interview_reminder ").split(
            " | ")
        assert "UTC" in deadline and time_left, reminder.text
        assert reminder.payload["template"]["language"] == {"code": "en"}  # the kit's language
        assert ada.messages[-1] is reminder  # nothing free-form beside it

        fake_whatsapp.window.reset()  # she answers now: a fresh window
        await ada.press("Begin", timeout=LONG)
        question = await ada.expect_message("Question 1 of 2", timeout=LONG)
        assert question.template is None
        assert fake_whatsapp.outside_window == []  # never a free-form message out of it
    except BaseException:
        print(ada.chat_log())
        print(bot.logs()[-20000:])
        raise


async def test_a_pair_rate_storm_delays_without_losing_or_reordering(
    fake_whatsapp: FakeWhatsApp, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = whatsapp_env(tmp_path, fake_whatsapp, DELIVERY_MAX_ATTEMPTS="2")
    slug = await create_campaign(env)
    token = await wa_invite(env, slug, "Ada Lovelace")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    fake_whatsapp.webhook_url = f"{bot.url}/whatsapp/webhook"
    ada = fake_whatsapp.user(ADA, "Ada")
    # More 131056 refusals in a row than DELIVERY_MAX_ATTEMPTS: a rate limit is waited out.
    fake_whatsapp.fail_next_sends(400, count=3, code=131056)
    try:
        await ada.send_text(token)
        await ada.press("Yes, I agree", timeout=LONG)
        await ada.expect_message("3 questions", timeout=LONG)
        texts = [m.text for m in ada.messages]
        intro = [i for i, t in enumerate(texts) if "Thanks for trying" in t]
        consent = [i for i, t in enumerate(texts) if "We record your answers" in t]
        overview = [i for i, t in enumerate(texts) if "3 questions" in t]
        assert len(intro) == len(consent) == len(overview) == 1, texts  # none lost, none twice
        assert intro[0] < consent[0] < overview[0], texts  # in the order they were written
        assert await bot.metric("ib_delivery_retries_total") >= 3
        assert await bot.metric("ib_delivery_failed_total") == 0
    except BaseException:
        print(ada.chat_log())
        print(bot.logs()[-20000:])
        raise
