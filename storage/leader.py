"""One leader among replicas: a PostgreSQL session-level advisory lock on a dedicated
connection.

Some work must run in exactly one process at a time however many replicas share the
database (Telegram long polling: a second poller is refused with 409 Conflict). `lead(work)`
runs `work` only while this process holds the lock:

- a follower tries `pg_try_advisory_lock` every `retry_s` seconds on its own connection;
- the leader checks its connection every `check_s` seconds; if the check fails or hangs
  (database restart, network cut), the server has let the lock go or soon will, so `work`
  is cancelled and the process goes back to following;
- a leader that dies (even SIGKILL) loses its connection, PostgreSQL releases the lock at
  once, and a follower takes over within `retry_s`.

The connection runs in autocommit: it is never left idle inside a transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import advisory_key

log = logging.getLogger(__name__)
Work = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class AdvisoryLeadership:
    engine: AsyncEngine
    name: str  # what is led, e.g. "telegram-polling:<bot id>"; hashed into the lock key
    retry_s: float = 2.0
    check_s: float = 2.0
    leading: bool = False

    async def lead(self, work: Work) -> None:
        """Run `work` whenever this process leads; returns only if `work` returns."""
        announced = False
        while True:
            try:
                async with self.engine.connect() as conn:
                    try:
                        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                        await self._until_leader(conn, announced)
                        announced = True
                        if await self._lead_while_held(conn, work):
                            return
                    finally:
                        # Never back into the pool: a session lock would stay with it.
                        await conn.invalidate()
            except (OSError, TimeoutError, DBAPIError, InterfaceError) as exc:
                log.warning("%s: lost the database connection (%s); following again",
                            self.name, type(exc).__name__)
            await asyncio.sleep(self.retry_s)  # retrying a lock, not a timer

    async def _until_leader(self, conn: AsyncConnection, announced: bool) -> None:
        key = advisory_key(self.name)
        while not await conn.scalar(select(func.pg_try_advisory_lock(key))):
            if not announced:
                log.info("%s: another replica leads; standing by", self.name)
                announced = True
            await asyncio.sleep(self.retry_s)  # retrying a lock, not a timer
        self.leading = True
        log.info("%s: this replica leads", self.name)

    async def _lead_while_held(self, conn: AsyncConnection, work: Work) -> bool:
        """True if `work` finished by itself; False if the lock's connection failed."""
        task = asyncio.create_task(work(), name=f"lead:{self.name}")
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=self.check_s)
                if not task.done():
                    await asyncio.wait_for(conn.scalar(select(1)), self.check_s)
            await task
            return True
        finally:
            self.leading = False
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
