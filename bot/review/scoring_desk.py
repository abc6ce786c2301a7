"""The reviewer's side of scoring: the blind scoring modal (own scores only) and saving a
reviewer's sheet, which refreshes the post's progress and, once enough reviewers are done,
queues the aggregate. Slack writes that matter go through the outbox (see `bot/review/service.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.errors import AdapterError
from adapters.slack import blocks, modals
from adapters.slack.app import Click, ScoresSubmitted
from adapters.slack.transport import SlackWeb
from bot.review.permissions import Gate
from bot.review.submission import lane, load_submission, review_progress, score_keys
from bot.runtime.clock import Clock
from conversations import scoring
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class ScoringDesk:
    db: Database
    slack: SlackWeb
    gate: Gate
    clock: Clock
    wake_outbox: Callable[[], None]
    _chores: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        """Nothing to start: present so the service starts and stops desks uniformly."""

    async def stop(self) -> None:
        if self._chores:
            await asyncio.gather(*self._chores, return_exceptions=True)

    async def open_scoring(self, click: Click) -> None:
        iid = click.interview_id
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
            decided = await uow.reviews.decision_for(iid)
            loaded = await load_submission(uow, iid)
            own = (await uow.reviews.scores_for(iid)).get(f"slack:{click.user}", {})
            comment = (await uow.reviews.comments_for(iid)).get(f"slack:{click.user}", "")
        if post is None or loaded is None:
            await self.slack.ephemeral(click.channel, click.user, "This submission is unknown.")
            return
        if decided is not None:
            await self.slack.ephemeral(click.channel, click.user, blocks.ALREADY_DECIDED)
            return
        refusal = await self._refusal(click.user, post.channel)
        if refusal:
            await self.slack.ephemeral(click.channel, click.user, refusal, click.response_url)
            return
        view = modals.scoring_modal(
            iid, loaded.view.candidate, loaded.kit.questions, loaded.kit.rubric, own, comment,
            {"channel": post.channel},
        )
        try:
            await self.slack.open_view(click.trigger_id, view)
        except AdapterError as exc:
            log.warning("review: scoring view for %s not opened: %s", iid, exc)

    async def _refusal(self, user: str, channel: str) -> str | None:
        try:
            allowed = await self.gate.can_score(user, channel)
        except AdapterError as exc:
            log.warning("review: membership of %s in %s unknown: %s", user, channel, exc)
            return "Slack did not answer the membership check; please try again."
        return None if allowed else blocks.REFUSE_SCORE

    async def save_scores(self, sub: ScoresSubmitted) -> str | None:
        iid, reviewer = sub.interview_id, f"slack:{sub.user}"
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
        if post is None:
            return "This submission is unknown."
        refusal = await self._refusal(sub.user, post.channel)
        if refusal:
            log.info("review: scores from %s for %s refused", reviewer, iid)
            return refusal
        async with self.db.unit_of_work() as uow:
            if await uow.reviews.decision_for(iid) is not None:
                return blocks.ALREADY_DECIDED
            state = await uow.interviews.get(iid)
            if state is None:
                return "This submission is unknown."
            kit = await uow.campaigns.kit(state.kit_version_id)
            keys = score_keys(kit)
            if not scoring.is_complete(sub.scores, keys) or not all(
                    scoring.valid_score(v) for v in sub.scores.values()):
                return "Please score every question on every dimension (1-4)."
            before = await uow.reviews.scores_for(iid)
            await uow.reviews.upsert_scores(
                iid, reviewer, {k: sub.scores[k] for k in keys}, sub.comment)
            progress = await review_progress(uow, iid, kit)
            await uow.outbox.add("review_refresh", {"interview_id": iid}, lane(iid), iid)
            if progress.complete and (await uow.reviews.mark_aggregate_posted(iid)
                                      or post.aggregate_posted):
                await uow.outbox.add("review_aggregate", {"interview_id": iid}, lane(iid), iid)
            await uow.audit.log(reviewer, "scored", iid,
                                {"revision": reviewer in before}, self.clock())
            await uow.commit()
        log.info("review: %s scored %s (%d of %d done)", reviewer, iid, progress.done,
                 progress.required)
        self.wake_outbox()
        self._later(self.slack.ephemeral(sub.channel or post.channel, sub.user,
                                          blocks.SCORES_SAVED))
        return None

    def _later(self, work: Any) -> None:
        """Slow, best-effort work after the ack (e.g. an ephemeral confirmation)."""
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)
