"""A campaign's funnel and shortlist, from its interviews: pure rules over loaded values.

Funnel: invited, opened, consented, per question reached and answered (so the drop-off per
question shows), submitted, expired, withdrawn, reviewed (enough reviewers done), decided;
the completion rate (submitted of consented), the median time to complete (open to submit)
and the median time from invite to decision; the reviewer load (sheets per reviewer).

Shortlist: submitted (or partial) interviews ranked by their aggregate score, spread shown;
the unscored, the partial and ties are said, never hidden; nothing is decided by it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from config.kit import Kit
from conversations import scoring
from conversations.state import InterviewState, Phase

IN_QUESTION = frozenset({Phase.PRESENTED, Phase.PREPARING, Phase.ANSWERING, Phase.CONFIRMING})
BEFORE_CONSENT = frozenset({Phase.INVITED, Phase.CONSENT, Phase.DECLINED})
Sheets = Mapping[str, Mapping[scoring.ScoreKey, int]]  # reviewer -> their sheet


@dataclass(frozen=True, slots=True)
class Reviewed:
    """What the review side knows of one interview."""

    sheets: Sheets = field(default_factory=dict)
    decision: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class QuestionStep:
    number: int
    reached: int
    answered: int


@dataclass(frozen=True, slots=True)
class Funnel:
    invited: int
    opened: int
    consented: int
    questions: tuple[QuestionStep, ...]
    submitted: int
    expired: int
    withdrawn: int
    reviewed: int
    decided: int
    completion_rate: float | None  # submitted / consented
    median_complete: timedelta | None  # opened -> submitted
    median_to_decision: timedelta | None  # opened -> decided (invites keep no creation time)
    reviewer_load: Mapping[str, int]  # reviewer -> interviews scored


def consented(st: InterviewState) -> bool:
    if st.consented_at is not None:
        return True
    if st.phase in BEFORE_CONSENT:
        return False
    if st.phase in (Phase.EXPIRED, Phase.WITHDRAWN, Phase.ERASED):
        # Interviews from before `consented_at` existed: consent shows in what followed.
        return bool(st.kept or st.parts) or st.question_index > 0
    return True


def reached(st: InterviewState, index: int) -> bool:
    """The question at `index` was shown to the candidate."""
    if not consented(st) or st.phase is Phase.INSTRUCTIONS:
        return False
    if st.question_index > index or st.phase is Phase.SUBMITTED:
        return True
    return st.question_index == index and (st.phase in IN_QUESTION or st.is_final)


def funnel(kit: Kit, states: Sequence[InterviewState],
           reviews: Mapping[str, Reviewed]) -> Funnel:
    agreed = [s for s in states if consented(s)]
    kept_ids = {s.interview_id: {k.question_id for k in s.kept} for s in states}
    steps = tuple(
        QuestionStep(number=i + 1, reached=sum(reached(s, i) for s in agreed),
                     answered=sum(q.id in kept_ids[s.interview_id] for s in agreed))
        for i, q in enumerate(kit.questions))
    submitted = [s for s in states if s.phase is Phase.SUBMITTED]
    keys = scoring.required_keys([q.id for q in kit.questions], [d.id for d in kit.rubric])
    done = {iid: scoring.progress(r.sheets, keys, kit.reviewers_required).complete
            for iid, r in reviews.items()}
    return Funnel(
        invited=len(states), opened=sum(s.opened_at is not None for s in states),
        consented=len(agreed), questions=steps, submitted=len(submitted),
        expired=sum(s.phase is Phase.EXPIRED for s in states),
        withdrawn=sum(s.phase is Phase.WITHDRAWN for s in states),
        reviewed=sum(done.values()), decided=sum(r.decision is not None for r in reviews.values()),
        completion_rate=len(submitted) / len(agreed) if agreed else None,
        median_complete=_median([s.submitted_at - s.opened_at for s in submitted
                                 if s.submitted_at and s.opened_at]),
        median_to_decision=_median([
            r.decided_at - s.opened_at for s in states
            if (r := reviews.get(s.interview_id)) and r.decided_at and s.opened_at]),
        reviewer_load=dict(Counter(who for r in reviews.values() for who in r.sheets)),
    )


def _median(spans: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=median(t.total_seconds() for t in spans)) if spans else None


@dataclass(frozen=True, slots=True)
class Ranked:
    interview_id: str
    candidate: str
    overall: scoring.Stat | None  # None: not enough reviewers yet
    partial: bool
    decision: str | None


def shortlist(kit: Kit, states: Sequence[InterviewState],
              reviews: Mapping[str, Reviewed]) -> list[Ranked]:
    """Submitted and partial interviews, best aggregate first; the unscored last."""
    questions, dims = [q.id for q in kit.questions], [d.id for d in kit.rubric]
    ranked: list[Ranked] = []
    for st in states:
        if st.phase is not Phase.SUBMITTED and "partial" not in st.flags:
            continue
        review = reviews.get(st.interview_id, Reviewed())
        agg = scoring.aggregate(review.sheets, questions, dims, kit.reviewers_required)
        ranked.append(Ranked(st.interview_id, st.candidate_name or "Candidate",
                             agg.overall if agg else None, "partial" in st.flags,
                             review.decision))
    return sorted(ranked, key=lambda r: (r.overall is None,
                                         -(r.overall.mean if r.overall else 0), r.candidate))
