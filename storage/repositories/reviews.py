"""Review side: the review post, reviewer scores and comments, the decision."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import func, select, update

from storage.models import DecisionRow, ReviewCommentRow, ReviewPostRow, ScoreRow
from storage.records import ReviewDecision, ReviewPost
from storage.repositories._base import Repository

ScoreKey = tuple[str, str]  # (question_id, dimension_id)


PENDING_TS = ""  # a review_posts row whose post was begun, not confirmed


class ReviewRepository(Repository):
    async def save_post(
        self, interview_id: str, channel: str, ts: str, posted_at: datetime | None = None
    ) -> None:
        row = await self._session.get(ReviewPostRow, interview_id)
        if row is None:
            row = ReviewPostRow(interview_id=interview_id, aggregate_posted=False)
            self._session.add(row)
        row.channel, row.ts, row.posted_at = channel, ts, posted_at or self._clock()
        await self._session.flush()

    async def begin_post(self, interview_id: str, channel: str) -> None:
        """Recorded (and committed) before the platform is asked to post: if the process
        dies before `save_post`, the next attempt knows a post may already exist."""
        await self.save_post(interview_id, channel, PENDING_TS)

    async def post_for(self, interview_id: str) -> ReviewPost | None:
        """The posted review post (None while none is, or one is only being posted)."""
        post = await self._post_row(interview_id)
        return post if post is not None and post.ts != PENDING_TS else None

    async def pending_post_for(self, interview_id: str) -> ReviewPost | None:
        """A post that was begun but not confirmed (the process died in between)."""
        post = await self._post_row(interview_id)
        return post if post is not None and post.ts == PENDING_TS else None

    async def _post_row(self, interview_id: str) -> ReviewPost | None:
        r = await self._session.get(ReviewPostRow, interview_id)
        if r is None:
            return None
        return ReviewPost(
            interview_id=r.interview_id, channel=r.channel, ts=r.ts, posted_at=r.posted_at,
            aggregate_posted=r.aggregate_posted,
        )

    async def mark_aggregate_posted(self, interview_id: str) -> bool:
        """True only the first time (post the aggregate once)."""
        n = await self._rowcount(
            update(ReviewPostRow)
            .where(
                ReviewPostRow.interview_id == interview_id,
                ReviewPostRow.aggregate_posted.is_(False),
            )
            .values(aggregate_posted=True)
            .execution_options(synchronize_session=False)
        )
        return n == 1

    async def upsert_scores(
        self,
        interview_id: str,
        reviewer_id: str,
        scores: Mapping[ScoreKey, int],
        comment: str | None = None,
    ) -> None:
        """Insert or revise a reviewer's scores (1..4); other keys of theirs are kept.
        A comment (when given) replaces the reviewer's previous one."""
        now = self._clock()
        for (question_id, dimension_id), score in scores.items():
            if not 1 <= score <= 4:
                raise ValueError(f"score out of range 1..4: {score}")
            stmt = self._insert(ScoreRow).values(
                interview_id=interview_id, reviewer_id=reviewer_id, question_id=question_id,
                dimension_id=dimension_id, score=score, updated_at=now,
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["interview_id", "reviewer_id", "question_id", "dimension_id"],
                set_={"score": stmt.excluded.score, "updated_at": stmt.excluded.updated_at},
            )
            await self._session.execute(stmt)
        if comment is not None:
            row = await self._session.get(ReviewCommentRow, (interview_id, reviewer_id))
            if row is None:
                row = ReviewCommentRow(interview_id=interview_id, reviewer_id=reviewer_id)
                self._session.add(row)
            row.comment, row.updated_at = comment, now
            await self._session.flush()

    async def scores_for(self, interview_id: str) -> dict[str, dict[ScoreKey, int]]:
        rows = await self._session.execute(
            select(ScoreRow.reviewer_id, ScoreRow.question_id, ScoreRow.dimension_id,
                   ScoreRow.score)
            .where(ScoreRow.interview_id == interview_id)
            .order_by(ScoreRow.reviewer_id, ScoreRow.question_id, ScoreRow.dimension_id)
        )
        out: dict[str, dict[ScoreKey, int]] = {}
        for reviewer, question, dimension, score in rows:
            out.setdefault(reviewer, {})[(question, dimension)] = score
        return out

    async def comments_for(self, interview_id: str) -> dict[str, str]:
        rows = await self._session.scalars(
            select(ReviewCommentRow).where(ReviewCommentRow.interview_id == interview_id)
            .order_by(ReviewCommentRow.reviewer_id)
        )
        return {r.reviewer_id: r.comment for r in rows}

    async def reviewers_done(
        self, interview_id: str, required: Collection[ScoreKey] | None = None
    ) -> list[str]:
        """Reviewers who scored, in order of first scoring. With `required` (every
        (question, dimension) of the kit), only those who scored all of them."""
        rows = await self._session.execute(
            select(ScoreRow.reviewer_id, func.min(ScoreRow.id))
            .where(ScoreRow.interview_id == interview_id)
            .group_by(ScoreRow.reviewer_id)
            .order_by(func.min(ScoreRow.id))
        )
        reviewers = [r for r, _ in rows]
        if required is None:
            return reviewers
        scores = await self.scores_for(interview_id)
        need = set(required)
        return [r for r in reviewers if need <= scores.get(r, {}).keys()]

    async def save_decision(
        self,
        interview_id: str,
        decision: str,
        decided_by: str,
        reason: str = "",
        decided_at: datetime | None = None,
    ) -> None:
        row = await self._session.get(DecisionRow, interview_id)
        if row is None:
            row = DecisionRow(interview_id=interview_id)
            self._session.add(row)
        row.decision, row.decided_by, row.reason = decision, decided_by, reason
        row.decided_at = decided_at or self._clock()
        await self._session.flush()

    async def decision_for(self, interview_id: str) -> ReviewDecision | None:
        r = await self._session.get(DecisionRow, interview_id)
        if r is None:
            return None
        return ReviewDecision(
            interview_id=r.interview_id, decision=r.decision, decided_by=r.decided_by,
            reason=r.reason, decided_at=r.decided_at,
        )
