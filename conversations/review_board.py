"""The web reviewer board's port: what the board (`adapters/web/board/`) reads, as neutral
values, and the backend it reads them from (`bot/review/board.py` implements it over
storage). Scores and decisions do not pass here: the board hands them to the same
`ReviewDesk` every reviewer channel uses, so the rules (blind scoring, who may decide) are
the same everywhere.

The board is a pull channel: Slack and Telegram hold a post that the review service keeps
up to date; the board renders the same neutral views from storage on every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from conversations.review_port import ReviewerRef
from conversations.review_views import AggregateView, DecisionView, SubmissionView
from conversations.scoring import Progress, ScoreKey

BOARD_PLACE = "web:board"  # the board as a review place (a kit's `review_channel`)
WEB_PLATFORM = "web"  # the actor prefix of people known only to the board: `web:<name>`
BOARD_ROLE = "board_role"  # the board's ReviewerRef handle: the signed-in person's role
RECRUITER = "recruiter"


def board_page_url(base: str, interview_id: str) -> str:
    """A submission's page on the board under `base` (PUBLIC_URL)."""
    return f"{base.rstrip('/')}/review/s/{interview_id}"


@dataclass(frozen=True, slots=True)
class BoardUser:
    """A signed-in browser: who, in which role, and the session's CSRF token."""

    actor: str  # "web:ana@example.com", or a platform identity ("slack:U123")
    recruiter: bool
    csrf: str

    @property
    def platform(self) -> str:
        return self.actor.split(":", 1)[0]

    @property
    def user_id(self) -> str:
        return self.actor.split(":", 1)[1]

    def reviewer(self) -> ReviewerRef:
        """The person as the reviewer port knows them, acting from the board (which vouches
        for a recruiter role it signed in; see `bot/review/permissions.py`)."""
        handles = {BOARD_ROLE: RECRUITER} if self.recruiter else {}
        return ReviewerRef(platform=self.platform, user_id=self.user_id, place=BOARD_PLACE,
                           handles=handles)


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One submission in the board's list: progress and state, never score values."""

    interview_id: str
    candidate: str
    campaign: str
    submitted_at: datetime | None
    progress: Progress
    own_done: bool
    decision: str | None
    flags: str


@dataclass(frozen=True, slots=True)
class Segment:
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True, slots=True)
class BoardPart:
    """One part of a chosen answer as the board plays it: `media` is True when there is a
    recording to stream (`/review/media/<interview>/<question>/<part>`)."""

    media: bool
    mime: str | None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True, slots=True)
class BoardPage:
    """A submission for one reviewer: their own sheet only; the aggregate only once
    enough reviewers are done and this one has scored (or decides)."""

    view: SubmissionView
    progress: Progress
    own: Mapping[ScoreKey, int]
    comment: str
    own_done: bool
    aggregate: AggregateView | None
    decision: DecisionView | None
    parts: Mapping[tuple[int, int], BoardPart] = field(default_factory=dict)
    can_score: bool = True


@dataclass(frozen=True, slots=True)
class BoardFile:
    path: str
    mime: str


class BoardBackend(Protocol):
    async def sign_in(self, link_token: str) -> tuple[str, BoardUser] | None:
        """Consume a one-time link: (a new session token, its user); None when the link is
        unknown, expired or used."""

    async def user(self, session_token: str) -> BoardUser | None: ...

    async def sign_out(self, session_token: str) -> None: ...

    async def submissions(self, user: BoardUser) -> list[BoardRow]:
        """The submissions `user` may review, newest first."""

    async def page(self, user: BoardUser, interview_id: str) -> BoardPage | None:
        """None when there is no such submission or `user` may not see it."""

    async def media(
        self, user: BoardUser, interview_id: str, question: int, part: int
    ) -> BoardFile | None:
        """A recording of a submission `user` may see; None otherwise."""

    async def is_reviewer(self, actor: str) -> bool:
        """On the board's reviewer list (a sign-in link was made for them)."""
