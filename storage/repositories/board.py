"""The web reviewer board's sign-in: one-time links and sessions, stored as hashes only
(a leaked database gives no way in). The raw tokens are made by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, select, update

from storage.models import BoardLinkRow, BoardSessionRow, ReviewPostRow
from storage.repositories._base import Repository
from storage.repositories.reviews import PENDING_TS


@dataclass(frozen=True, slots=True)
class BoardSession:
    actor: str  # "web:<name>" or a platform identity ("slack:U123")
    recruiter: bool
    csrf: str
    expires_at: datetime


class BoardRepository(Repository):
    async def add_link(
        self, token_hash: str, actor: str, recruiter: bool, expires_at: datetime
    ) -> None:
        self._session.add(BoardLinkRow(token_hash=token_hash, actor=actor, recruiter=recruiter,
                                       created_at=self._clock(), expires_at=expires_at))
        await self._session.flush()

    async def consume_link(self, token_hash: str) -> tuple[str, bool] | None:
        """(actor, recruiter) the first time an unexpired link is used; None after that."""
        now = self._clock()
        n = await self._rowcount(
            update(BoardLinkRow)
            .where(BoardLinkRow.token_hash == token_hash, BoardLinkRow.used_at.is_(None),
                   BoardLinkRow.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if n != 1:
            return None
        row = await self._session.get(BoardLinkRow, token_hash)
        assert row is not None
        return row.actor, row.recruiter

    async def is_listed(self, actor: str) -> bool:
        """A link was ever made for `actor`: they are on the board's reviewer list."""
        found = await self._session.scalar(select(exists().where(BoardLinkRow.actor == actor)))
        return bool(found)

    async def add_session(
        self, token_hash: str, actor: str, recruiter: bool, csrf: str, expires_at: datetime
    ) -> None:
        """A new session; sessions that have expired are deleted on the way."""
        await self._session.execute(
            delete(BoardSessionRow).where(BoardSessionRow.expires_at <= self._clock()))
        self._session.add(BoardSessionRow(
            token_hash=token_hash, actor=actor, recruiter=recruiter, csrf=csrf,
            created_at=self._clock(), expires_at=expires_at))
        await self._session.flush()

    async def session(self, token_hash: str) -> BoardSession | None:
        row = await self._session.get(BoardSessionRow, token_hash)
        if row is None or row.expires_at <= self._clock():
            return None
        return BoardSession(row.actor, row.recruiter, row.csrf, row.expires_at)

    async def end_session(self, token_hash: str) -> None:
        await self._session.execute(
            delete(BoardSessionRow).where(BoardSessionRow.token_hash == token_hash))

    async def posted_interviews(self, limit: int) -> list[tuple[str, str]]:
        """(interview id, review place) of posted submissions, newest first."""
        rows = await self._session.execute(
            select(ReviewPostRow.interview_id, ReviewPostRow.channel)
            .where(ReviewPostRow.ts != PENDING_TS)
            .order_by(ReviewPostRow.posted_at.desc(), ReviewPostRow.interview_id)
            .limit(limit)
        )
        return [(iid, place) for iid, place in rows]
