"""What reviewers see, as neutral values every reviewer channel renders its own way
(Slack Block Kit, a Telegram group, the web board). Built by `bot/review/` from storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from config.kit import Question, RubricDimension
from conversations.formatting import human_duration
from conversations.scoring import Aggregate, ScoreKey

KIND_NAMES = {
    "voice": "voice", "video_note": "video note", "video": "video", "text": "text",
    "document": "document", "audio": "audio",
}
DECISION_LABELS = {"advance": "Advance", "reject": "Reject", "hold": "Hold"}
DECISION_DONE = {"advance": "Advanced", "reject": "Rejected", "hold": "On hold"}


@dataclass(frozen=True, slots=True)
class PartView:
    kind: str  # voice, video_note, video, text, document
    duration_s: float | None = None
    text: str | None = None  # as written (text) or the transcript (media)
    failure: str | None = None  # why there is no transcript
    pending: bool = False  # transcript not ready (never posted that way; kept for safety)


@dataclass(frozen=True, slots=True)
class AnswerView:
    question: Question
    number: int
    parts: tuple[PartView, ...] = ()
    late: bool = False
    retakes_used: int = 0


@dataclass(frozen=True, slots=True)
class SubmissionView:
    interview_id: str
    candidate: str
    campaign: str
    platform: str
    time_taken_s: float | None
    submitted_at: datetime | None
    flags: frozenset[str]  # "late", "partial"
    retakes_used: int
    answers: tuple[AnswerView, ...]
    # What a channel needs to offer scoring on the post itself (a Telegram keyboard).
    questions: tuple[Question, ...] = ()
    rubric: tuple[RubricDimension, ...] = ()
    board_url: str | None = None  # this submission on the web board, when PUBLIC_URL is set


@dataclass(frozen=True, slots=True)
class DecisionView:
    decision: str
    decided_by: str  # "slack:U123" or any other actor id
    reason: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class MediaView:
    """One recorded answer part to attach to the post. `file_ref` is the candidate
    platform's own handle (`source_platform`), which a channel on the same platform may
    re-send without uploading the bytes again."""

    path: str
    filename: str
    title: str
    kind: str
    source_platform: str
    file_ref: str | None = None


@dataclass(frozen=True, slots=True)
class AggregateView:
    questions: tuple[Question, ...]
    rubric: tuple[RubricDimension, ...]
    aggregate: Aggregate
    comments: Mapping[str, str]  # reviewer actor -> comment


@dataclass(frozen=True, slots=True)
class ErasedView:
    """The post after erasure: no answer, no transcript, no name; the decision stays."""

    campaign: str
    why: str  # "retention" or "request"
    retention_days: int
    erased_at: datetime
    decision: DecisionView | None


@dataclass(frozen=True, slots=True)
class ScoreForm:
    """A reviewer's own blind scoring sheet: prefilled with their scores, never others'."""

    interview_id: str
    candidate: str
    questions: tuple[Question, ...]
    rubric: tuple[RubricDimension, ...]
    own: Mapping[ScoreKey, int] = field(default_factory=dict)
    comment: str = ""


@dataclass(frozen=True, slots=True)
class DecisionForm:
    interview_id: str
    decision: str
    candidate: str


EXTENSIONS = {"voice": "ogg", "video_note": "mp4", "video": "mp4", "audio": "ogg"}


def media_filename(number: int, part_no: int, kind: str, mime: str | None) -> str:
    ext = EXTENSIONS.get(kind)
    if ext is None and mime and "/" in mime:
        ext = mime.split("/", 1)[1].split(";")[0].replace("mpeg", "mp3")
    return f"q{number}-part{part_no}.{ext or 'bin'}"


def media_title(number: int, part_no: int, kind: str, duration_s: float | None) -> str:
    length = f", {human_duration(duration_s)}" if duration_s is not None else ""
    return f"Q{number} · part {part_no} ({KIND_NAMES.get(kind, kind)}{length})"


def flag_summary(sub: SubmissionView) -> str:
    """"late, partial, retakes used: 2", or "none": the same words on every reviewer channel."""
    flags: list[str] = [f for f in ("late", "partial") if f in sub.flags]
    if sub.retakes_used:
        flags.append(f"retakes used: {sub.retakes_used}")
    return ", ".join(flags) or "none"


def part_heading(part: PartView, index: int, count: int) -> str:
    """"part 2, voice, 1 min 5 s" (no part number when the answer has one part)."""
    head = f"part {index}, " if count > 1 else ""
    length = f", {human_duration(part.duration_s)}" if part.duration_s is not None else ""
    return f"{head}{KIND_NAMES.get(part.kind, part.kind)}{length}"
