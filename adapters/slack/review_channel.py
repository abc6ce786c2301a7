"""Slack as a reviewer channel: the reviewer port (`conversations/review_port.py`) in Block
Kit. A review place is a channel id (`C0123…`, optionally written `slack:C0123…`).

The post is one message, tagged with message metadata (the interview id) so that a post
made just before a crash is found again instead of made twice; recordings go into its
thread (external upload flow), the aggregate too; forms are modals opened with the click's
trigger_id; private notes are ephemeral messages (or, for someone outside the channel, the
click's response_url).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from adapters.errors import AdapterError
from adapters.slack import blocks, modals
from adapters.slack.transport import SlackWeb
from conversations.events import Platform
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
PREFIX = f"{Platform.SLACK}:"
SUBMISSION_EVENT = "interview_submission"  # message metadata: finds a post after a crash
CLOCK_SLACK_S = 120  # our clock and Slack's may differ a little


def channel_id(place: str) -> str:
    return place.removeprefix(PREFIX)


@dataclass
class SlackReviewChannel:
    web: SlackWeb
    platform: str = Platform.SLACK

    def owns(self, place: str) -> bool:
        return ":" not in channel_id(place) and bool(place)

    async def post_submission(
        self, place: str, view: SubmissionView, progress: Progress
    ) -> str:
        metadata = {"event_type": SUBMISSION_EVENT,
                    "event_payload": {"interview_id": view.interview_id}}
        return await self.web.post(channel_id(place), blocks.submission_message(view, progress),
                                   metadata=metadata)

    async def find_submission(
        self, place: str, interview_id: str, since: datetime
    ) -> str | None:
        oldest = since.timestamp() - CLOCK_SLACK_S
        return await self.web.find_by_metadata(channel_id(place), SUBMISSION_EVENT,
                                               "interview_id", interview_id, oldest)

    async def attach_media(self, place: str, post_ref: str, media: MediaView) -> str:
        return await self.web.upload(channel_id(place), post_ref, Path(media.path),
                                     media.filename, media.title)

    async def show_progress(
        self, place: str, post_ref: str, view: SubmissionView, progress: Progress,
        decision: DecisionView | None,
    ) -> None:
        message = blocks.submission_message(view, progress, decision)
        await self.web.update(channel_id(place), post_ref, message)

    async def post_aggregate(
        self, place: str, post_ref: str, view: AggregateView, earlier_ref: str | None
    ) -> str:
        message = blocks.aggregate_message(view.questions, view.rubric, view.aggregate,
                                           view.comments)
        if earlier_ref:  # a reviewer revised after the aggregate: update it in place
            await self.web.update(channel_id(place), earlier_ref, message)
            return earlier_ref
        return await self.web.post(channel_id(place), message, thread_ts=post_ref)

    async def show_erased(
        self, place: str, post_ref: str, note: ErasedView, media_refs: Sequence[str]
    ) -> None:
        for file_id in media_refs:  # already-deleted files count as deleted: safe to retry
            await self.web.delete_file(file_id)
        message = blocks.erased_message(note.campaign, note.why, note.retention_days,
                                        note.erased_at, note.decision)
        await self.web.update(channel_id(place), post_ref, message)

    async def open_score_form(self, who: ReviewerRef, form: ScoreForm) -> None:
        view = modals.scoring_modal(form.interview_id, form.candidate, form.questions,
                                    form.rubric, form.own, form.comment, {"channel": who.place})
        await self._open(who, view, form.interview_id)

    async def open_decision_form(self, who: ReviewerRef, form: DecisionForm) -> None:
        view = modals.decision_modal(form.interview_id, form.decision, form.candidate,
                                     {"channel": who.place})
        await self._open(who, view, form.interview_id)

    async def _open(self, who: ReviewerRef, view: dict[str, object], iid: str) -> None:
        try:
            await self.web.open_view(who.handles.get("trigger_id", ""), view)
        except AdapterError as exc:
            log.warning("review: %s view for %s not opened: %s", view.get("callback_id"),
                        iid, exc)

    async def tell(self, who: ReviewerRef, text: str) -> None:
        await self.web.ephemeral(channel_id(who.place), who.user_id, text,
                                 who.handles.get("response_url", ""))

    async def is_member(self, place: str, user_id: str) -> bool:
        return user_id in await self.web.members(channel_id(place))
