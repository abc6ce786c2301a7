"""A candidate on WhatsApp, end to end: the real `interview-bot run` process against the fake
Cloud API on loopback. The webhook refuses a wrong verify token and a badly signed POST (and
processes nothing of it); the candidate opens the wa.me invite (the token as their first
message), consents, practises, answers by voice note, is refused an image with the reason,
answers by text, and the interview is submitted; a webhook delivered twice is handled once;
every message went out within WhatsApp's limits and its statuses came back signed.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, base_env, create_campaign, run_cli
from tests.e2e.scenarios import LONG
from tests.fakes.whatsapp import FakeWhatsApp, FakeWhatsAppUser

pytestmark = pytest.mark.e2e

VERIFY = "e2e-verify-token"
ADA = "447700900123"
STRANGER = "447700900999"


@pytest.fixture
async def fake_whatsapp() -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp() as fake:
        yield fake


def whatsapp_env(tmp_path: Path, fake: FakeWhatsApp) -> dict[str, str]:
    return base_env(
        tmp_path,
        WHATSAPP_TOKEN=fake.token, WHATSAPP_PHONE_NUMBER_ID=fake.phone_number_id,
        WHATSAPP_APP_SECRET=fake.app_secret, WHATSAPP_VERIFY_TOKEN=VERIFY,
        WHATSAPP_API_URL=fake.api_url, WHATSAPP_NUMBER=f"+{fake.display_number}",
    )


async def wa_invite(env: dict[str, str], slug: str, name: str) -> str:
    code, out, err = await run_cli(env, "invite", slug, "--name", name, "--channel", "whatsapp")
    assert code == 0, err
    match = re.search(r"https://wa\.me/15550001234\?text=([\w-]{32})$", out.strip())
    assert match, out
    return match.group(1)


async def test_a_whatsapp_interview_from_invite_to_submission(
    fake_whatsapp: FakeWhatsApp, tmp_path: Path, bot_process: list[BotProcess]
) -> None:
    env = whatsapp_env(tmp_path, fake_whatsapp)
    slug = await create_campaign(env)
    token = await wa_invite(env, slug, "Ada Lovelace")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    fake_whatsapp.webhook_url = f"{bot.url}/whatsapp/webhook"
    ada = fake_whatsapp.user(ADA, "Ada")
    try:
        assert (await bot.health())["platforms"] == ["whatsapp"]
        await _refusals(fake_whatsapp, bot)
        await _consent_and_practice(ada, token)
        await _q1_by_voice_note(ada)
        await _q2_refused_image_then_voice(ada)
        last = await _q3_by_text(ada)
        await _redelivery_is_handled_once(fake_whatsapp, bot, ada, last)
        code, out, _ = await run_cli(env, "campaign", "list")
        assert code == 0 and "submitted=1 " in out, out
        assert fake_whatsapp.refused == []  # every message was within WhatsApp's limits
        assert await bot.metric("ib_delivery_statuses_total") > 0  # signed status webhooks
        assert "Traceback" not in bot.logs()
        assert fake_whatsapp.app_secret not in bot.logs() and fake_whatsapp.token not in bot.logs()
    except BaseException:
        print(ada.chat_log())
        print(bot.logs()[-20000:])
        raise


async def _refusals(fake: FakeWhatsApp, bot: BotProcess) -> None:
    """A wrong verify token, a forged and an unsigned POST: refused, nothing handled."""
    assert (await fake.verify("not-the-token"))[0] == 403
    assert await fake.verify(VERIFY) == (200, "1158201444", "text/plain")
    stranger = fake.user(STRANGER, "Mallory")
    forged = stranger.message("text", {"body": "hello"})
    assert (await fake.push(forged, signature="sha256=" + "ab" * 32)).status == 403
    assert (await fake.push(forged, signature=None)).status == 401
    assert (await fake.post_raw(b"{oops")).status == 400
    await stranger.expect_no_message(within=1.0)
    assert await bot.metric("ib_events_handled_total") == 0


async def _consent_and_practice(ada: FakeWhatsAppUser, token: str) -> None:
    await ada.send_text(token)  # what the wa.me link types in
    await ada.expect_message("Thanks for trying", timeout=LONG)
    await ada.press("Yes, I agree", timeout=LONG)
    await ada.expect_message(re.compile(r"3 questions"), timeout=LONG)
    await ada.press("Begin", timeout=LONG)
    await ada.expect_message("Practice", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_text("Practice answer in a few words.")
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)
    await ada.expect_message("That was the practice", timeout=LONG)


async def _q1_by_voice_note(ada: FakeWhatsAppUser) -> None:
    await ada.expect_message("Question 1 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)  # after the 1 s preparation
    await ada.send_voice(MEDIA / "voice.ogg")
    await ada.expect_message("part 1 received", timeout=LONG)  # downloaded and stored
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)


async def _q2_refused_image_then_voice(ada: FakeWhatsAppUser) -> None:
    await ada.expect_message("Question 2 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_image()
    await ada.expect_message("can't use that kind of message", timeout=LONG)
    await ada.send_text("Can I type it instead?")
    refusal = await ada.expect_message("accepts", timeout=LONG)
    assert "voice" in refusal.text
    await ada.send_voice(MEDIA / "voice.ogg")
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)


async def _q3_by_text(ada: FakeWhatsAppUser) -> dict[str, object]:
    await ada.expect_message("Question 3 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Type your answer", timeout=LONG)
    last = ada.message("text", {"body": "I enjoy building reliable tools people use."})
    assert (await ada.fake.push(last)).status == 200
    await ada.expect_message("All done, thank you", timeout=LONG)
    return last


async def _redelivery_is_handled_once(
    fake: FakeWhatsApp, bot: BotProcess, ada: FakeWhatsAppUser, last: dict[str, object]
) -> None:
    """WhatsApp delivers a webhook again when it doubts our 200: same message id, once."""
    duplicates = await bot.metric("ib_events_duplicate_total")
    ada.consume_all()
    sent = len(ada.messages)
    assert (await fake.push(last)).status == 200
    assert await bot.metric("ib_events_duplicate_total") == duplicates + 1
    await ada.expect_no_message(within=1.0)
    assert len(ada.messages) == sent
