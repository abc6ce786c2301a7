"""Tests of the fake's fault injection: scripted errors, timeouts and the 429 storm."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from tests.fakes.telegram import FakeTelegram, FakeUser
from tests.fakes.telegram.fixtures import ann_fixture, bot_fixture, fake_fixture  # noqa: F401
from tests.fakes.telegram.harness import make_bot


async def test_fail_next_429_and_5xx(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    fake.fail_next(1, status=429, retry_after=3, methods=["sendMessage"])
    assert await bot.get_me()  # not affected: other method
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(ann.chat_id, "hi")
    assert info.value.retry_after == 3
    assert "Too Many Requests: retry after 3" in info.value.message
    assert (await bot.send_message(ann.chat_id, "hi")).text == "hi"
    assert len(ann.messages) == 1  # the rejected call did not create a message

    fake.fail_next(2, status=502)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(ann.chat_id, "x")
    assert await bot.send_message(ann.chat_id, "x")
    statuses = [c.status for c in fake.calls_to("sendMessage")]
    assert statuses == [429, 200, 502, 502, 200]


async def test_timeout_fault(fake: FakeTelegram, ann: FakeUser) -> None:
    impatient = make_bot(fake, timeout=1)
    try:
        fake.fail_next(1, status="timeout", hold=30, apply=True, methods=["sendMessage"])
        with pytest.raises(TelegramNetworkError):
            await impatient.send_message(ann.chat_id, "maybe sent")
        # the call took effect although the response was lost
        await ann.expect_message("maybe sent", timeout=2)
        assert (await impatient.send_message(ann.chat_id, "after")).text == "after"
    finally:
        await impatient.session.close()


async def test_rate_limit_storm_is_deterministic() -> None:
    now = [1_000_000.0]
    fake = FakeTelegram(clock=lambda: now[0])
    async with fake:
        client = make_bot(fake)
        user = fake.user(user_id=7, first_name="Bo")
        other = fake.user(user_id=8, first_name="Cy")
        try:
            fake.rate_limit(per_chat_interval=1.0)
            assert await client.send_message(user.chat_id, "1")
            assert await client.send_message(other.chat_id, "other chat is independent")
            with pytest.raises(TelegramRetryAfter) as info:
                await client.send_message(user.chat_id, "2")
            assert info.value.retry_after == 1
            now[0] += 1.0
            assert await client.send_message(user.chat_id, "2")
            fake.clear_faults()
            assert await client.send_message(user.chat_id, "3")
        finally:
            await client.session.close()
