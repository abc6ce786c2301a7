"""What every repository shares: the unit of work's session and clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

Clock = Callable[[], datetime]


class Repository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    def _insert(self, table: type[Any]) -> Any:
        """A dialect insert that supports `on_conflict_do_nothing/update` (SQLite, PostgreSQL)."""
        if self._dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    async def _rowcount(self, stmt: Any) -> int:
        result: CursorResult[Any] = await self._session.execute(stmt)  # type: ignore[assignment]
        return int(result.rowcount)
