"""The database: engine, Alembic migrations, and the unit of work.

Built once in the composition root (`Database.from_url(settings.database_url)`), migrated on
start (`await db.migrate()`), disposed on shutdown (`await db.dispose()`). Each handled event
runs in one unit of work:

    async with db.unit_of_work() as uow:
        if not await uow.events.record(event.event_id):
            return
        ...
        await uow.commit()

Leaving the block without `commit()` (or with an exception) rolls back.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from storage.repositories import (
    AnswerRepository,
    AuditRepository,
    BoardRepository,
    CampaignRepository,
    DeadLetterRepository,
    ExternalInviteRepository,
    InterviewRepository,
    OutboxRepository,
    ProcessedEventRepository,
    ReplyWindowRepository,
    ReviewRepository,
    TimerRepository,
    TranscriptRepository,
)
from storage.types import utc_now

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
_READ_ONLY = "interview_bot_read_only"


def advisory_key(key: str) -> int:
    """A stable signed 64-bit number for `key` (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True)


class UnitOfWork:
    """One transaction and the repositories that work inside it."""

    def __init__(
        self, session: AsyncSession, clock: Callable[[], datetime], backend: str = "sqlite"
    ) -> None:
        self.session = session
        self.backend = backend
        self.campaigns = CampaignRepository(session, clock)
        self.interviews = InterviewRepository(session, clock)
        self.answers = AnswerRepository(session, clock)
        self.transcripts = TranscriptRepository(session, clock)
        self.events = ProcessedEventRepository(session, clock)
        self.outbox = OutboxRepository(session, clock)
        self.timers = TimerRepository(session, clock)
        self.audit = AuditRepository(session, clock)
        self.reviews = ReviewRepository(session, clock)
        self.dead_letters = DeadLetterRepository(session, clock)
        self.windows = ReplyWindowRepository(session, clock)
        self.external_invites = ExternalInviteRepository(session, clock)
        self.board = BoardRepository(session, clock)

    async def lock(self, key: str) -> None:
        """Hold `key` until this transaction ends, across every process sharing the
        database: a PostgreSQL transaction-scoped advisory lock. On SQLite a writing unit of
        work already holds the database's one write lock (BEGIN IMMEDIATE)."""
        if self.backend == "postgresql":
            await self.session.execute(select(func.pg_advisory_xact_lock(advisory_key(key))))

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def __aenter__(self) -> UnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()  # no-op after commit; discards uncommitted work
        finally:
            await self.session.close()


class Database:
    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._read_sessions = async_sessionmaker(
            engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )

    @classmethod
    def from_url(
        cls, url: str, *, echo: bool = False, clock: Callable[[], datetime] = utc_now
    ) -> Database:
        """`sqlite+aiosqlite:///path.db` (parent folder created; WAL, busy_timeout, foreign
        keys) or `postgresql+asyncpg://...`. Plain `sqlite://`/`postgresql://` are upgraded to
        the async drivers."""
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            parsed = parsed.set(drivername="sqlite+aiosqlite")
            if parsed.database and parsed.database != ":memory:":
                _private_sqlite_file(Path(parsed.database).expanduser())
                engine = create_async_engine(parsed, echo=echo)
            else:  # one shared connection, or every session would see its own empty database
                engine = create_async_engine(parsed, echo=echo, poolclass=StaticPool)
            _sqlite_pragmas_and_transactions(engine)
        elif backend == "postgresql":
            parsed = parsed.set(drivername="postgresql+asyncpg")
            engine = create_async_engine(parsed, echo=echo, pool_pre_ping=True)
        else:
            raise ValueError(f"unsupported database backend {backend!r} in DATABASE_URL")
        return cls(engine, clock)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """A transaction. On SQLite a writing unit of work takes the write lock when it
        starts (BEGIN IMMEDIATE), so never open one inside another: the inner one would wait
        `busy_timeout` and fail. `read_only=True` starts a plain deferred transaction (use it
        for lookups that write nothing); on PostgreSQL the flag changes nothing."""
        sessions = self._read_sessions if read_only else self._sessions
        return UnitOfWork(sessions(), self.clock, self.backend)

    async def migrate(self, revision: str = "head") -> None:
        """Alembic `upgrade` to `revision` (the app calls this on start)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_alembic, "upgrade", revision)
        log.info("database migrated to %s (%s)", revision, self.backend)

    async def downgrade(self, revision: str = "base") -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_alembic, "downgrade", revision)

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    """A programmatic Alembic config (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _run_alembic(connection: Connection, action: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    if action == "upgrade":
        command.upgrade(cfg, revision)
    else:
        command.downgrade(cfg, revision)


def _private_sqlite_file(path: Path) -> None:
    """The database holds candidates' answers: only our user may read it (0600, its folder
    0700 when we create it). SQLite gives -wal and -shm the database file's permissions, so
    creating the file first with 0600 covers them; files left by an older version are
    tightened too."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def _sqlite_pragmas_and_transactions(engine: AsyncEngine) -> None:
    """WAL + busy_timeout on every connection, and transactions SQLAlchemy controls.

    pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL; we turn it off
    and emit BEGIN IMMEDIATE ourselves: the write lock is taken up front, so two writers wait
    (busy_timeout) instead of failing on a lock upgrade.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
