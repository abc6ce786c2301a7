"""The state of one candidate's interview: a frozen value, replaced on every decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from conversations.effects import AnswerPart, Effect
from conversations.events import ConversationRef


class Phase(StrEnum):
    INVITED = "invited"  # created by `invite`, not opened yet
    CONSENT = "consent"  # asked for consent
    INSTRUCTIONS = "instructions"  # consent given, instructions shown, waiting for Begin
    PRESENTED = "presented"  # question shown, waiting for Ready
    PREPARING = "preparing"  # prep timer running
    ANSWERING = "answering"  # answer window open, parts arriving
    CONFIRMING = "confirming"  # keep / retake
    SUBMITTED = "submitted"
    EXPIRED = "expired"  # deadline passed; kept answers are partial
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"  # consent refused: nothing kept but the refusal
    ERASED = "erased"


FINAL_PHASES = frozenset(
    {Phase.SUBMITTED, Phase.EXPIRED, Phase.WITHDRAWN, Phase.DECLINED, Phase.ERASED}
)


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    question_id: str
    attempt_no: int
    duration_s: float
    late: bool


@dataclass(frozen=True, slots=True)
class Accommodation:
    """Extra time or retakes a recruiter gave this candidate, on every question."""

    extra_prep_s: int = 0
    extra_answer_s: int = 0
    extra_retakes: int = 0


@dataclass(frozen=True, slots=True)
class InterviewState:
    interview_id: str
    campaign_id: str
    kit_version_id: str
    invite_token: str
    phase: Phase = Phase.INVITED
    candidate: ConversationRef | None = None
    candidate_name: str | None = None
    language: str = "en"
    # For quiet hours: from the platform's language hint, or asked once (`local_time.py`);
    # None until known (reminders then use UTC).
    time_zone: str | None = None
    opened_at: datetime | None = None
    consented_at: datetime | None = None  # for the funnel; None on rows older than the field
    deadline_at: datetime | None = None
    # -1 = practice question; 0..n-1 = kit questions
    question_index: int = 0
    attempt_no: int = 0  # 0 = first attempt; retakes used on this question = attempt_no
    parts: tuple[AnswerPart, ...] = ()  # parts of the current attempt
    answer_started_at: datetime | None = None
    prep_ends_at: datetime | None = None
    answer_ends_at: datetime | None = None
    paused: bool = False
    withdraw_pending: bool = False
    kept: tuple[KeptAnswer, ...] = ()
    retakes_used: int = 0  # total over the interview, for reviewers
    next_part_no: int = 1
    submitted_at: datetime | None = None
    flags: frozenset[str] = field(default_factory=frozenset)  # "late", "partial"
    # Done pressed / answer window closed while a part was still downloading: finish the
    # attempt as soon as every part is stored (or, after the deadline, keep what arrived).
    finish_pending: bool = False
    # /pause while preparing or answering: pause once this answer is kept.
    pause_requested: bool = False
    # Spoken parts kept for reviewers whose transcript has not come back yet (ok or failed).
    # Reviewers get the submission only when none is left (`reviewing.py`).
    transcripts_pending: frozenset[str] = field(default_factory=frozenset)
    # Submitted (or closed with answers) while transcripts were pending: submit when done.
    review_waiting: bool = False
    decision: str | None = None  # advance / reject / hold, once a recruiter decided
    accommodation: Accommodation | None = None

    @property
    def is_final(self) -> bool:
        return self.phase in FINAL_PHASES


@dataclass(frozen=True, slots=True)
class Decision:
    state: InterviewState | None
    effects: tuple[Effect, ...] = ()
