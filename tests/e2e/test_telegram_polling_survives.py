"""Long polling survives every error (issue 16, item 2): a 409 Conflict (another process
polling with the same token) is logged once, waited out with backoff, shown on /healthz as
degraded with the reason, and the bot answers again as soon as it is over."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invite, wait_until
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
CONFLICT = ("Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running")
REASON = "another process is polling with this token"


async def test_a_409_conflict_degrades_health_and_polling_resumes(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(telegram_env)
    first = await create_invite(telegram_env, slug, "Ada")
    second = await create_invite(telegram_env, slug, "Alan")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    ada, alan = fake_telegram.user(1001, "Ada"), fake_telegram.user(1002, "Alan")
    fake_telegram.fail_next(10_000, 409, methods=["getUpdates"], description=CONFLICT)
    await ada.send_command(f"/start {first}")  # ends the long poll in progress
    await ada.expect_message("Thanks for trying", timeout=30)

    async def degraded() -> bool:
        health = await bot.health()
        reasons = health.get("degraded")
        return isinstance(reasons, dict) and REASON in str(reasons.get("telegram"))

    await wait_until(degraded, 30, "/healthz degraded by the conflict")
    await alan.send_command(f"/start {second}")  # waits for the conflict to end
    await fake_telegram.wait_for(
        lambda: len([c for c in fake_telegram.calls_to("getUpdates") if c.status == 409]) >= 4,
        30, what="several refused polls")
    refused = [c.time for c in fake_telegram.calls_to("getUpdates") if c.status == 409]
    assert refused[3] - refused[0] >= 1.0  # backoff, not a hot loop
    fake_telegram.clear_faults()

    await alan.expect_message("Thanks for trying", timeout=30)

    async def healthy() -> bool:
        return (await bot.health())["status"] == "ok"

    await wait_until(healthy, 30, "/healthz ok again")
    logs = bot.logs()
    assert logs.count(REASON) == 1, logs  # once per kind of trouble, not once per attempt
    assert "polling works again" in logs
    assert "Traceback" not in logs


async def test_a_malformed_update_in_a_polled_batch_is_rejected_alone(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    """aiogram validates a whole getUpdates batch at once: one bad update used to fail the
    batch, and the polling task with it."""
    slug = await create_campaign(telegram_env)
    first = await create_invite(telegram_env, slug, "Ada")
    second = await create_invite(telegram_env, slug, "Alan")
    ada, alan = fake_telegram.user(1001, "Ada"), fake_telegram.user(1002, "Alan")
    await ada.send_command(f"/start {first}")
    fake_telegram.inject_raw_update({"message": {
        "message_id": 1, "date": 1_700_000_000, "text": "SECRET-ANSWER",
        "chat": {"id": "not-a-number", "type": "private"}}})
    await alan.send_command(f"/start {second}")
    bot = new_bot(telegram_env, tmp_path, bot_process)
    await bot.start()
    await ada.expect_message("Thanks for trying", timeout=30)
    await alan.expect_message("Thanks for trying", timeout=30)

    async def recorded() -> bool:
        return (await bot.health())["dead_letters"] == {"rejected": 1, "failed": 0}

    await wait_until(recorded, 30, "the malformed update recorded as rejected")
    assert "SECRET-ANSWER" not in bot.logs()
    assert "message.chat.id: int_parsing" in bot.logs()
