"""Krippendorff's alpha, ordinal, over rubric scores."""

from __future__ import annotations

import pytest

from bot.recruiting.agreement import agreement, ordinal_alpha

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania, section C ("Any number of observers, missing
# values"): 4 observers, 12 units, values 1-5; alpha = 0.743 nominal, 0.815 ordinal, 0.849
# interval. Observers A-D as rows, None where an observer gave no value.
PUBLISHED = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_the_published_worked_example() -> None:
    units: list[dict[str, int]] = []
    for u in range(12):
        given = {observer: row[u] for observer, row in zip("ABCD", PUBLISHED, strict=True)}
        units.append({who: value for who, value in given.items() if value is not None})
    # our rubric is 1-4; the example's values go to 5
    assert ordinal_alpha(units, domain=[1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=0.0005)


def test_undefined_until_two_reviewers_disagree_somewhere() -> None:
    assert ordinal_alpha([{"a": 3}]) is None  # one coder
    assert ordinal_alpha([{"a": 3, "b": 3}, {"a": 3, "b": 3}]) is None  # one value only


def test_per_dimension_and_overall() -> None:
    sheets = [
        {"r1": {("q1", "clarity"): 4, ("q1", "depth"): 1},
         "r2": {("q1", "clarity"): 4, ("q1", "depth"): 4}},
        {"r1": {("q1", "clarity"): 2, ("q1", "depth"): 2},
         "r2": {("q1", "clarity"): 2, ("q1", "depth"): 3}},
    ]
    overall, per = agreement(sheets, ["clarity", "depth"])
    assert per["clarity"] == pytest.approx(1.0)  # the same score every time
    assert per["depth"] == pytest.approx(-0.5)  # systematic disagreement
    depth, clarity = per["depth"], per["clarity"]
    assert overall is not None and depth is not None and clarity is not None
    assert depth < overall < clarity
