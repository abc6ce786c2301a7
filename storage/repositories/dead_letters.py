"""Dead letters: inbound input set aside with its reason (`interview-bot dead-letters`)."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import DeadLetterRow
from storage.records import DeadLetter, DeadLetterStatus
from storage.repositories._base import Repository


class DeadLetterRepository(Repository):
    async def add(
        self, *, platform: str, event_id: str | None, status: DeadLetterStatus,
        attempts: int, reason: str, payload: str,
    ) -> int:
        row = DeadLetterRow(
            at=self._clock(), platform=platform, event_id=event_id, status=status.value,
            attempts=attempts, reason=reason, payload=payload,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def counts(self) -> dict[DeadLetterStatus, int]:
        """How many of each status (every status present, zero when none)."""
        rows = await self._session.execute(
            select(DeadLetterRow.status, func.count()).group_by(DeadLetterRow.status)
        )
        found = {str(status): int(n) for status, n in rows.all()}
        return {s: found.get(s.value, 0) for s in DeadLetterStatus}

    async def latest(self, limit: int = 100) -> list[DeadLetter]:
        rows = await self._session.scalars(
            select(DeadLetterRow).order_by(DeadLetterRow.id.desc()).limit(limit)
        )
        return [
            DeadLetter(
                id=r.id, at=r.at, platform=r.platform, event_id=r.event_id,
                status=DeadLetterStatus(r.status), attempts=r.attempts, reason=r.reason,
                payload=r.payload,
            )
            for r in rows
        ]
