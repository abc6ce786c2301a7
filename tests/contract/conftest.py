"""Backends for the storage contract tests: SQLite always, PostgreSQL when reachable.

SQLite: a fresh migrated file per test. PostgreSQL: one throwaway database `ib_test_<hex>`
per session, migrated once, tables emptied before each test, dropped at the end.
Set IB_TEST_PG_DSN (default postgresql://postgres@127.0.0.1:5432/postgres) to point elsewhere.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from storage.db import Database
from storage.models import Base

PG_ADMIN_DSN = os.environ.get("IB_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def _pg_reachable() -> bool:
    parts = urlsplit(PG_ADMIN_DSN)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 1):
            return True
    except OSError:
        return False


def _run_in_thread(fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """asyncio.run in a worker thread: this fixture may be set up while a loop is running."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(fn())).result()


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_url(dbname: str) -> str:
    parts = urlsplit(PG_ADMIN_DSN)
    return parts._replace(scheme="postgresql+asyncpg", path=f"/{dbname}").geturl()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of a migrated throwaway PostgreSQL database (session-wide)."""
    if not _pg_reachable():
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN}")
    name = f"ib_test_{secrets.token_hex(6)}"
    try:
        _run_in_thread(lambda: _pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # reachable but unusable (auth, permissions): skip, say why
        pytest.skip(f"cannot create a PostgreSQL test database: {exc}")
    url = _pg_url(name)

    async def migrate() -> None:
        db = Database.from_url(url)
        try:
            await db.migrate()
        finally:
            await db.dispose()

    try:
        _run_in_thread(migrate)
        yield url
    finally:
        _run_in_thread(lambda: _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Database]:
    if backend == "sqlite":
        database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/db/test.db", clock=clock)
        await database.migrate()
    else:
        url = request.getfixturevalue("pg_database")
        database = Database.from_url(url, clock=clock)
        async with database.engine.begin() as conn:  # DELETE: much faster than TRUNCATE here
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(table.delete())
    try:
        yield database
    finally:
        await database.dispose()
