"""One leader among replicas by a session-level advisory lock (storage/leader.py), on the
local PostgreSQL: the lead passes on when the leader stops, and a leader whose connection is
killed stops its work and leads again from a new connection."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.cli.platform_telegram import polling_leadership
from config.settings import Settings
from storage.db import Database, advisory_key
from storage.leader import AdvisoryLeadership
from tests.contract.conftest import PG_ADMIN_DSN, _pg_reachable, _pg_url
from tests.e2e.harness import wait_until


class Work:
    """What a leader does: counts its starts and cancellations, runs until cancelled."""

    def __init__(self) -> None:
        self.started = 0
        self.cancelled = 0

    async def __call__(self) -> None:
        self.started += 1
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    if not _pg_reachable():
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    made = create_async_engine(_pg_url(PG_ADMIN_DSN.rsplit("/", 1)[1]))
    yield made
    await made.dispose()


async def holder_pid(name: str) -> int | None:
    key = advisory_key(name) & 0xFFFFFFFFFFFFFFFF
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        # A bigint key shows as classid (its high half) and objid (its low half).
        pid: int | None = await conn.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
            key >> 32, key & 0xFFFFFFFF)
        return pid
    finally:
        await conn.close()


async def test_the_lead_passes_on_and_survives_a_killed_connection(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="storage.leader")
    name = f"test-lead:{secrets.token_hex(4)}"
    first, second = (AdvisoryLeadership(engine, name, retry_s=0.1, check_s=0.2)
                     for _ in range(2))
    work_one, work_two = Work(), Work()
    one = asyncio.create_task(first.lead(work_one))
    await wait_until(lambda: _true(work_one.started == 1), 10, "the first to lead")
    two = asyncio.create_task(second.lead(work_two))
    await wait_until(lambda: _true("standing by" in caplog.text), 10, "the second to wait")
    assert work_two.started == 0 and first.leading and not second.leading

    one.cancel()  # a replica that stops gives the lead up
    await asyncio.gather(one, return_exceptions=True)
    assert work_one.cancelled == 1
    await wait_until(lambda: _true(work_two.started == 1), 10, "the second to lead")

    pid = await holder_pid(name)
    assert pid is not None
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await wait_until(lambda: _true(work_two.started == 2), 10, "a lead from a new connection")
    assert work_two.cancelled == 1  # the work stopped while the lock was not held
    assert "lost the database connection" in caplog.text

    two.cancel()
    await asyncio.gather(two, return_exceptions=True)
    assert await holder_pid(name) is None  # no pooled connection keeps the lock


async def _true(value: bool) -> bool:
    return value


async def test_only_long_polling_on_postgresql_has_a_leader(tmp_path: Path) -> None:
    settings = Settings(telegram_bot_token=SecretStr("4242:secret-part"))
    sqlite = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    postgres = Database.from_url("postgresql+asyncpg://bot@127.0.0.1:1/none")  # never used
    try:
        assert polling_leadership(sqlite, settings) is None  # one process: always the leader
        leads = polling_leadership(postgres, settings)
        assert isinstance(leads, AdvisoryLeadership)
        assert leads.name == "telegram-polling:4242"  # the bot id, never the secret part
    finally:
        await sqlite.dispose()
        await postgres.dispose()
