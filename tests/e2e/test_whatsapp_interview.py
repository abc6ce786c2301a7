"""A candidate on WhatsApp, end to end: the real `interview-bot run` process against the fake
Cloud API on loopback. The webhook refuses a wrong verify token and a badly signed POST (and
processes nothing of it); the candidate opens the wa.me invite (the token as their first
message), consents, practises, answers by voice note, is refused an image with the reason,
answers by text, and the interview is submitted; a webhook delivered twice is handled once;
every message went out within WhatsApp's limits and its statuses came back signed; a `failed`
status is logged with its error code (not the number) and counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, run_cli, wait_until
from tests.e2e.scenarios import LONG
from tests.e2e.whatsapp_scenarios import (
    ADA,
    VERIFY,
    wa_invite,
    whatsapp_env,
    whole_interview,
)
from tests.fakes.whatsapp import FakeWhatsApp, FakeWhatsAppUser

pytestmark = pytest.mark.e2e

STRANGER = "447700900999"


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
        assert (await bot.health())["platforms"] == ["web", "whatsapp"]
        await _refusals(fake_whatsapp, bot)
        last = await whole_interview(ada, token)
        await _redelivery_is_handled_once(fake_whatsapp, bot, ada, last)
        await _a_failed_status_is_reported(fake_whatsapp, bot, ada)
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


async def _a_failed_status_is_reported(
    fake: FakeWhatsApp, bot: BotProcess, ada: FakeWhatsAppUser
) -> None:
    """Many refusals reach us only later, as a `failed` status: logged with its code, counted,
    kept on the outbox row and shown in `campaign list`."""
    fake.fail_next_status(131026, "Message undeliverable")
    await ada.send_text("/status")
    reply = await ada.expect_message(timeout=LONG)

    async def reported() -> bool:
        metrics = await bot.metrics()
        return 'ib_delivery_statuses_total{platform="whatsapp",status="failed"} 1.0' in metrics

    await wait_until(reported, timeout=LONG, what="the failed status counted")
    assert f"message {reply.id} failed: 131026 Message undeliverable" in bot.logs()
    assert ADA not in bot.logs().split(reply.id, 1)[1].split("\n", 1)[0]  # no number logged

    async def recruiter_sees_it() -> bool:  # 131026: given up, and shown to the recruiter
        code, out, _ = await run_cli(bot.env, "campaign", "list")
        return code == 0 and "undeliverable=1" in out

    await wait_until(recruiter_sees_it, timeout=LONG, what="campaign list: undeliverable=1")

