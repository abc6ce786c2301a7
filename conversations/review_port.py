"""The reviewer port: what the review service asks of a reviewer channel, and what a
reviewer channel hands back when reviewers click.

Outbound, `ReviewChannel`: post a submission (and attach its media), show progress without
values, post the aggregate, replace a post with an erased note, open a scoring or decision
form, tell one reviewer something privately (a refusal, a confirmation), and say who is a
member of a review place. Slack, a Telegram group and the web board implement it; a
"place" is a review destination as the kit or settings name it (`C0123…` for Slack,
`telegram:<chat id>` for a Telegram group).

Inbound, `ReviewDesk`: reviewers' clicks as neutral calls. Methods returning `str | None`
answer None when done, else the refusal to show (a form's inline error where the platform
has one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from conversations.review_views import (
    AggregateView,
    DecisionForm,
    DecisionView,
    ErasedView,
    MediaView,
    ScoreForm,
    SubmissionView,
)
from conversations.scoring import Progress, ScoreKey


@dataclass(frozen=True, slots=True)
class ReviewerRef:
    """Who clicked, where, and the platform's handles to answer that click privately
    (Slack: trigger_id, response_url; Telegram: callback query id). Opaque here."""

    platform: str
    user_id: str
    place: str  # the review place the click came from
    handles: Mapping[str, str] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        """As in RECRUITERS and the audit log: `<platform>:<user id>`."""
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class ScoreCell:
    """One cell of a reviewer's sheet by position, as reviewers see it: question 1..n of
    the kit, rubric dimension 1..m. A keyboard button carries positions, not ids: the kit's
    ids (up to 32 characters each) and the interview id do not fit in Telegram's 64-byte
    callback data together. An interview keeps its kit version, so positions are as stable
    as ids."""

    question: int
    dimension: int


class ReviewChannel(Protocol):
    @property
    def platform(self) -> str:
        """A `Platform` value."""

    def owns(self, place: str) -> bool:
        """True when `place` (a kit's review_channel, a setting) is this channel's."""

    async def post_submission(
        self, place: str, view: SubmissionView, progress: Progress
    ) -> str:
        """Post the submission; returns the post's reference (kept in storage)."""

    async def find_submission(
        self, place: str, interview_id: str, since: datetime
    ) -> str | None:
        """The post of this interview made since `since`, if the platform can tell (after a
        crash between posting and recording it); None when there is none or it cannot."""

    async def attach_media(self, place: str, post_ref: str, media: MediaView) -> str:
        """Attach one recording under the post; returns a reference to delete it later."""

    async def show_progress(
        self, place: str, post_ref: str, view: SubmissionView, progress: Progress,
        decision: DecisionView | None,
    ) -> None: ...

    async def post_aggregate(
        self, place: str, post_ref: str, view: AggregateView, earlier_ref: str | None
    ) -> str:
        """Post the aggregate under the post (or update `earlier_ref`); returns its ref."""

    async def show_erased(
        self, place: str, post_ref: str, note: ErasedView, media_refs: Sequence[str]
    ) -> None:
        """Delete the attached media and replace the post by the erased note."""

    async def open_score_form(self, who: ReviewerRef, form: ScoreForm) -> None: ...

    async def open_decision_form(self, who: ReviewerRef, form: DecisionForm) -> None: ...

    async def tell(self, who: ReviewerRef, text: str) -> None:
        """Only `who` sees it; best effort (never raises)."""

    async def is_member(self, place: str, user_id: str) -> bool:
        """Raises AdapterError when the platform cannot tell (callers say "try again")."""


class ReviewDesk(Protocol):
    """What reviewer channels call when reviewers act."""

    async def open_scoring(self, who: ReviewerRef, interview_id: str) -> None: ...

    async def save_scores(
        self, who: ReviewerRef, interview_id: str, scores: Mapping[ScoreKey, int],
        comment: str,
    ) -> str | None:
        """A whole sheet (a form)."""

    async def save_score(
        self, who: ReviewerRef, interview_id: str, cell: ScoreCell, value: int
    ) -> None:
        """One cell of the reviewer's sheet (a keyboard press); the outcome is told to
        `who` through the channel."""

    async def open_decision(self, who: ReviewerRef, interview_id: str, decision: str) -> None:
        ...

    async def decide(
        self, who: ReviewerRef, interview_id: str, decision: str, reason: str
    ) -> str | None: ...

    async def command(self, actor: str, text: str, prefix: str) -> str:
        """A recruiter's command (`prefix` is how this platform types it, for usage
        texts); the reply only they see."""
