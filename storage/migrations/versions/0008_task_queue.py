"""procrastinate's schema (the PostgreSQL task queue for timers and transcription jobs).

PostgreSQL only: SQLite runs one process with APScheduler and needs no queue. The schema is
the one shipped by the installed procrastinate (3.x); a later procrastinate release that
changes it ships SQL migrations (`procrastinate.schema.SchemaManager.get_migrations_path()`),
which a later Alembic revision applies the same way.

Revision ID: 0008_task_queue
Revises: 0007_recruiting
Create Date: 2026-12-05 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy.util import await_only

from storage.task_queue import queue_schema_sql

revision: str = '0008_task_queue'
down_revision: str | None = '0007_recruiting'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _run_script(sql: str) -> None:
    # The script has many statements and $$ bodies: send it as one simple query through the
    # driver (asyncpg), inside the migration's transaction.
    driver = op.get_bind().connection.driver_connection
    await_only(driver.execute(sql))  # type: ignore[union-attr]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _run_script(queue_schema_sql())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _run_script("""
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
            procrastinate_jobs, procrastinate_workers CASCADE;
        DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
            procrastinate_job_status CASCADE;
        DO $$ DECLARE f record; BEGIN
          FOR f IN SELECT oid::regprocedure AS sig FROM pg_proc
                   WHERE proname LIKE 'procrastinate\\_%' LOOP
            EXECUTE 'DROP FUNCTION IF EXISTS ' || f.sig || ' CASCADE';
          END LOOP; END $$;
    """)
