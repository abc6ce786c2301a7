"""Human-friendly values the engine puts into message parameters (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_UNITS = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))


def human_duration(seconds: float) -> str:
    """`90` -> "1 min 30 s", `120` -> "2 min", `0` -> "0 s"; at most the two largest units."""
    remaining = max(0, round(seconds))
    if remaining == 0:
        return "0 s"
    pieces: list[str] = []
    for unit, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            pieces.append(f"{count} {unit}")
        elif pieces:
            break
        if len(pieces) == 2:
            break
    return " ".join(pieces)


def time_left(until: datetime | None, now: datetime) -> str:
    if until is None:
        return human_duration(0)
    return human_duration((until - now) / timedelta(seconds=1))


def utc_stamp(when: datetime | None) -> str:
    """"2026-11-25 18:00 UTC"; naive datetimes are taken as UTC."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def word_count(text: str) -> int:
    return len(text.split())
