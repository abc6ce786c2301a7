"""Effects: what the engine wants done, as data. `bot/` executes them after commit.

State, outbox rows (Send/Edit/FetchMedia/Transcribe/SubmitForReview/Notify) and timers
(Schedule/Cancel) produced by one decision are written in one transaction (STYLE rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import ConversationRef, MediaKind, TimerKind
from conversations.messages import Message


@dataclass(frozen=True, slots=True)
class Send:
    to: ConversationRef
    message: Message


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text/buttons of an earlier message (e.g. disable pressed buttons)."""

    to: ConversationRef
    message_ref: str  # platform message id of the message to edit
    message: Message


@dataclass(frozen=True, slots=True)
class Schedule:
    timer: TimerKind
    at: datetime
    interview_id: str
    key: str = ""  # several timers of one kind (reminders) differ by key


@dataclass(frozen=True, slots=True)
class Cancel:
    timer: TimerKind
    interview_id: str
    key: str = ""  # empty: every timer of this kind for the interview


@dataclass(frozen=True, slots=True)
class AnswerPart:
    """One media or text part of an answer attempt, as the engine tracks it."""

    part_id: str
    kind: str  # a MediaKind value or "text"
    duration_s: float | None
    size_bytes: int | None = None
    mime: str | None = None
    file_ref: str | None = None  # platform handle, until stored
    stored: bool = False  # media downloaded and hashed (text parts: always True)
    late: bool = False
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SaveAnswer:
    """Persist an attempt's parts for a question (kept=True once the candidate keeps it)."""

    interview_id: str
    question_id: str
    attempt_no: int
    parts: tuple[AnswerPart, ...]
    kept: bool
    late: bool
    practice: bool


@dataclass(frozen=True, slots=True)
class FetchMedia:
    """Download a media part into the blob store; the result comes back as MediaStored."""

    interview_id: str
    part_id: str
    conversation: ConversationRef
    kind: MediaKind
    file_ref: str
    size_bytes: int | None
    mime: str | None


@dataclass(frozen=True, slots=True)
class Transcribe:
    interview_id: str
    part_id: str


@dataclass(frozen=True, slots=True)
class SubmitForReview:
    interview_id: str
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Notify:
    """Something for recruiters/operators (audit log + optional channel), not the candidate."""

    interview_id: str
    what: str  # "consent_declined", "withdrawn", "expired", "bound_conflict", ...
    detail: str = ""


@dataclass(frozen=True, slots=True)
class BindInvite:
    """The invite becomes bound to this conversation; storage enforces one person per invite."""

    interview_id: str
    conversation: ConversationRef


@dataclass(frozen=True, slots=True)
class EraseAnswers:
    """Delete stored answers and media of an interview (consent refused, retention period
    over, erase request); `why` is one of `ERASE_REASONS`, shown where copies are erased."""

    interview_id: str
    why: str = "declined"


ERASE_REASONS = ("declined", "retention", "request")


@dataclass(frozen=True, slots=True)
class RecordDecision:
    """Store a recruiter's decision (who, when, why) and show it on the review post."""

    interview_id: str
    decision: str
    decided_by: str
    reason: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class DecisionWebhook:
    """Tell the ATS (`DECISION_WEBHOOK_URL`, when set) about a decision."""

    interview_id: str
    decision: str
    decided_by: str
    reason: str
    decided_at: datetime


Effect = (
    Send
    | Edit
    | Schedule
    | Cancel
    | SaveAnswer
    | FetchMedia
    | Transcribe
    | SubmitForReview
    | Notify
    | BindInvite
    | EraseAnswers
    | RecordDecision
    | DecisionWebhook
)
