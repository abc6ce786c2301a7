"""Blind, independent rubric scoring: who is done, and the aggregate once enough are.

Pure rules over plain values (no storage, no Slack). A score sheet maps
`(question_id, dimension_id)` to 1..4 for one reviewer. A reviewer is *done* when their
sheet covers every (question, dimension) of the kit. Until `reviewers_required` reviewers
are done, only progress ("1 of 2 reviewers done") may be shown, never values; then the
aggregate is: the mean and spread per (question, dimension), the mean per question, per
dimension and overall, and every (question, dimension) where reviewers differ by
`CALIBRATION_GAP` or more, flagged for a calibration talk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

ScoreKey = tuple[str, str]  # (question_id, dimension_id)
ScoreSheet = Mapping[ScoreKey, int]
CALIBRATION_GAP = 2
MIN_SCORE, MAX_SCORE = 1, 4


@dataclass(frozen=True, slots=True)
class Stat:
    """Mean and spread (lowest, highest) of the scores given to one thing."""

    mean: float
    low: int
    high: int
    count: int

    @property
    def spread(self) -> int:
        return self.high - self.low

    @property
    def needs_calibration(self) -> bool:
        return self.spread >= CALIBRATION_GAP


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    required: int

    @property
    def complete(self) -> bool:
        return self.done >= self.required


@dataclass(frozen=True, slots=True)
class Aggregate:
    reviewers: int
    cells: dict[ScoreKey, Stat]  # per (question, dimension)
    per_question: dict[str, Stat]
    per_dimension: dict[str, Stat]
    overall: Stat

    @property
    def calibration(self) -> list[ScoreKey]:
        """(question, dimension) pairs where reviewers differ by CALIBRATION_GAP or more."""
        return [key for key, stat in self.cells.items() if stat.needs_calibration]


def required_keys(
    question_ids: Sequence[str], dimension_ids: Sequence[str]
) -> list[ScoreKey]:
    return [(q, d) for q in question_ids for d in dimension_ids]


def is_complete(sheet: ScoreSheet, required: Sequence[ScoreKey]) -> bool:
    return all(key in sheet for key in required)


def valid_score(value: int) -> bool:
    return MIN_SCORE <= value <= MAX_SCORE


def done_reviewers(
    sheets: Mapping[str, ScoreSheet], required: Sequence[ScoreKey]
) -> list[str]:
    """Reviewers whose sheet covers every required key, in the given order."""
    return [reviewer for reviewer, sheet in sheets.items() if is_complete(sheet, required)]


def progress(
    sheets: Mapping[str, ScoreSheet], required: Sequence[ScoreKey], reviewers_required: int
) -> Progress:
    return Progress(len(done_reviewers(sheets, required)), max(1, reviewers_required))


def stat(values: Sequence[int]) -> Stat:
    if not values:
        raise ValueError("no scores to summarise")
    return Stat(mean=fmean(values), low=min(values), high=max(values), count=len(values))


def aggregate(
    sheets: Mapping[str, ScoreSheet],
    question_ids: Sequence[str],
    dimension_ids: Sequence[str],
    reviewers_required: int,
) -> Aggregate | None:
    """The aggregate over done reviewers, or None while fewer than required are done.

    Only done reviewers count, so a half-filled sheet never moves the numbers. Per question,
    per dimension and overall stats are over the reviewers' individual scores (each reviewer
    weighs the same on every cell).
    """
    required = required_keys(question_ids, dimension_ids)
    done = done_reviewers(sheets, required)
    if not required or len(done) < max(1, reviewers_required):
        return None
    cells = {key: stat([sheets[r][key] for r in done]) for key in required}
    per_question = {
        q: stat([sheets[r][(q, d)] for r in done for d in dimension_ids]) for q in question_ids
    }
    per_dimension = {
        d: stat([sheets[r][(q, d)] for r in done for q in question_ids]) for d in dimension_ids
    }
    overall = stat([sheets[r][key] for r in done for key in required])
    return Aggregate(
        reviewers=len(done), cells=cells, per_question=per_question,
        per_dimension=per_dimension, overall=overall,
    )
