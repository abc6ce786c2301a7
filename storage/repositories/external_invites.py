"""Invites an applicant-tracking system asked for, by the id it gave them (`external_id`)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ExternalInviteRow
from storage.repositories._base import Repository


class ExternalInviteRepository(Repository):
    async def interview_for(self, external_id: str) -> str | None:
        row = await self._session.get(ExternalInviteRow, external_id)
        return None if row is None else row.interview_id

    async def external_id_of(self, interview_id: str) -> str | None:
        return await self._session.scalar(select(ExternalInviteRow.external_id).where(
            ExternalInviteRow.interview_id == interview_id))

    async def link(self, external_id: str, interview_id: str) -> None:
        """Raises IntegrityError when the external id is taken (a concurrent request)."""
        self._session.add(ExternalInviteRow(external_id=external_id, interview_id=interview_id,
                                            created_at=self._clock()))
        await self._session.flush()
