"""Outbound messages written with the state, delivered after commit; plus message slots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from storage.models import EarlyReportRow, MessageSlotRow, OutboxRow
from storage.records import EarlyReport, OutboxItem, OutboxStatus
from storage.repositories._base import Repository

PENDING = OutboxStatus.PENDING.value
WAITING = OutboxStatus.WAITING.value
# Reports on messages never recorded as ours (another system sending from the same
# number, or a send whose replica died before recording it) are forgotten after this.
EARLY_REPORT_TTL = timedelta(days=1)


class OutboxRepository(Repository):
    async def add(
        self,
        kind: str,
        payload: dict[str, Any],
        conversation_key: str | None,
        interview_id: str | None,
        at: datetime | None = None,
    ) -> int:
        """Queue an item, due at `at` (default: now). Returns its id (delivery order)."""
        now = self._clock()
        row = OutboxRow(
            kind=kind, payload=payload, conversation_key=conversation_key,
            interview_id=interview_id, status=PENDING, attempts=0,
            next_attempt_at=at or now, created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Pending items with next_attempt_at <= now, by id."""
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [_item(r) for r in rows]

    async def pending_for(self, conversation_key: str) -> list[OutboxItem]:
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == PENDING, OutboxRow.conversation_key == conversation_key)
            .order_by(OutboxRow.id)
        )
        return [_item(r) for r in rows]

    async def sent_refs(self, interview_id: str, kind: str) -> list[str]:
        """Platform ids (message ts, file id) of the interview's delivered items of `kind`."""
        refs = await self._session.scalars(
            select(OutboxRow.platform_message_id)
            .where(OutboxRow.interview_id == interview_id, OutboxRow.kind == kind,
                   OutboxRow.status == OutboxStatus.SENT.value,
                   OutboxRow.platform_message_id.is_not(None))
            .order_by(OutboxRow.id)
        )
        return [r for r in refs if r]

    async def get(self, item_id: int) -> OutboxItem | None:
        row = await self._session.get(OutboxRow, item_id)
        return None if row is None else _item(row)

    async def claim(self, item_id: int, now: datetime, until: datetime) -> bool:
        """Take a pending, due item for delivery until `until` (a lease): True for exactly
        one of several processes (the others then find it not due)."""
        n = await self._rowcount(
            update(OutboxRow)
            .where(OutboxRow.id == item_id, OutboxRow.status == PENDING,
                   OutboxRow.next_attempt_at <= now)
            .values(next_attempt_at=until)
            .execution_options(synchronize_session=False)
        )
        return n == 1

    async def mark_sent(
        self, item_id: int, platform_message_id: str | None, now: datetime
    ) -> None:
        row = await self._required(item_id)
        row.status, row.sent_at = OutboxStatus.SENT.value, now
        row.platform_message_id, row.last_error = platform_message_id, None
        await self._session.flush()

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None:
        row = await self._required(item_id)
        row.attempts, row.next_attempt_at, row.last_error = row.attempts + 1, at, error
        await self._session.flush()

    async def mark_failed(self, item_id: int, error: str) -> None:
        row = await self._required(item_id)
        row.status, row.attempts = OutboxStatus.FAILED.value, row.attempts + 1
        row.last_error = error
        await self._session.flush()

    async def hold(self, item_id: int, reason: str) -> None:
        """Set aside until the candidate writes again (`release_waiting`)."""
        row = await self._required(item_id)
        row.status, row.last_error = WAITING, reason
        await self._session.flush()

    async def release_waiting(self, conversation_key: str, now: datetime) -> int:
        """The candidate wrote: their held items are due again, in their original order."""
        return await self._rowcount(
            update(OutboxRow)
            .where(OutboxRow.conversation_key == conversation_key, OutboxRow.status == WAITING)
            .values(status=PENDING, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )

    async def waiting_for(self, interview_id: str) -> list[OutboxItem]:
        """The interview's held items, in order."""
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.interview_id == interview_id, OutboxRow.status == WAITING)
            .order_by(OutboxRow.id)
        )
        return [_item(r) for r in rows]

    async def drop(self, item_ids: list[int]) -> int:
        """Delete items that will never be sent (the caller keeps the audit line)."""
        if not item_ids:
            return 0
        return await self._rowcount(
            delete(OutboxRow).where(OutboxRow.id.in_(item_ids))
            .execution_options(synchronize_session=False)
        )

    async def by_platform_id(self, platform_message_id: str) -> OutboxItem | None:
        row = await self._session.scalar(
            select(OutboxRow).where(OutboxRow.platform_message_id == platform_message_id)
            .order_by(OutboxRow.id.desc()).limit(1)
        )
        return None if row is None else _item(row)

    async def keep_early_report(
        self, platform_message_id: str, status: str, errors: Sequence[tuple[int, str]],
        now: datetime,
    ) -> None:
        """Keep a report on a message not (yet) recorded as sent; a repeat is kept once."""
        await self._rowcount(
            self._insert(EarlyReportRow).values(
                platform_message_id=platform_message_id, status=status,
                errors={"errors": [[code, title] for code, title in errors]}, received_at=now,
            ).on_conflict_do_nothing(index_elements=["platform_message_id", "status"])
        )
        await self._rowcount(
            delete(EarlyReportRow).where(EarlyReportRow.received_at < now - EARLY_REPORT_TTL)
            .execution_options(synchronize_session=False)
        )

    async def take_early_reports(self, platform_message_id: str) -> list[EarlyReport]:
        """The reports kept for `platform_message_id`, oldest first, removed as they are
        taken: of two processes taking them at once, each report goes to one."""
        rows = (await self._session.scalars(
            select(EarlyReportRow)
            .where(EarlyReportRow.platform_message_id == platform_message_id)
            .order_by(EarlyReportRow.received_at)
        )).all()
        taken = []
        for row in rows:
            report = EarlyReport(row.status, tuple((int(code), str(title))
                                                   for code, title in row.errors["errors"]))
            if await self._rowcount(
                delete(EarlyReportRow)
                .where(EarlyReportRow.platform_message_id == platform_message_id,
                       EarlyReportRow.status == report.status)
                .execution_options(synchronize_session=False)
            ) == 1:
                taken.append(report)
        return taken

    async def set_payload(self, item_id: int, payload: dict[str, Any]) -> None:
        row = await self._required(item_id)
        row.payload = payload
        await self._session.flush()

    async def set_delivery_status(self, item_id: int, status: str) -> None:
        row = await self._required(item_id)
        row.delivery_status = status
        await self._session.flush()

    async def send_again(self, item_id: int, at: datetime, error: str) -> None:
        """A message the platform accepted and then reported failed: due again at `at`."""
        row = await self._required(item_id)
        row.status, row.attempts, row.next_attempt_at = PENDING, row.attempts + 1, at
        row.last_error, row.platform_message_id = error, None
        await self._session.flush()

    async def count_failed(self) -> int:
        return await self._count(OutboxStatus.FAILED.value)

    async def count_pending(self) -> int:
        return await self._count(PENDING)

    async def set_slot(self, conversation_key: str, slot: str, message_id: str) -> None:
        stmt = self._insert(MessageSlotRow).values(
            conversation_key=conversation_key, slot=slot, message_id=message_id,
            updated_at=self._clock(),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["conversation_key", "slot"],
            set_={"message_id": stmt.excluded.message_id, "updated_at": stmt.excluded.updated_at},
        )
        await self._session.execute(stmt)

    async def get_slot(self, conversation_key: str, slot: str) -> str | None:
        return await self._session.scalar(
            select(MessageSlotRow.message_id).where(
                MessageSlotRow.conversation_key == conversation_key, MessageSlotRow.slot == slot
            )
        )

    async def clear_slot(self, conversation_key: str, slot: str) -> None:
        await self._session.execute(
            delete(MessageSlotRow).where(MessageSlotRow.conversation_key == conversation_key,
                                         MessageSlotRow.slot == slot)
        )

    async def _required(self, item_id: int) -> OutboxRow:
        row = await self._session.get(OutboxRow, item_id)
        if row is None:
            raise LookupError(f"no outbox item {item_id}")
        return row

    async def _count(self, status: str) -> int:
        n = await self._session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status == status)
        )
        return int(n or 0)


def _item(r: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=r.id, kind=r.kind, payload=dict(r.payload), conversation_key=r.conversation_key,
        interview_id=r.interview_id, attempts=r.attempts, next_attempt_at=r.next_attempt_at,
        created_at=r.created_at, status=OutboxStatus(r.status),
        platform_message_id=r.platform_message_id, last_error=r.last_error,
        delivery_status=r.delivery_status,
    )
