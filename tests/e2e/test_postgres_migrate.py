"""Migrations take a PostgreSQL advisory lock (issue 15): replicas starting together on a
fresh database migrate it once; the others wait for the lock, then find nothing to do."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from tests.e2e.harness import base_env, run_cli

pytestmark = pytest.mark.e2e
PROCESSES = 3


async def test_concurrent_migrate_processes_migrate_once(pg_url: str, tmp_path: Path) -> None:
    env = base_env(tmp_path, DATABASE_URL=pg_url)
    results = await asyncio.gather(*(run_cli(env, "migrate") for _ in range(PROCESSES)))
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() == "database is up to date"
    conn = await asyncpg.connect(pg_url.replace("+asyncpg", ""))
    try:
        versions = await conn.fetch("SELECT version_num FROM alembic_version")
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    finally:
        await conn.close()
    assert len(versions) == 1 and tables > 5
