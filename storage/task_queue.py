"""procrastinate, the PostgreSQL task queue: its app, its schema, and the few queries on it.

Used only when DATABASE_URL is PostgreSQL (SQLite keeps APScheduler and the in-process
transcription worker). Its schema is created by the Alembic migration `0008_task_queue`
(`queue_schema_sql`), so it is versioned with ours and applied under the same migration run.
Jobs carry ids only; our own tables stay the source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from procrastinate import App, PsycopgConnector
from sqlalchemy.engine import make_url

TIMERS_QUEUE = "timers"
TRANSCRIBE_QUEUE = "transcribe"


def queue_conninfo(database_url: str) -> str:
    """The libpq DSN procrastinate's psycopg connector wants, from our SQLAlchemy URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def build_queue_app(database_url: str, pool_size: int = 10) -> App:
    """A procrastinate App (not opened): open it with `async with app.open_async()`."""
    # Each worker holds one connection to LISTEN; jobs and defers share the rest.
    connector = PsycopgConnector(conninfo=queue_conninfo(database_url), min_size=1,
                                 max_size=pool_size)
    return App(connector=connector)


def queue_schema_sql() -> str:
    """procrastinate's own schema (types, tables, functions, triggers) for its version."""
    return (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")


async def queued_locks(app: App, queue: str) -> set[str]:
    """The queueing locks of the jobs of `queue` waiting or running now."""
    rows = await app.connector.execute_query_all_async(
        query="SELECT queueing_lock FROM procrastinate_jobs "
              "WHERE queue_name = %(queue)s AND status IN ('todo', 'doing') "
              "AND queueing_lock IS NOT NULL",
        queue=queue,
    )
    return {str(row["queueing_lock"]) for row in rows}


async def drop_waiting(
    app: App, queue: str, locks: Iterable[str], prefixes: Iterable[str]
) -> None:
    """Delete the waiting (`todo`) jobs of `queue` whose queueing lock is one of `locks` or
    starts with one of `prefixes` (a cancelled timer: its job need not wake anyone)."""
    exact, starts = list(locks), [p.replace("\\", "\\\\").replace("%", "\\%")
                                  .replace("_", "\\_") + "%" for p in prefixes]
    if not exact and not starts:
        return
    await app.connector.execute_query_async(
        query="DELETE FROM procrastinate_jobs WHERE queue_name = %(queue)s "
              "AND status = 'todo' AND (queueing_lock = ANY(%(exact)s) "
              "OR queueing_lock LIKE ANY(%(starts)s))",
        queue=queue, exact=exact, starts=starts,
    )
