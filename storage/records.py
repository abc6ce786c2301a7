"""Domain records returned by repositories (never ORM rows).

Things the engine already has a type for (InterviewState, Kit) are returned as those types;
everything else the runtime reads back from storage is one of these frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    PAUSED = "paused"  # no new starts; running interviews go on
    CLOSED = "closed"


class TranscriptStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    WAITING = "waiting"  # for the candidate to write again (outside a reply window)


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    slug: str
    title: str
    status: CampaignStatus
    kit_version_id: str  # the current (latest) version; running interviews keep their own
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KitVersion:
    id: str
    campaign_id: str
    version_no: int
    source_yaml: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CampaignSummary:
    """Counts over every interview of a campaign (all kit versions).

    invited: every invite; opened: opened_at set; started: reached a question at least once;
    submitted / expired / withdrawn: current phase. waiting: interviews with a message held
    until the candidate writes again (outside WhatsApp's 24-hour window, no template).
    """

    id: str
    slug: str
    title: str
    status: CampaignStatus
    invited: int
    opened: int
    started: int
    submitted: int
    expired: int
    withdrawn: int
    waiting: int = 0
    undeliverable: int = 0  # interviews with a candidate message that failed for good


@dataclass(frozen=True, slots=True)
class PartRecord:
    part_id: str
    seq: int
    kind: str
    duration_s: float | None
    size_bytes: int | None
    mime: str | None
    content_hash: str | None
    path: str | None
    text: str | None
    late: bool = False
    file_ref: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    question_id: str
    attempt_no: int
    kept: bool
    late: bool
    practice: bool
    parts: list[PartRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TranscriptRecord:
    part_id: str
    interview_id: str
    status: TranscriptStatus
    text: str | None
    segments: list[tuple[float, float, str]]
    language: str | None
    model: str | None
    audio_seconds: float | None
    processing_seconds: float | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EarlyReport:
    """A status the platform reported before its message's send was recorded."""

    status: str
    errors: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    kind: str
    payload: dict[str, Any]
    conversation_key: str | None
    interview_id: str | None
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    platform_message_id: str | None = None
    last_error: str | None = None
    delivery_status: str | None = None


@dataclass(frozen=True, slots=True)
class TimerRecord:
    interview_id: str
    kind: str  # a TimerKind value (TimerKind is a StrEnum: compares equal)
    key: str
    due_at: datetime
    fired_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    interview_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReviewPost:
    interview_id: str
    channel: str
    ts: str
    posted_at: datetime
    aggregate_posted: bool


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    interview_id: str
    decision: str
    decided_by: str
    reason: str
    decided_at: datetime


class DeadLetterStatus(StrEnum):
    REJECTED = "rejected"  # malformed: never handled
    FAILED = "failed"  # handling failed N times: set aside so later input is not blocked


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    at: datetime
    platform: str
    event_id: str | None
    status: DeadLetterStatus
    attempts: int
    reason: str
    payload: str
