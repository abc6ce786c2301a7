"""Alembic environment for both backends.

The app runs migrations through `storage.db.Database.migrate()`, which hands us a live
connection in `config.attributes["connection"]`. From the command line
(`alembic -c storage/alembic.ini upgrade head`), the URL comes from DATABASE_URL (or the ini's
sqlalchemy.url) and an async engine is built here.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from storage.models import Base

config = context.config
target_metadata = Base.metadata
MIGRATION_LOCK = "interview-bot:migrate"


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite ALTER support
        compare_type=True,
    )


def run_with_connection(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        _one_migrator_at_a_time(connection)
        context.run_migrations()


def _one_migrator_at_a_time(connection: Connection) -> None:
    """PostgreSQL: replicas starting together migrate once. The first takes a transaction-
    scoped advisory lock; the others wait on it, then read the version it committed and have
    nothing left to do. (SQLite has one writer anyway.)"""
    if connection.dialect.name != "postgresql":
        return
    from storage.db import advisory_key

    connection.execute(select(func.pg_advisory_xact_lock(advisory_key(MIGRATION_LOCK))))


async def run_from_url(url: str) -> None:
    from storage.db import Database

    db = Database.from_url(url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(run_with_connection)
    finally:
        await db.dispose()


def run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with_connection(connection)
        return
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        url = "sqlite+aiosqlite:///./data/interview-bot.db"
    if context.is_offline_mode():
        run_offline(url)
    else:
        asyncio.run(run_from_url(url))


main()
