"""The web board as a reviewer channel (`conversations/review_port.py: ReviewChannel`).

Slack and Telegram hold a post that the review service edits; the board keeps nothing of
its own: every page is rendered from storage when asked. So posting returns a reference
(the review service records it: from then on the submission is on the board), progress,
the aggregate and erasure need no call, and recordings are streamed from the media store.
Forms are the pages themselves, and confirmations are shown on the page after each POST.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from conversations.review_board import BOARD_PLACE, WEB_PLATFORM, BoardBackend
from conversations.review_port import ReviewerRef
from conversations.review_views import (
    AggregateView,
    DecisionForm,
    DecisionView,
    ErasedView,
    MediaView,
    ScoreForm,
    SubmissionView,
)
from conversations.scoring import Progress

log = logging.getLogger(__name__)


@dataclass
class WebReviewChannel:
    backend: BoardBackend
    platform: str = WEB_PLATFORM

    def owns(self, place: str) -> bool:
        return place == BOARD_PLACE

    async def post_submission(
        self, place: str, view: SubmissionView, progress: Progress
    ) -> str:
        log.info("board: interview %s is on the board", view.interview_id)
        return f"board:{view.interview_id}"

    async def find_submission(
        self, place: str, interview_id: str, since: datetime
    ) -> str | None:
        return f"board:{interview_id}"  # posting is recording: it cannot have half-happened

    async def attach_media(self, place: str, post_ref: str, media: MediaView) -> str:
        return media.filename  # streamed from the media store when a reviewer plays it

    async def show_progress(
        self, place: str, post_ref: str, view: SubmissionView, progress: Progress,
        decision: DecisionView | None,
    ) -> None:
        """Pages read progress and the decision from storage."""

    async def post_aggregate(
        self, place: str, post_ref: str, view: AggregateView, earlier_ref: str | None
    ) -> str:
        return earlier_ref or f"{post_ref}:aggregate"

    async def show_erased(
        self, place: str, post_ref: str, note: ErasedView, media_refs: Sequence[str]
    ) -> None:
        """An erased interview is no longer listed or served (the backend checks)."""

    async def open_score_form(self, who: ReviewerRef, form: ScoreForm) -> None:
        """The submission page is the form."""

    async def open_decision_form(self, who: ReviewerRef, form: DecisionForm) -> None:
        """The submission page is the form."""

    async def tell(self, who: ReviewerRef, text: str) -> None:
        log.info("board: for %s: %s", who.actor, text)  # the page shows the outcome

    async def is_member(self, place: str, user_id: str) -> bool:
        return await self.backend.is_reviewer(f"{WEB_PLATFORM}:{user_id}")
