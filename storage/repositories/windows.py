"""When each candidate last wrote, for reply windows (WhatsApp's 24-hour rule)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import ReplyWindowRow
from storage.repositories._base import Repository


class ReplyWindowRepository(Repository):
    async def touch(self, conversation_key: str, at: datetime) -> None:
        """The candidate wrote at `at`; a message that arrives late never moves it back."""
        row = await self._session.get(ReplyWindowRow, conversation_key)
        if row is None:
            self._session.add(ReplyWindowRow(conversation_key=conversation_key,
                                             last_inbound_at=at))
        elif row.last_inbound_at is None or row.last_inbound_at < at:
            row.last_inbound_at = at
        await self._session.flush()

    async def close(self, conversation_key: str) -> None:
        """The platform said the window is closed (a refused free-form message)."""
        row = await self._session.get(ReplyWindowRow, conversation_key)
        if row is not None:
            row.last_inbound_at = None
            await self._session.flush()

    async def last_inbound(self, conversation_key: str) -> datetime | None:
        return await self._session.scalar(
            select(ReplyWindowRow.last_inbound_at)
            .where(ReplyWindowRow.conversation_key == conversation_key))
