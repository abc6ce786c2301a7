"""Timers: the source of truth APScheduler jobs are reconciled against."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from conversations.state import FINAL_PHASES
from storage.models import InterviewRow, TimerRow
from storage.records import TimerRecord
from storage.repositories._base import Repository


class TimerRepository(Repository):
    async def upsert(self, interview_id: str, kind: str, key: str, due_at: datetime) -> None:
        """Schedule (or move) a timer; it becomes pending again (fired_at cleared)."""
        stmt = self._insert(TimerRow).values(
            interview_id=interview_id, kind=str(kind), key=key, due_at=due_at, fired_at=None
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["interview_id", "kind", "key"],
            set_={"due_at": stmt.excluded.due_at, "fired_at": None},
        )
        await self._session.execute(stmt)

    async def cancel(self, interview_id: str, kind: str, key: str | None = None) -> int:
        """Delete the timer (key None or "": every timer of that kind). Returns how many."""
        stmt = delete(TimerRow).where(
            TimerRow.interview_id == interview_id, TimerRow.kind == str(kind)
        )
        if key:
            stmt = stmt.where(TimerRow.key == key)
        return await self._rowcount(stmt.execution_options(synchronize_session=False))

    async def cancel_all(self, interview_id: str) -> int:
        return await self._rowcount(
            delete(TimerRow).where(TimerRow.interview_id == interview_id)
            .execution_options(synchronize_session=False)
        )

    async def pending(self, skip_live_on: Collection[str] = ()) -> list[TimerRecord]:
        """Timers not fired yet, soonest first; without those of interviews still running
        (not in a final phase) on one of the platforms `skip_live_on`."""
        stmt = select(TimerRow).where(TimerRow.fired_at.is_(None))
        if skip_live_on:
            i = InterviewRow
            # Spelled without NOT over NULLs: an unbound interview has no platform.
            elsewhere_or_over = or_(
                i.id.is_(None),
                func.coalesce(i.platform, "").not_in(list(skip_live_on)),
                i.phase.in_(sorted(p.value for p in FINAL_PHASES)),
            )
            stmt = stmt.outerjoin(i, i.id == TimerRow.interview_id).where(elsewhere_or_over)
        rows = await self._session.scalars(
            stmt.order_by(TimerRow.due_at, TimerRow.interview_id, TimerRow.kind, TimerRow.key)
        )
        return [_record(r) for r in rows]

    async def for_interview(self, interview_id: str) -> list[TimerRecord]:
        rows = await self._session.scalars(
            select(TimerRow).where(TimerRow.interview_id == interview_id)
            .order_by(TimerRow.due_at, TimerRow.kind, TimerRow.key)
        )
        return [_record(r) for r in rows]

    async def get(self, interview_id: str, kind: str, key: str = "") -> TimerRecord | None:
        row = await self._session.get(TimerRow, (interview_id, str(kind), key))
        return None if row is None else _record(row)

    async def mark_fired(
        self, interview_id: str, kind: str, key: str = "", due_at: datetime | None = None
    ) -> bool:
        """True only the first time for a pending timer (exactly-once handling).

        False if it already fired, was cancelled, or (when `due_at` is given) was moved to
        another time since the job was scheduled (a stale job).
        """
        stmt = update(TimerRow).where(
            TimerRow.interview_id == interview_id, TimerRow.kind == str(kind),
            TimerRow.key == key, TimerRow.fired_at.is_(None),
        )
        if due_at is not None:
            stmt = stmt.where(TimerRow.due_at == due_at)
        n = await self._rowcount(
            stmt.values(fired_at=self._clock()).execution_options(synchronize_session=False)
        )
        return n == 1


def _record(r: TimerRow) -> TimerRecord:
    return TimerRecord(
        interview_id=r.interview_id, kind=r.kind, key=r.key, due_at=r.due_at,
        fired_at=r.fired_at,
    )
