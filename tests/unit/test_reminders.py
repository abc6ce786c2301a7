"""Reminders avoid the candidate's quiet hours and stay before the deadline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.kit import QuietHours
from conversations.reminders import out_of_quiet_hours, time_zone_for

NIGHT = QuietHours(22 * 60, 8 * 60)


@pytest.mark.parametrize(
    ("hint", "zone"),
    [("en-GB", "Europe/London"), ("en_US", "America/New_York"), ("uk", "Europe/Kyiv"),
     ("en", "UTC"), (None, "UTC"), ("xx-ZZ", "UTC")],
)
def test_time_zone_from_language_hint(hint: str | None, zone: str) -> None:
    assert time_zone_for(hint) == zone


@pytest.mark.parametrize(
    ("planned", "deadline", "expected"),
    [
        # 15:00 London is not quiet: unchanged.
        (datetime(2026, 1, 5, 15, 0, tzinfo=UTC), datetime(2026, 1, 6, 15, 0, tzinfo=UTC),
         datetime(2026, 1, 5, 15, 0, tzinfo=UTC)),
        # 02:00 London: moved to 08:00, still well before a 15:00 deadline.
        (datetime(2026, 1, 6, 2, 0, tzinfo=UTC), datetime(2026, 1, 6, 15, 0, tzinfo=UTC),
         datetime(2026, 1, 6, 8, 0, tzinfo=UTC)),
        # 02:00 London with a 04:00 deadline: moved earlier, to 21:45 the evening before.
        (datetime(2026, 1, 6, 2, 0, tzinfo=UTC), datetime(2026, 1, 6, 4, 0, tzinfo=UTC),
         datetime(2026, 1, 5, 21, 45, tzinfo=UTC)),
        # 23:00 London in summer (22:00 UTC): moved to 08:00 BST = 07:00 UTC.
        (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), datetime(2026, 7, 2, 18, 0, tzinfo=UTC),
         datetime(2026, 7, 2, 7, 0, tzinfo=UTC)),
    ],
)
def test_reminder_moves_out_of_quiet_hours(
    planned: datetime, deadline: datetime, expected: datetime
) -> None:
    assert out_of_quiet_hours(planned, NIGHT, "Europe/London", deadline) == expected


def test_no_quiet_hours_keeps_the_time() -> None:
    at = datetime(2026, 1, 6, 2, 0, tzinfo=UTC)
    assert out_of_quiet_hours(at, None, "Europe/London", at) == at
