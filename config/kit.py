"""The campaign kit as a domain value: what a recruiter writes in YAML, already validated.

Pure dataclasses (no YAML, no I/O) so the engine in `conversations/` can depend on them.
The loader that turns a YAML file into a `Kit` lives in `config/kit_loader.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AnswerFormat(StrEnum):
    VIDEO_NOTE = "video_note"
    VOICE = "voice"
    VIDEO = "video"
    TEXT = "text"
    DOCUMENT = "document"


class LatePolicy(StrEnum):
    ACCEPT = "accept"  # kept, flagged late for reviewers
    REJECT = "reject"  # refused with a message


DEFAULT_PREP_SECONDS = 90
DEFAULT_ANSWER_SECONDS = 120
DEFAULT_RETAKES = 1
PREP_SECONDS_RANGE = (0, 600)
ANSWER_SECONDS_RANGE = (10, 1800)
MAX_QUESTIONS = 10
PRACTICE_ID = "practice"  # reserved question id for the practice question


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    prep_seconds: int = DEFAULT_PREP_SECONDS
    answer_seconds: int = DEFAULT_ANSWER_SECONDS
    formats: tuple[AnswerFormat, ...] = (
        AnswerFormat.VIDEO_NOTE,
        AnswerFormat.VOICE,
        AnswerFormat.VIDEO,
        AnswerFormat.TEXT,
    )
    retakes: int = DEFAULT_RETAKES
    min_words: int | None = None
    max_words: int | None = None

    @property
    def is_practice(self) -> bool:
        return self.id == PRACTICE_ID


@dataclass(frozen=True, slots=True)
class RubricDimension:
    id: str
    name: str
    anchors: dict[int, str]  # score 1..4 -> anchored description


DEFAULT_RUBRIC: tuple[RubricDimension, ...] = (
    RubricDimension(
        "clarity",
        "Clarity",
        {4: "Clear and well organised", 3: "Generally clear, some wandering",
         2: "Hard to follow", 1: "Unusable or no answer"},
    ),
    RubricDimension(
        "depth",
        "Depth",
        {4: "Specific examples, thoughtful", 3: "Some detail, mostly surface",
         2: "Vague, generic", 1: "Unusable or no answer"},
    ),
    RubricDimension(
        "communication",
        "Communication",
        {4: "Articulate, engaging", 3: "Adequate, professional",
         2: "Unclear", 1: "Unusable or no answer"},
    ),
    RubricDimension(
        "relevance",
        "Relevance",
        {4: "Directly addresses the question", 3: "Mostly addresses it",
         2: "Misses the point", 1: "Unusable or no answer"},
    ),
)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local wall-clock window in which no reminder is sent; may wrap midnight."""

    start_minute: int  # minutes after local midnight
    end_minute: int

    def contains(self, minute_of_day: int) -> bool:
        if self.start_minute <= self.end_minute:
            return self.start_minute <= minute_of_day < self.end_minute
        return minute_of_day >= self.start_minute or minute_of_day < self.end_minute


@dataclass(frozen=True, slots=True)
class Kit:
    title: str
    questions: tuple[Question, ...]
    role: str = ""
    language: str = "en"
    intro: str = ""
    consent: str = ""
    closing: dict[str, str] = field(default_factory=dict)  # decision -> text (advance/reject/hold)
    deadline_hours: float = 72  # from opening the invite; a kit may give `deadline: 90m`
    reminders_seconds: tuple[int, ...] = (24 * 3600, 2 * 3600)  # before the deadline
    quiet_hours: QuietHours | None = QuietHours(22 * 60, 8 * 60)
    late_answers: LatePolicy = LatePolicy.ACCEPT
    reviewers_required: int = 2
    retention_days: int = 180
    review_channel: str | None = None
    rubric: tuple[RubricDimension, ...] = DEFAULT_RUBRIC
    practice: Question | None = None

    def question(self, question_id: str) -> Question:
        if self.practice is not None and question_id == PRACTICE_ID:
            return self.practice
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)
