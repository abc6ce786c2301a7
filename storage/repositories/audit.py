"""Audit log: who did what to which interview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select

from storage.models import AuditRow
from storage.records import AuditEntry
from storage.repositories._base import Repository


class AuditRepository(Repository):
    async def log(
        self,
        actor: str,
        action: str,
        interview_id: str | None,
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> int:
        row = AuditRow(
            actor=actor, action=action, interview_id=interview_id, detail=dict(detail or {}),
            at=at or self._clock(),
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def for_interview(self, interview_id: str) -> list[AuditEntry]:
        return await self._entries(AuditRow.interview_id == interview_id)

    async def by_actor(self, actor: str) -> list[AuditEntry]:
        return await self._entries(AuditRow.actor == actor)

    async def _entries(self, where: ColumnElement[bool]) -> list[AuditEntry]:
        rows = await self._session.scalars(select(AuditRow).where(where).order_by(AuditRow.id))
        return [
            AuditEntry(
                id=r.id, at=r.at, actor=r.actor, action=r.action, interview_id=r.interview_id,
                detail=dict(r.detail),
            )
            for r in rows
        ]
