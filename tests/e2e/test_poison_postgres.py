"""Poison updates on PostgreSQL (issue 16, item 3), in polling mode.

- One update with U+0000 among 100 from 100 candidates: all 100 get their answer (text is
  made safe at the adapter boundary; PostgreSQL refuses NUL in text).
- An update that fails every time (here: its interview's stored state is corrupt) is set
  aside as a dead letter after N attempts and never blocks the candidates after it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import update

from storage.db import Database
from storage.models import InterviewRow
from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invites, run_cli, wait_until
from tests.fakes.telegram import FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e
CANDIDATES = 100
POISONED = 37  # the candidate whose first name carries U+0000


async def _all_answered(users: list[FakeUser], timeout: float) -> None:
    await asyncio.gather(*(u.expect_message("Thanks for trying", timeout=timeout)
                           for u in users))


async def test_a_nul_among_100_candidates_on_postgresql(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], pg_url: str, tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "DATABASE_URL": pg_url}
    slug = await create_campaign(env)
    tokens = await create_invites(env, slug, [f"Candidate {n}" for n in range(CANDIDATES)])
    users = [
        fake_telegram.user(50_000 + n, "Ro\x00bert" if n == POISONED else f"Cand{n}")
        for n in range(CANDIDATES)
    ]
    for user, token in zip(users, tokens, strict=True):  # one batch, waiting for the bot
        await user.send_command(f"/start {token}")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    await _all_answered(users, timeout=120)
    assert "Traceback" not in bot.logs()
    health = await bot.health()
    assert health["status"] == "ok"
    assert health["dead_letters"] == {"rejected": 0, "failed": 0}


async def test_an_update_failing_every_time_is_set_aside_on_postgresql(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], pg_url: str, tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "DATABASE_URL": pg_url, "DEAD_LETTER_AFTER_FAILURES": "3"}
    slug = await create_campaign(env)
    tokens = await create_invites(env, slug, [f"Candidate {n}" for n in range(21)])
    users = [fake_telegram.user(60_000 + n, f"Cand{n}") for n in range(21)]
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    victim = users[0]
    await victim.send_command(f"/start {tokens[0]}")
    await victim.expect_message("Thanks for trying", timeout=60)
    await _corrupt_state(pg_url, tokens[0])

    await victim.send_text("hello?")  # fails every time: its interview cannot be loaded
    for user, token in zip(users[1:], tokens[1:], strict=True):  # 20 others, after it
        await user.send_command(f"/start {token}")
    await _all_answered(users[1:], timeout=120)

    async def set_aside() -> bool:
        return (await bot.health())["dead_letters"] == {"rejected": 0, "failed": 1}

    await wait_until(set_aside, 60, "the failing update set aside")
    code, out, _ = await run_cli(env, "dead-letters")
    assert code == 0
    [line] = out.strip().splitlines()
    assert "\tfailed\ttelegram\t" in line and "attempts=3" in line


async def _corrupt_state(database_url: str, token: str) -> None:
    db = Database.from_url(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(update(InterviewRow).where(InterviewRow.invite_token == token)
                               .values(state_json="{not json"))
    finally:
        await db.dispose()
