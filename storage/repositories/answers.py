"""Answer attempts and their parts (media or text)."""

from __future__ import annotations

from sqlalchemy import select

from conversations.effects import AnswerPart, SaveAnswer
from storage.models import AnswerPartRow, AnswerRow
from storage.records import AnswerRecord, PartRecord
from storage.repositories._base import Repository


class AnswerRepository(Repository):
    async def save_attempt(self, answer: SaveAnswer) -> None:
        """Upsert the attempt by (interview, question, attempt) and its parts by part_id.

        Part order is the order of `answer.parts`. Storage facts already recorded by
        `mark_part_stored` (hash, path, size) are kept.
        """
        now = self._clock()
        row = await self._session.scalar(
            select(AnswerRow).where(
                AnswerRow.interview_id == answer.interview_id,
                AnswerRow.question_id == answer.question_id,
                AnswerRow.attempt_no == answer.attempt_no,
            )
        )
        if row is None:
            row = AnswerRow(
                interview_id=answer.interview_id, question_id=answer.question_id,
                attempt_no=answer.attempt_no, created_at=now,
            )
            self._session.add(row)
        row.kept, row.late, row.practice = answer.kept, answer.late, answer.practice
        row.updated_at = now
        await self._session.flush()
        for seq, part in enumerate(answer.parts):
            await self._upsert_part(row.id, answer.interview_id, seq, part)
        await self._session.flush()

    async def _upsert_part(
        self, answer_id: int, interview_id: str, seq: int, part: AnswerPart
    ) -> None:
        row = await self._session.get(AnswerPartRow, part.part_id)
        if row is None:
            row = AnswerPartRow(part_id=part.part_id)
            self._session.add(row)
        row.answer_id, row.interview_id, row.seq = answer_id, interview_id, seq
        row.kind, row.late, row.text, row.file_ref = part.kind, part.late, part.text, part.file_ref
        row.duration_s = part.duration_s if part.duration_s is not None else row.duration_s
        row.size_bytes = part.size_bytes if part.size_bytes is not None else row.size_bytes
        row.mime = part.mime if part.mime is not None else row.mime

    async def mark_part_stored(
        self,
        part_id: str,
        content_hash: str,
        path: str,
        size_bytes: int,
        duration_s: float | None,
        mime: str | None,
        interview_id: str | None = None,
    ) -> None:
        """Record where a part's media is. Works before the attempt is saved (the part row is
        created, unattached; pass `interview_id` so that erase finds it)."""
        row = await self._session.get(AnswerPartRow, part_id)
        if row is None:
            row = AnswerPartRow(part_id=part_id, kind="", seq=0, late=False)
            self._session.add(row)
        if interview_id is not None:
            row.interview_id = interview_id
        row.content_hash, row.path, row.size_bytes = content_hash, path, size_bytes
        if duration_s is not None:
            row.duration_s = duration_s
        if mime is not None:
            row.mime = mime
        row.stored_at = self._clock()
        await self._session.flush()

    async def for_interview(
        self, interview_id: str, include_practice: bool = False
    ) -> list[AnswerRecord]:
        """Every attempt (kept or not) in the order first saved; parts in seq order."""
        stmt = select(AnswerRow).where(AnswerRow.interview_id == interview_id)
        if not include_practice:
            stmt = stmt.where(AnswerRow.practice.is_(False))
        answers = list(
            await self._session.scalars(stmt.order_by(AnswerRow.id))
        )
        if not answers:
            return []
        parts = await self._session.scalars(
            select(AnswerPartRow)
            .where(AnswerPartRow.answer_id.in_([a.id for a in answers]))
            .order_by(AnswerPartRow.answer_id, AnswerPartRow.seq)
        )
        by_answer: dict[int, list[PartRecord]] = {}
        for p in parts:
            assert p.answer_id is not None
            by_answer.setdefault(p.answer_id, []).append(_part(p))
        return [
            AnswerRecord(
                question_id=a.question_id, attempt_no=a.attempt_no, kept=a.kept, late=a.late,
                practice=a.practice, parts=by_answer.get(a.id, []),
            )
            for a in answers
        ]

    async def part(self, part_id: str) -> PartRecord | None:
        row = await self._session.get(AnswerPartRow, part_id)
        return None if row is None else _part(row)


def _part(p: AnswerPartRow) -> PartRecord:
    return PartRecord(
        part_id=p.part_id, seq=p.seq, kind=p.kind, duration_s=p.duration_s,
        size_bytes=p.size_bytes, mime=p.mime, content_hash=p.content_hash, path=p.path,
        text=p.text, late=p.late, file_ref=p.file_ref,
    )
