"""ORM models. They never leave `storage/`: repositories turn rows into domain records.

The schema is owned by Alembic (`storage/migrations/versions/`); keep both in step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class CampaignRow(Base):
    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    current_version_id: Mapped[str | None] = mapped_column(String(32))


class KitVersionRow(Base):
    __tablename__ = "kit_versions"
    __table_args__ = (UniqueConstraint("campaign_id", "version_no"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    source_yaml: Mapped[str] = mapped_column(Text)
    kit_json: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class InterviewRow(Base):
    __tablename__ = "interviews"
    __table_args__ = (
        Index("ix_interviews_conversation_updated", "conversation_key", "updated_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kit_version_id: Mapped[str] = mapped_column(ForeignKey("kit_versions.id"))
    invite_token: Mapped[str] = mapped_column(String(64), unique=True)
    candidate_name: Mapped[str | None] = mapped_column(String(300))
    phase: Mapped[str] = mapped_column(String(32), index=True)
    conversation_key: Mapped[str | None] = mapped_column(String(300))
    platform: Mapped[str | None] = mapped_column(String(32))
    candidate_user_id: Mapped[str | None] = mapped_column(String(200))
    started: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    state_json: Mapped[str] = mapped_column(Text)


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("interview_id", "question_id", "attempt_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    attempt_no: Mapped[int] = mapped_column(Integer)
    kept: Mapped[bool] = mapped_column(Boolean)
    late: Mapped[bool] = mapped_column(Boolean)
    practice: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AnswerPartRow(Base):
    """A part; `answer_id` is NULL while media was stored before its attempt was saved."""

    __tablename__ = "answer_parts"
    part_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    interview_id: Mapped[str | None] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(32))
    duration_s: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    mime: Mapped[str | None] = mapped_column(String(100))
    file_ref: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    path: Mapped[str | None] = mapped_column(Text)
    stored_at: Mapped[datetime | None]


class TranscriptRow(Base):
    __tablename__ = "transcripts"
    __table_args__ = (Index("ix_transcripts_status_created", "status", "created_at"),)
    part_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    interview_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    segments_json: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(100))
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    processing_seconds: Mapped[float | None] = mapped_column(Float)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProcessedEventRow(Base):
    __tablename__ = "processed_events"
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime]


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    conversation_key: Mapped[str | None] = mapped_column(String(300), index=True)
    interview_id: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the platform reported after accepting it (WhatsApp: sent, delivered, read, failed).
    delivery_status: Mapped[str | None] = mapped_column(String(16))


class EarlyReportRow(Base):
    """A platform's report on a message whose send is not recorded yet: WhatsApp can push a
    status (even `failed`) before the send call's answer has been read. Kept here, for
    whichever replica records the send, and applied then (bot/runtime/statuses.py)."""

    __tablename__ = "early_reports"
    platform_message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    errors: Mapped[dict[str, Any]]  # {"errors": [[code, title], ...]}
    received_at: Mapped[datetime] = mapped_column(index=True)


class ReplyWindowRow(Base):
    """When a candidate last wrote, for platforms that only allow free-form messages within
    a window after it (WhatsApp's 24-hour customer-service window)."""

    __tablename__ = "reply_windows"
    conversation_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    last_inbound_at: Mapped[datetime | None]


class MessageSlotRow(Base):
    __tablename__ = "message_slots"
    conversation_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    slot: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class TimerRow(Base):
    __tablename__ = "timers"
    interview_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    fired_at: Mapped[datetime | None]


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    interview_id: Mapped[str | None] = mapped_column(String(32), index=True)
    detail: Mapped[dict[str, Any]]


class ReviewPostRow(Base):
    __tablename__ = "review_posts"
    interview_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(100))
    ts: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime]
    aggregate_posted: Mapped[bool] = mapped_column(Boolean, default=False)


class ScoreRow(Base):
    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("interview_id", "reviewer_id", "question_id", "dimension_id"),
        CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(String(32), index=True)
    reviewer_id: Mapped[str] = mapped_column(String(200))
    question_id: Mapped[str] = mapped_column(String(100))
    dimension_id: Mapped[str] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class ReviewCommentRow(Base):
    __tablename__ = "review_comments"
    interview_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    comment: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class DecisionRow(Base):
    __tablename__ = "decisions"
    interview_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    decision: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]


class DeadLetterRow(Base):
    """Inbound input set aside: malformed (`rejected`) or failing every time (`failed`)."""

    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_status_at", "status", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    platform: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)


class ExternalInviteRow(Base):
    """An invite an applicant-tracking system asked for, by its own id (idempotency key)."""

    __tablename__ = "external_invites"
    external_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), unique=True)
    created_at: Mapped[datetime]


class WebMessageRow(Base):
    """A message the web channel showed a candidate (`adapters/web/`): the page is rebuilt
    from these on every load, so a reload or another process shows the same thing."""

    __tablename__ = "web_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    page_key: Mapped[str] = mapped_column(String(64), index=True)  # not the token itself
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[dict[str, Any]]  # {"buttons": [[label, payload], ...]}
    status_slot: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]


class WebSessionRow(Base):
    """The browser an invite link is bound to (a hash of its session cookie) and the code
    that moves it to another device."""

    __tablename__ = "web_sessions"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64))
    move_code: Mapped[str] = mapped_column(String(16))
    bound_at: Mapped[datetime]


class WebChunkRow(Base):
    """A piece of a recording the candidate page uploaded while recording. Kept in the
    database, not on the machine that received it, so that behind a load balancer the
    pieces of one recording can arrive at different replicas and still be joined."""

    __tablename__ = "web_chunks"
    page_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    recording: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime]


class WebRecordingRow(Base):
    """A recording whose chunks 0..chunks-1 are all in and were hashed: whole, the engine
    was told; its chunks stay until the blob store holds the answer part."""

    __tablename__ = "web_recordings"
    page_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    recording: Mapped[str] = mapped_column(String(64), primary_key=True)
    chunks: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime]


class BoardLinkRow(Base):
    """A one-time sign-in link to the web reviewer board (only its hash is kept). The
    people links were made for are the board's reviewer list."""

    __tablename__ = "board_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    recruiter: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class BoardSessionRow(Base):
    """A signed-in browser on the reviewer board (only the cookie's hash is kept)."""

    __tablename__ = "board_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    recruiter: Mapped[bool] = mapped_column(Boolean, default=False)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
