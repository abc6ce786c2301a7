"""Alembic owns the schema: upgrade head then downgrade base, and models match migrations."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.models import Base


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    # procrastinate's tables (PostgreSQL, migration 0008) are the task queue's, not our models
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def _diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"include_name": _ours})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_then_downgrade_on_sqlite(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}/nested/dir/m.db")
    try:
        await db.migrate()
        await db.migrate()  # idempotent: the app migrates on every start
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == set(Base.metadata.tables)
            assert await conn.run_sync(_diff) == []  # models and migrations agree
        await db.downgrade("base")
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()
        await db.migrate()
    finally:
        await db.dispose()
    assert (tmp_path / "nested" / "dir" / "m.db").exists()


async def test_models_match_migrations(db: Database) -> None:
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_sqlite_pragmas(tmp_path: Path) -> None:
    from sqlalchemy import text

    db = Database.from_url(f"sqlite:///{tmp_path}/p.db")  # plain URL upgraded to aiosqlite
    try:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await db.dispose()


async def test_in_memory_sqlite_keeps_one_database() -> None:
    db = Database.from_url("sqlite+aiosqlite:///:memory:")
    try:
        await db.migrate()
        async with db.unit_of_work() as uow:
            assert await uow.events.record("e") is True
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.events.record("e") is False
    finally:
        await db.dispose()
