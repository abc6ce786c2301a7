"""Processed inbound event ids: an update delivered twice is handled once."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ProcessedEventRow
from storage.repositories._base import Repository


class ProcessedEventRepository(Repository):
    async def record(self, event_id: str) -> bool:
        """True if the event is new (now recorded in this transaction), False if already
        processed. A rolled-back unit of work leaves no record, so the event can be retried.
        Concurrent duplicates: the second insert waits for the first transaction and then
        returns False (unique key + ON CONFLICT DO NOTHING)."""
        stmt = self._insert(ProcessedEventRow).values(
            event_id=event_id, processed_at=self._clock()
        ).on_conflict_do_nothing(index_elements=["event_id"])
        return await self._rowcount(stmt) == 1

    async def seen(self, event_id: str) -> bool:
        found = await self._session.scalar(
            select(ProcessedEventRow.event_id).where(ProcessedEventRow.event_id == event_id)
        )
        return found is not None

    async def with_prefix(self, prefix: str) -> list[str]:
        """Processed ids starting with `prefix` (e.g. "timer:<interview>"), for audits."""
        rows = await self._session.scalars(
            select(ProcessedEventRow.event_id)
            .where(ProcessedEventRow.event_id.startswith(prefix, autoescape=True))
            .order_by(ProcessedEventRow.event_id)
        )
        return list(rows)
