"""Inter-rater agreement: Krippendorff's alpha (ordinal metric) over rubric scores, with the
`krippendorff` package. A unit is one (interview, question, dimension); each reviewer is a
coder. Per campaign (every dimension together) and per dimension."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import krippendorff
import numpy as np

from conversations.scoring import MAX_SCORE, MIN_SCORE, ScoreKey

Sheets = Mapping[str, Mapping[ScoreKey, int]]  # reviewer -> sheet, for one interview
DOMAIN = list(range(MIN_SCORE, MAX_SCORE + 1))


def ordinal_alpha(units: Sequence[Mapping[str, int]],
                  domain: Sequence[int] = DOMAIN) -> float | None:
    """Alpha over units (each: reviewer -> score); None when it is not defined yet (fewer
    than two reviewers on any unit, or every score the same value)."""
    coders = sorted({who for unit in units for who in unit})
    paired = [u for u in units if len(u) >= 2]
    values = {v for u in paired for v in u.values()}
    if len(coders) < 2 or not paired or len(values) < 2:
        return None
    data = np.array([[u.get(who, np.nan) for u in paired] for who in coders], dtype=float)
    result = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                      value_domain=list(domain)))
    return None if math.isnan(result) else result


def units_of(interviews: Sequence[Sheets], dimension: str | None = None
             ) -> list[dict[str, int]]:
    """One unit per (interview, question, dimension) scored by anyone."""
    units: list[dict[str, int]] = []
    for sheets in interviews:
        keys = sorted({k for sheet in sheets.values() for k in sheet})
        for key in keys:
            if dimension is None or key[1] == dimension:
                units.append({who: sheet[key] for who, sheet in sheets.items() if key in sheet})
    return units


def agreement(interviews: Sequence[Sheets], dimensions: Sequence[str]
              ) -> tuple[float | None, dict[str, float | None]]:
    """(alpha over every dimension, alpha per dimension)."""
    overall = ordinal_alpha(units_of(interviews))
    return overall, {d: ordinal_alpha(units_of(interviews, d)) for d in dimensions}
