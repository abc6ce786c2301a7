"""The reviewer's side of scoring: the blind scoring form (own scores only), saving a whole
sheet (a form) or one cell (a keyboard press), which refreshes the post's progress and, once
enough reviewers are done, queues the aggregate. Post updates go through the outbox (see
`bot/review/service.py`); private notes go straight to the reviewer's channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.errors import AdapterError
from bot.review.permissions import Gate
from bot.review.places import ReviewPlaces
from bot.review.submission import load_submission, review_progress, score_keys
from bot.runtime.clock import Clock
from bot.runtime.outbox_kinds import OutboxKind, review_lane
from config.kit import Kit
from conversations import scoring
from conversations.events import ConversationRef
from conversations.review_port import ReviewerRef, ScoreCell
from conversations.review_views import ScoreForm
from conversations.reviewing import (
    ALREADY_DECIDED,
    REFUSE_SCORE,
    SCORES_SAVED,
    UNKNOWN_SUBMISSION,
)
from conversations.scoring import ScoreKey
from storage.db import Database, UnitOfWork
from storage.records import ReviewPost

log = logging.getLogger(__name__)
INCOMPLETE = "Please score every question on every dimension (1-4)."
INVALID = "Scores go from 1 to 4."
MEMBERSHIP_UNKNOWN = "The platform did not answer the membership check; please try again."
UNKNOWN_CELL = "This score button does not belong to this submission's questions and rubric."


@dataclass
class ScoringDesk:
    db: Database
    places: ReviewPlaces
    gate: Gate
    clock: Clock
    wake_outbox: Callable[[], None]
    _chores: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        """Nothing to start: present so the service starts and stops it like the others."""

    async def stop(self) -> None:
        if self._chores:
            await asyncio.gather(*self._chores, return_exceptions=True)

    async def open_scoring(self, who: ReviewerRef, iid: str) -> None:
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
            decided = await uow.reviews.decision_for(iid)
            loaded = await load_submission(uow, iid)
            own = (await uow.reviews.scores_for(iid)).get(who.actor, {})
            comment = (await uow.reviews.comments_for(iid)).get(who.actor, "")
        channel = self.places.channel_of(who.place, post.channel if post else None)
        if channel is None:
            log.warning("review: a scoring click from %s names no review place", who.actor)
            return
        if post is None or loaded is None:
            await channel.tell(who, UNKNOWN_SUBMISSION)
            return
        if decided is not None:
            await channel.tell(who, ALREADY_DECIDED)
            return
        refusal = await self._refusal(who, post, loaded.state.candidate)
        if refusal:
            await channel.tell(who, refusal)
            return
        await channel.open_score_form(who, ScoreForm(
            interview_id=iid, candidate=loaded.view.candidate, questions=loaded.kit.questions,
            rubric=loaded.kit.rubric, own=own, comment=comment))

    async def _refusal(
        self, who: ReviewerRef, post: ReviewPost, candidate: ConversationRef | None
    ) -> str | None:
        try:
            allowed = await self.gate.can_score(who, post.channel, candidate)
        except AdapterError as exc:
            log.warning("review: membership of %s in %s unknown: %s", who.actor, post.channel,
                        exc)
            return MEMBERSHIP_UNKNOWN
        return None if allowed else REFUSE_SCORE

    async def save_scores(
        self, who: ReviewerRef, iid: str, scores: Mapping[ScoreKey, int], comment: str
    ) -> str | None:
        """A whole sheet from a form: every key of the rubric, each 1-4."""
        refusal = await self._check(who, iid)
        if refusal:
            return refusal
        async with self.db.unit_of_work() as uow:
            state = await uow.interviews.get(iid)
            if state is None:
                return UNKNOWN_SUBMISSION
            keys = score_keys(await uow.campaigns.kit(state.kit_version_id))
            if not scoring.is_complete(dict(scores), keys) or not all(
                    scoring.valid_score(v) for v in scores.values()):
                return INCOMPLETE
            error = await self._save(uow, who, iid, {k: scores[k] for k in keys}, comment)
        if error:
            return error
        self._later(self._tell(who, SCORES_SAVED))
        return None

    async def save_score(self, who: ReviewerRef, iid: str, cell: ScoreCell, value: int) -> None:
        """One cell of the reviewer's own sheet; they are told the outcome privately."""
        refusal = await self._check(who, iid)
        if refusal is None:
            async with self.db.unit_of_work() as uow:
                refusal = await self._save_cell(uow, who, iid, cell, value)
        await self._tell(who, refusal or await self._cell_saved(who, iid, value))

    async def _save_cell(
        self, uow: UnitOfWork, who: ReviewerRef, iid: str, cell: ScoreCell, value: int
    ) -> str | None:
        state = await uow.interviews.get(iid)
        if state is None:
            return UNKNOWN_SUBMISSION
        key = cell_key(await uow.campaigns.kit(state.kit_version_id), cell)
        if key is None:
            return UNKNOWN_CELL
        if not scoring.valid_score(value):
            return INVALID
        return await self._save(uow, who, iid, {key: value}, None)

    async def _cell_saved(self, who: ReviewerRef, iid: str, value: int) -> str:
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(iid)
            assert state is not None
            keys = score_keys(await uow.campaigns.kit(state.kit_version_id))
            own = (await uow.reviews.scores_for(iid)).get(who.actor, {})
        done = sum(1 for k in keys if k in own)
        tail = (" Your sheet is complete; you can revise it until the decision."
                if done == len(keys) else f" {done} of {len(keys)} scored.")
        return f"Saved privately: {value}.{tail}"

    async def _check(self, who: ReviewerRef, iid: str) -> str | None:
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
            state = await uow.interviews.get(iid)
        if post is None or state is None:
            return UNKNOWN_SUBMISSION
        refusal = await self._refusal(who, post, state.candidate)
        if refusal:
            log.info("review: scores from %s for %s refused", who.actor, iid)
        return refusal

    async def _save(
        self, uow: UnitOfWork, who: ReviewerRef, iid: str, scores: dict[ScoreKey, int],
        comment: str | None,
    ) -> str | None:
        """Store, queue the post's refresh (and the aggregate once complete), audit."""
        if await uow.reviews.decision_for(iid) is not None:
            return ALREADY_DECIDED
        state = await uow.interviews.get(iid)
        post = await uow.reviews.post_for(iid)
        assert state is not None and post is not None
        kit = await uow.campaigns.kit(state.kit_version_id)
        before = await uow.reviews.scores_for(iid)
        await uow.reviews.upsert_scores(iid, who.actor, scores, comment)
        progress = await review_progress(uow, iid, kit)
        # The post shows progress only: a press that completes no sheet changes nothing
        # there (a keyboard sends one such press per cell; each edit would spend the
        # group's rate limit).
        if progress != scoring.progress(before, score_keys(kit), kit.reviewers_required):
            await uow.outbox.add(OutboxKind.REVIEW_REFRESH, {"interview_id": iid},
                                 review_lane(iid), iid)
        if progress.complete and (await uow.reviews.mark_aggregate_posted(iid)
                                  or post.aggregate_posted):
            await uow.outbox.add(OutboxKind.REVIEW_AGGREGATE, {"interview_id": iid},
                                 review_lane(iid), iid)
        await uow.audit.log(who.actor, "scored", iid, {"revision": who.actor in before},
                            self.clock())
        await uow.commit()
        log.info("review: %s scored %s (%d of %d done)", who.actor, iid, progress.done,
                 progress.required)
        self.wake_outbox()
        return None

    async def _tell(self, who: ReviewerRef, text: str) -> None:
        channel = self.places.channel_of(who.place)
        if channel is None:
            log.warning("review: no channel to tell %s in %r", who.actor, who.place)
            return
        await channel.tell(who, text)

    def _later(self, work: Any) -> None:
        """Slow, best-effort work after the ack (e.g. a private confirmation)."""
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)


def cell_key(kit: Kit, cell: ScoreCell) -> ScoreKey | None:
    """The (question id, dimension id) at a 1-based position of the kit; None outside it."""
    if not (1 <= cell.question <= len(kit.questions) and 1 <= cell.dimension <= len(kit.rubric)):
        return None
    return kit.questions[cell.question - 1].id, kit.rubric[cell.dimension - 1].id
