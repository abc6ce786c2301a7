"""Blind rubric scoring rules: who is done, the gate, the aggregate and calibration flags."""

from __future__ import annotations

import pytest

from conversations.scoring import (
    CALIBRATION_GAP,
    aggregate,
    done_reviewers,
    is_complete,
    progress,
    required_keys,
    stat,
    valid_score,
)

QS, DS = ["q1", "q2"], ["clarity", "depth"]
KEYS = required_keys(QS, DS)


def sheet(value: int = 3, **overrides: int) -> dict[tuple[str, str], int]:
    out = dict.fromkeys(KEYS, value)
    for name, score in overrides.items():
        q, d = name.split("_")
        out[(q, d)] = score
    return out


def test_required_keys_cover_every_question_and_dimension() -> None:
    assert KEYS == [("q1", "clarity"), ("q1", "depth"), ("q2", "clarity"), ("q2", "depth")]


def test_a_half_filled_sheet_is_not_done() -> None:
    half = {("q1", "clarity"): 4}
    assert not is_complete(half, KEYS)
    assert done_reviewers({"a": half, "b": sheet()}, KEYS) == ["b"]


@pytest.mark.parametrize(("sheets", "required", "done", "complete"), [
    ({}, 2, 0, False),
    ({"a": sheet()}, 2, 1, False),
    ({"a": sheet(), "b": {("q1", "depth"): 2}}, 2, 1, False),
    ({"a": sheet(), "b": sheet()}, 2, 2, True),
    ({"a": sheet(), "b": sheet(), "c": sheet()}, 2, 3, True),
    ({"a": sheet()}, 0, 1, True),  # at least one reviewer, whatever the kit says
])
def test_progress_gate(
    sheets: dict[str, dict[tuple[str, str], int]], required: int, done: int, complete: bool
) -> None:
    p = progress(sheets, KEYS, required)
    assert (p.done, p.complete) == (done, complete)


def test_no_aggregate_before_enough_reviewers() -> None:
    assert aggregate({"a": sheet(4)}, QS, DS, 2) is None
    assert aggregate({"a": sheet(4), "b": {("q1", "clarity"): 1}}, QS, DS, 2) is None


def test_aggregate_means_spreads_and_calibration() -> None:
    agg = aggregate({"a": sheet(3, q1_depth=1), "b": sheet(4, q1_depth=3)}, QS, DS, 2)
    assert agg is not None
    assert agg.reviewers == 2
    assert agg.cells[("q1", "clarity")].mean == 3.5
    depth = agg.cells[("q1", "depth")]
    assert (depth.mean, depth.low, depth.high, depth.spread) == (2.0, 1, 3, 2)
    assert depth.needs_calibration and CALIBRATION_GAP == 2
    assert agg.calibration == [("q1", "depth")]  # a 1-point gap is not flagged
    assert agg.per_question["q1"].mean == pytest.approx((3 + 1 + 4 + 3) / 4)
    assert agg.per_question["q2"].mean == 3.5
    assert agg.per_dimension["depth"].mean == pytest.approx((1 + 3 + 3 + 4) / 4)
    assert agg.overall.mean == pytest.approx((3 + 1 + 3 + 3 + 4 + 3 + 4 + 4) / 8)
    assert (agg.overall.low, agg.overall.high) == (1, 4)


def test_only_done_reviewers_count() -> None:
    sheets = {"a": sheet(2), "b": sheet(4), "c": {("q1", "clarity"): 1}}
    agg = aggregate(sheets, QS, DS, 2)
    assert agg is not None and agg.reviewers == 2
    assert agg.cells[("q1", "clarity")].low == 2  # c's unfinished 1 is ignored


def test_stat_and_score_range() -> None:
    assert stat([1, 4]).spread == 3
    with pytest.raises(ValueError):
        stat([])
    assert [valid_score(v) for v in (0, 1, 4, 5)] == [False, True, True, False]
