"""Transcripts, which are also the persistent transcription queue (status pending)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select, update

from storage.models import AnswerPartRow, AnswerRow, TranscriptRow
from storage.records import TranscriptRecord, TranscriptStatus
from storage.repositories._base import Repository

PENDING = TranscriptStatus.PENDING.value


class TranscriptRepository(Repository):
    async def enqueue(self, part_id: str, interview_id: str) -> bool:
        """Queue a part for transcription; True if queued now, False if already known."""
        now = self._clock()
        stmt = self._insert(TranscriptRow).values(
            part_id=part_id, interview_id=interview_id, status=PENDING,
            created_at=now, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["part_id"])
        return await self._rowcount(stmt) == 1

    async def claim_pending(self, limit: int) -> list[str]:
        """Up to `limit` pending, unclaimed part ids, oldest first, marked claimed.

        Claims survive only in the database: call `release_claims()` on start so work a
        crashed process had claimed is picked up again.
        """
        t = TranscriptRow
        stmt = (
            select(t.part_id)
            .where(t.status == PENDING, t.claimed_at.is_(None))
            .order_by(t.created_at, t.part_id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(await self._session.scalars(stmt))
        if ids:
            await self._session.execute(
                update(t).where(t.part_id.in_(ids)).values(claimed_at=self._clock())
                .execution_options(synchronize_session=False)
            )
        return ids

    async def release_claims(self) -> int:
        return await self._rowcount(
            update(TranscriptRow)
            .where(TranscriptRow.status == PENDING, TranscriptRow.claimed_at.is_not(None))
            .values(claimed_at=None)
            .execution_options(synchronize_session=False)
        )

    async def pending_ids(self) -> list[str]:
        """Every pending part id (claimed or not), oldest first."""
        rows = await self._session.scalars(
            select(TranscriptRow.part_id)
            .where(TranscriptRow.status == PENDING)
            .order_by(TranscriptRow.created_at, TranscriptRow.part_id)
        )
        return list(rows)

    async def save_result(
        self,
        part_id: str,
        text: str,
        segments: Sequence[tuple[float, float, str]],
        language: str | None,
        model: str | None,
        audio_seconds: float | None,
        processing_seconds: float | None,
    ) -> None:
        row = await self._required(part_id)
        row.status, row.text = TranscriptStatus.DONE.value, text
        row.segments_json = json.dumps([[s, e, txt] for s, e, txt in segments], ensure_ascii=False)
        row.language, row.model = language, model
        row.audio_seconds, row.processing_seconds = audio_seconds, processing_seconds
        row.failure_reason, row.claimed_at, row.updated_at = None, None, self._clock()
        await self._session.flush()

    async def save_failure(self, part_id: str, reason: str) -> None:
        row = await self._required(part_id)
        row.status, row.failure_reason = TranscriptStatus.FAILED.value, reason
        row.claimed_at, row.updated_at = None, self._clock()
        await self._session.flush()

    async def get(self, part_id: str) -> TranscriptRecord | None:
        row = await self._session.get(TranscriptRow, part_id)
        return None if row is None else _record(row)

    async def for_interview(self, interview_id: str) -> dict[str, TranscriptRecord]:
        rows = await self._session.scalars(
            select(TranscriptRow)
            .where(TranscriptRow.interview_id == interview_id)
            .order_by(TranscriptRow.created_at, TranscriptRow.part_id)
        )
        return {r.part_id: _record(r) for r in rows}

    async def all_done(self, interview_id: str) -> bool:
        """No transcript still pending among the kept, non-practice parts of the interview."""
        pending = await self._session.scalar(
            select(TranscriptRow.part_id)
            .join(AnswerPartRow, AnswerPartRow.part_id == TranscriptRow.part_id)
            .join(AnswerRow, AnswerRow.id == AnswerPartRow.answer_id)
            .where(
                AnswerRow.interview_id == interview_id,
                AnswerRow.kept.is_(True),
                AnswerRow.practice.is_(False),
                TranscriptRow.status == PENDING,
            )
            .limit(1)
        )
        return pending is None

    async def _required(self, part_id: str) -> TranscriptRow:
        row = await self._session.get(TranscriptRow, part_id)
        if row is None:
            raise LookupError(f"no transcript queued for part {part_id}")
        return row


def _record(r: TranscriptRow) -> TranscriptRecord:
    segments = [(float(s), float(e), str(t)) for s, e, t in json.loads(r.segments_json or "[]")]
    return TranscriptRecord(
        part_id=r.part_id, interview_id=r.interview_id, status=TranscriptStatus(r.status),
        text=r.text, segments=segments, language=r.language, model=r.model,
        audio_seconds=r.audio_seconds, processing_seconds=r.processing_seconds,
        failure_reason=r.failure_reason, created_at=r.created_at, updated_at=r.updated_at,
    )
