from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from tests.contract.conftest import T0, FakeClock


class TestAuditRepository:
    async def test_log_and_read(self, db: Database, clock: FakeClock) -> None:
        async with db.unit_of_work() as uow:
            await uow.audit.log("telegram:42", "invite_created", "i1", {"by": "rec"})
            clock.advance(5)
            await uow.audit.log("system", "expired", "i1", {"partial": True, "n": 2})
            await uow.audit.log("system", "other", "i2", {}, at=T0 - timedelta(days=1))
            await uow.commit()
        async with db.unit_of_work() as uow:
            entries = await uow.audit.for_interview("i1")
        assert [(e.actor, e.action) for e in entries] == [
            ("telegram:42", "invite_created"), ("system", "expired")
        ]
        assert entries[1].detail == {"partial": True, "n": 2}
        assert entries[0].at == T0 and entries[1].at == T0 + timedelta(seconds=5)


class TestReviewRepository:
    async def test_post_and_aggregate_once(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            assert await uow.reviews.post_for("i1") is None
            await uow.reviews.save_post("i1", "C123", "1700000000.000100")
            assert await uow.reviews.mark_aggregate_posted("i1") is True
            assert await uow.reviews.mark_aggregate_posted("i1") is False
            await uow.commit()
        async with db.unit_of_work() as uow:
            post = await uow.reviews.post_for("i1")
        assert post is not None and (post.channel, post.ts) == ("C123", "1700000000.000100")
        assert post.aggregate_posted and post.posted_at == T0

    async def test_scores_upsert_and_revision(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            await uow.reviews.upsert_scores(
                "i1", "U1", {("q1", "clarity"): 3, ("q1", "depth"): 2}, "solid"
            )
            await uow.reviews.upsert_scores("i1", "U2", {("q1", "clarity"): 4})
            await uow.reviews.upsert_scores("i1", "U1", {("q1", "depth"): 4}, "revised")
            await uow.reviews.upsert_scores("i2", "U1", {("q1", "depth"): 1})
            await uow.commit()
        async with db.unit_of_work() as uow:
            scores = await uow.reviews.scores_for("i1")
            assert scores == {
                "U1": {("q1", "clarity"): 3, ("q1", "depth"): 4},
                "U2": {("q1", "clarity"): 4},
            }
            assert await uow.reviews.comments_for("i1") == {"U1": "revised"}
            assert await uow.reviews.reviewers_done("i1") == ["U1", "U2"]
            required = [("q1", "clarity"), ("q1", "depth")]
            assert await uow.reviews.reviewers_done("i1", required) == ["U1"]
            assert await uow.reviews.scores_for("nobody") == {}

    async def test_score_range_enforced(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            with pytest.raises(ValueError):
                await uow.reviews.upsert_scores("i1", "U1", {("q1", "d"): 5})

    async def test_score_range_is_a_database_constraint(self, db: Database) -> None:
        from storage.models import ScoreRow

        with pytest.raises(IntegrityError):
            async with db.unit_of_work() as uow:
                uow.session.add(ScoreRow(interview_id="i", reviewer_id="U", question_id="q",
                                         dimension_id="d", score=0, updated_at=T0))
                await uow.session.flush()

    async def test_decision(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            assert await uow.reviews.decision_for("i1") is None
            await uow.reviews.save_decision("i1", "hold", "U1", "wait for ref")
            await uow.reviews.save_decision("i1", "advance", "U2", "strong")
            await uow.commit()
        async with db.unit_of_work() as uow:
            d = await uow.reviews.decision_for("i1")
        assert d is not None and (d.decision, d.decided_by, d.reason) == (
            "advance", "U2", "strong"
        )
        assert d.decided_at == T0
