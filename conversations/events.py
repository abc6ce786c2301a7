"""Inbound events: what happened, in platform-neutral terms.

Frozen, slotted and lossless (STYLE rule 2). Every event carries an `event_id` used for
de-duplication (unique in storage), an aware `occurred_at` and the `ConversationRef` it
belongs to. Adapters build them; the engine consumes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    SLACK = "slack"
    WHATSAPP = "whatsapp"
    SHELL = "shell"
    WEB = "web"  # the candidate page at /i/<token> (adapters/web/)
    NONE = "none"  # the conversation of an interview nobody has opened (timers, erasure)
    SYSTEM = "system"  # the transcription worker's, for an interview nobody is bound to


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Where a conversation happens; the key of the per-conversation lock. `platform` is a
    `Platform` value."""

    platform: str
    chat_id: str
    user_id: str
    thread_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat_id}:{self.thread_id or ''}"

    @property
    def actor(self) -> str:
        """The person, as RECRUITERS and the audit log write them: `<platform>:<user id>`."""
        return f"{self.platform}:{self.user_id}"

    @classmethod
    def of_interview(cls, interview_id: str) -> ConversationRef:
        """For events about an interview nobody has opened: its own lock key."""
        return cls(Platform.NONE, interview_id, interview_id)


class MediaKind(StrEnum):
    VIDEO_NOTE = "video_note"
    VOICE = "voice"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"


class TimerKind(StrEnum):
    PREP_END = "prep_end"
    ANSWER_END = "answer_end"
    REMINDER = "reminder"
    DEADLINE = "deadline"
    RETENTION = "retention"  # the kit's retention period is over: erase the answers


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    event_id: str
    occurred_at: datetime
    conversation: ConversationRef
    language: str | None = None  # the platform's language hint (e.g. "en-GB")
    display_name: str | None = None
    private: bool = True  # False: sent in a group chat (interviews and recruiting never run there)


@dataclass(frozen=True, slots=True, kw_only=True)
class Started(Event):
    """The candidate opened an invite (deep link / first message carrying the token)."""

    invite_token: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TextReceived(Event):
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaReceived(Event):
    """A media message arrived; not yet downloaded. `file_ref` is the platform's handle."""

    kind: MediaKind
    file_ref: str
    duration_s: float | None = None
    size_bytes: int | None = None
    mime: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    caption: str | None = None  # the text sent with the file (a recruiter's `/new` on a kit)


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaStored(Event):
    """The runtime downloaded a media part into the blob store (result of `FetchMedia`)."""

    part_id: str
    content_hash: str
    path: str
    size_bytes: int
    duration_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaFetchFailed(Event):
    """The runtime could not download a media part; the candidate must be told."""

    part_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPressed(Event):
    payload: str
    message_ref: str | None = None  # the platform message the button was on


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandReceived(Event):
    name: str  # without the slash: "status", "pause", "withdraw", "help", "language"
    args: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerFired(Event):
    kind: TimerKind
    interview_id: str
    due_at: datetime
    timer_key: str = ""  # distinguishes e.g. several reminders


@dataclass(frozen=True, slots=True, kw_only=True)
class EraseRequested(Event):
    """A recruiter erases an interview now (e.g. the candidate asked them to)."""

    interview_id: str
    requested_by: str  # "<platform>:<user id>"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeadlineExtended(Event):
    """A recruiter gives one candidate more time (always with a reason)."""

    interview_id: str
    seconds: int
    requested_by: str  # "<platform>:<user id>"
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Accommodated(Event):
    """A recruiter gives one candidate extra preparation/answer time or retakes."""

    interview_id: str
    extra_prep_s: int
    extra_answer_s: int
    extra_retakes: int
    requested_by: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderRequested(Event):
    """A recruiter asks for a reminder now (sent after the quiet hours if they are on)."""

    interview_id: str
    requested_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignClosed(Event):
    """A recruiter closed the campaign: the deadline of this running interview is now."""

    interview_id: str
    requested_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionMade(Event):
    """A recruiter decided on a submission (from any reviewer channel)."""

    interview_id: str
    decision: str  # advance / reject / hold
    decided_by: str  # "<platform>:<user id>"
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TranscriptReady(Event):
    interview_id: str
    part_id: str
    ok: bool
    failure_reason: str | None = None


# Events that name their interview (the runtime loads it by id, not by conversation).
ABOUT_AN_INTERVIEW = (TimerFired, TranscriptReady, EraseRequested, DecisionMade,
                      DeadlineExtended, ReminderRequested, Accommodated, CampaignClosed)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsupportedReceived(Event):
    """Something the platform sent that is not text, media or a button (sticker, location...).

    Kept as an event so the candidate gets a helpful reply instead of silence.
    """

    description: str
    raw: dict[str, object] = field(default_factory=dict)
