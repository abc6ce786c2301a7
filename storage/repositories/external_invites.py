"""Invites an applicant-tracking system asked for, by the id it gave them (`external_id`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.models import ExternalInviteRow
from storage.repositories._base import Repository


class ExternalIdTaken(Exception):
    """Another invite holds this external id (a concurrent request with the same id)."""


class ExternalInviteRepository(Repository):
    async def interview_for(self, external_id: str) -> str | None:
        row = await self._session.get(ExternalInviteRow, external_id)
        return None if row is None else row.interview_id

    async def external_id_of(self, interview_id: str) -> str | None:
        return await self._session.scalar(select(ExternalInviteRow.external_id).where(
            ExternalInviteRow.interview_id == interview_id))

    async def link(self, external_id: str, interview_id: str) -> None:
        """Raises ExternalIdTaken when the external id is taken (a concurrent request); the
        unit of work is then spoiled and must be left."""
        self._session.add(ExternalInviteRow(external_id=external_id, interview_id=interview_id,
                                            created_at=self._clock()))
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise ExternalIdTaken(external_id) from exc
