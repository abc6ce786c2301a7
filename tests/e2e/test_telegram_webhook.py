"""Webhook mode: the secret is checked on every request; redelivered updates count once."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invite
from tests.e2e.scenarios import whole_interview
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
SECRET = "e2e-webhook-secret_123"


@pytest.fixture
def webhook_env(telegram_env: dict[str, str]) -> dict[str, str]:
    port = telegram_env["HTTP_PORT"]
    return {**telegram_env, "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_WEBHOOK_SECRET": SECRET}


async def test_webhook_interview_end_to_end(
    fake_telegram: FakeTelegram, webhook_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(webhook_env)
    token = await create_invite(webhook_env, slug, "Grace")
    bot = new_bot(webhook_env, tmp_path, bot_process)
    await bot.start()
    assert fake_telegram.webhook_url == f"{bot.url}/telegram/webhook"
    assert fake_telegram.webhook_secret == SECRET
    grace = fake_telegram.user(2002, "Grace")
    try:
        await whole_interview(grace, token)
    except AssertionError:
        for c in fake_telegram.calls:
            if c.method in ("sendMessage", "setWebhook") or c.via != "http":
                print("CALL", round(c.time, 3), c.method, c.via, c.status,
                      str(c.params.get("text", ""))[:40])
        for d in fake_telegram.webhook_deliveries:
            print("HOOK", round(d.time, 3), d.update_id, d.attempt, d.status, d.error)
        raise
    assert fake_telegram.webhook_deliveries, "updates must have arrived by webhook"
    assert not fake_telegram.calls_to("getUpdates") or all(
        c.status == 409 for c in fake_telegram.calls_to("getUpdates")
    )


async def test_wrong_secret_is_refused_and_redelivery_is_processed_once(
    fake_telegram: FakeTelegram, webhook_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(webhook_env)
    token = await create_invite(webhook_env, slug, "Linus")
    bot = new_bot(webhook_env, tmp_path, bot_process)
    await bot.start()
    linus = fake_telegram.user(3003, "Linus")
    update = await linus.send_command(f"/start {token}")
    await linus.expect_message("Thanks for trying", timeout=30)
    await linus.expect_message("We record your answers", timeout=30)
    handled = await bot.metric("ib_events_handled_total")
    sends = len(fake_telegram.calls_to("sendMessage"))

    forged = {**update, "update_id": update["update_id"] + 1000}
    async with aiohttp.ClientSession() as session:
        for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
            async with session.post(f"{bot.url}/telegram/webhook", json=forged,
                                    headers=headers) as resp:
                assert resp.status == 403

    fake_telegram.redeliver(update["update_id"])
    def delivered_twice() -> bool:
        ok = [d for d in fake_telegram.webhook_deliveries
              if d.update_id == update["update_id"] and d.status == 200]
        return len(ok) >= 2

    await fake_telegram.wait_for(delivered_twice, 30, what="redelivery acknowledged")
    assert await bot.metric("ib_events_duplicate_total") >= 1
    assert await bot.metric("ib_events_handled_total") == handled
    await linus.expect_no_message(within=1.0)
    assert len(fake_telegram.calls_to("sendMessage")) == sends
