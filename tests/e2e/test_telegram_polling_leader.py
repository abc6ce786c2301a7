"""Telegram long polling across replicas on PostgreSQL (issue 15): one replica polls (the
holder of the bot's advisory lock), the other stands by; SIGKILL the leader and the other
takes over within a bounded time; no update is lost or handled twice."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.e2e.harness import (
    BotProcess,
    create_campaign,
    create_invites,
    free_port,
    wait_until,
)
from tests.fakes.telegram import FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e
LEADS, STANDS_BY = "this replica leads", "another replica leads; standing by"
INTRO = "Thanks for trying"
TAKEOVER_BOUND_S = 10.0  # the follower retries the lock every 2 s


def replica(env: dict[str, str], tmp_path: Path, name: str,
            started: list[BotProcess]) -> BotProcess:
    bot = BotProcess(env={**env, "HTTP_PORT": str(free_port())},
                     log_path=tmp_path / f"{name}.log")
    started.append(bot)
    return bot


async def logged(bot: BotProcess, text: str, timeout: float = 30) -> None:
    async def probe() -> bool:
        return text in bot.logs()

    await wait_until(probe, timeout, f"{text!r} in {bot.log_path.name}")


async def _any_logged(bots: list[BotProcess], text: str) -> bool:
    return any(text in bot.logs() for bot in bots)


async def start_all(users: list[FakeUser], tokens: list[str]) -> None:
    for user, token in zip(users, tokens, strict=True):
        await user.send_command(f"/start {token}")


def conflicts(fake: FakeTelegram, since: float = 0.0) -> int:
    """getUpdates calls refused because another poller was running (409)."""
    return sum(1 for c in fake.calls_to("getUpdates") if c.status == 409 and c.time >= since)


async def test_one_replica_polls_and_another_takes_over_after_sigkill(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], pg_url: str, tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "DATABASE_URL": pg_url}
    slug = await create_campaign(env)
    tokens = await create_invites(env, slug, [f"Candidate {n}" for n in range(9)])
    users = [fake_telegram.user(70_000 + n, f"Cand{n}") for n in range(9)]
    replicas = [replica(env, tmp_path, f"replica{n}", bot_process) for n in (1, 2)]
    await asyncio.gather(*(r.start() for r in replicas))  # they race for the lead
    await wait_until(lambda: _any_logged(replicas, LEADS), 30, "a leader")
    leader, follower = replicas if LEADS in replicas[0].logs() else replicas[::-1]
    await logged(follower, STANDS_BY)

    await start_all(users[:3], tokens[:3])
    await asyncio.gather(*(u.expect_message(INTRO, timeout=60) for u in users[:3]))
    assert conflicts(fake_telegram) == 0  # two pollers would end each other's polls
    assert (await leader.health())["polling"] == {"telegram": "leader"}
    assert (await follower.health())["polling"] == {"telegram": "standby"}
    assert LEADS not in follower.logs()

    await start_all(users[3:6], tokens[3:6])  # maybe fetched by the leader, maybe not
    killed_at = time.time()
    await leader.kill()
    await start_all(users[6:], tokens[6:])  # while nobody polls
    await logged(follower, LEADS, timeout=TAKEOVER_BOUND_S + 20)
    await asyncio.gather(*(u.expect_message(INTRO, timeout=60) for u in users[3:]))
    after = [c.time for c in fake_telegram.calls_to("getUpdates") if c.time > killed_at]
    takeover_s = min(after) - killed_at
    assert takeover_s < TAKEOVER_BOUND_S, takeover_s

    for user in users:  # every candidate answered exactly once: none lost, none doubled
        intros = [m for m in user.messages if str(m.get("text", "")).startswith(INTRO)]
        assert len(intros) == 1, (user.user_id, len(intros))
    assert conflicts(fake_telegram, since=killed_at) == 0
    assert (await follower.health())["polling"] == {"telegram": "leader"}
    assert "Traceback" not in follower.logs()
    print(f"takeover after SIGKILL: {takeover_s:.2f} s")
