"""Reminders avoid the candidate's quiet hours and stay before the deadline; the time zone
comes from the language hint or from the local time the candidate tells us."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from config.kit import QuietHours
from conversations.local_time import offset_zone, parse_clock
from conversations.reminders import out_of_quiet_hours, time_zone_for, zone_of

NIGHT = QuietHours(22 * 60, 8 * 60)


@pytest.mark.parametrize(
    ("hint", "zone"),
    [("en-GB", "Europe/London"), ("en_US", "America/New_York"), ("uk", "Europe/Kyiv"),
     ("en", None), (None, None), ("xx-ZZ", None)],
)
def test_time_zone_from_language_hint(hint: str | None, zone: str | None) -> None:
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


@pytest.mark.parametrize(
    ("text", "minute"),
    [("14:30", 14 * 60 + 30), ("2:30 pm", 14 * 60 + 30), ("2.30PM", 14 * 60 + 30),
     ("7pm", 19 * 60), ("12 am", 0), ("12:15 p.m.", 12 * 60 + 15), ("07h45", 7 * 60 + 45),
     (" 0:05 ", 5), ("14", None), ("25:00", None), ("13 pm", None), ("9:75", None),
     ("teatime", None), ("", None)],
)
def test_clock_readings(text: str, minute: int | None) -> None:
    assert parse_clock(text) == minute


@pytest.mark.parametrize(
    ("utc_now", "local", "zone"),
    [((18, 0), "20:00", "UTC+02:00"), ((18, 0), "23:30", "UTC+05:30"),
     ((18, 2), "14:00", "UTC-04:00"),  # a reading a few minutes off rounds to the offset
     ((18, 8), "20:00", "UTC+02:00"), ((18, 0), "23:45", "UTC+05:45"),
     ((18, 0), "21:25", "UTC+03:30"), ((18, 0), "14:35", "UTC-03:30"),
     ((23, 0), "08:00", "UTC+09:00"), ((2, 0), "21:00", "UTC-05:00"),
     ((10, 0), "00:00", "UTC-10:00"), ((10, 0), "23:00", "UTC+13:00"),
     ((12, 0), "12:00", "UTC+00:00")],
)
def test_offset_from_local_time(utc_now: tuple[int, int], local: str, zone: str) -> None:
    now = datetime(2026, 1, 5, *utc_now, tzinfo=UTC)
    minute = parse_clock(local)
    assert minute is not None
    assert offset_zone(minute, now) == zone


def test_fixed_offset_zone_moves_reminders_like_a_named_zone() -> None:
    assert zone_of("UTC+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone_of("UTC-04:00").utcoffset(None) == timedelta(hours=-4)
    assert zone_of(None).utcoffset(None) == timedelta(0)
    # 20:00 UTC is 01:30 in UTC+05:30: quiet, moved to 08:00 local = 02:30 UTC.
    planned = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    deadline = datetime(2026, 1, 6, 12, 0, tzinfo=UTC)
    moved = out_of_quiet_hours(planned, NIGHT, "UTC+05:30", deadline)
    assert moved == datetime(2026, 1, 6, 2, 30, tzinfo=UTC)
