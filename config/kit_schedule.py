"""Timing fields of a kit: deadline, reminders, quiet hours and the late-answer policy.

`parse_duration` and `DEADLINE_HOURS_RANGE` are re-exported by `config.kit_loader`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from config.kit import LatePolicy, QuietHours
from config.kit_yaml import FieldReader, Pos, is_int, item_pos, key_pos, type_name, value_pos

__all__ = ["DEADLINE_HOURS_RANGE", "Schedule", "ScheduleFields", "parse_duration"]

DEADLINE_HOURS_RANGE = (1, 720)

_DURATION_RE = re.compile(r"^(?:\d+[smhd])+$")
_DURATION_PART_RE = re.compile(r"(\d+)([smhd])")
_QUIET_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int | None:
    """`"24h"`, `"90m"`, `"1h30m"`, `"2d"`, `"45s"` -> seconds; None when malformed."""
    compact = text.strip().replace(" ", "")
    if not _DURATION_RE.match(compact):
        return None
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART_RE.findall(compact))


class Schedule(NamedTuple):
    """The timing keys as read; None where a key is absent or invalid."""

    deadline_hours: float | None
    reminders_seconds: tuple[int, ...] | None
    quiet_hours: QuietHours | None
    quiet_ok: bool  # False when quiet_hours is given but invalid
    late_answers: LatePolicy | None


class ScheduleFields(FieldReader):
    """Readers for the top-level timing keys of a kit."""

    def schedule(self, doc: CommentedMap, where: str) -> Schedule:
        deadline = self.deadline(doc, where)
        deadline_ok = deadline is not None or not {"deadline", "deadline_hours"} & set(doc)
        reminders = self.reminders(doc, deadline if deadline is not None else 72, deadline_ok)
        quiet, quiet_ok = self.quiet_hours(doc)
        late = self.late_answers(doc)
        return Schedule(deadline, reminders, quiet, quiet_ok, late)

    def deadline(self, doc: CommentedMap, where: str) -> float | None:
        """`deadline_hours: 72`, or `deadline: 90m` (a duration) for short windows."""
        hours = self.integer(doc, "deadline_hours", where, *DEADLINE_HOURS_RANGE, " hours")
        if "deadline" not in doc:
            return hours
        if "deadline_hours" in doc:
            self.add(key_pos(doc, "deadline"), "give either deadline or deadline_hours, not both")
            return None
        value = doc["deadline"]
        seconds = parse_duration(value) if isinstance(value, str) else None
        lo, hi = 60, DEADLINE_HOURS_RANGE[1] * 3600
        if seconds is None or not lo <= seconds <= hi:
            self.add(
                value_pos(doc, "deadline"),
                f'deadline "{value}" must be a duration between 1m and '
                f"{DEADLINE_HOURS_RANGE[1]}h, such as 48h or 90m",
            )
            return None
        return seconds / 3600

    def reminders(
        self, doc: CommentedMap, deadline_hours: float, deadline_ok: bool
    ) -> tuple[int, ...] | None:
        if "reminders" not in doc:
            return None
        seq = doc["reminders"]
        if seq is None:
            return ()
        if not isinstance(seq, CommentedSeq):
            self.add(
                value_pos(doc, "reminders"),
                f"reminders must be a list of durations such as [24h, 2h], got {type_name(seq)}",
            )
            return None
        result: list[int] = []
        ok = True
        for i, item in enumerate(seq):
            seconds = self.reminder(item_pos(seq, i), item, deadline_hours, deadline_ok, result)
            if seconds is None:
                ok = False
            else:
                result.append(seconds)
        return tuple(sorted(result, reverse=True)) if ok else None

    def reminder(
        self, pos: Pos, item: object, deadline_hours: float, deadline_ok: bool, seen: list[int]
    ) -> int | None:
        """One reminder in seconds before the deadline; None (reported) when it is invalid."""
        seconds = parse_duration(item) if isinstance(item, str) else None
        if seconds is None:
            hint = " (add a unit, e.g. 24h)" if is_int(item) else ""
            self.add(
                pos,
                f'reminder "{item}" is not a duration; use a number with a unit '
                f"s, m, h or d, such as 24h or 90m{hint}",
            )
        elif seconds <= 0:
            self.add(pos, f'reminder "{item}" must be longer than zero')
        elif deadline_ok and seconds >= deadline_hours * 3600:
            self.add(
                pos,
                f'reminder "{item}" must be shorter than the deadline '
                f"({deadline_hours:g}h); reminders are sent before the deadline",
            )
        elif seconds in seen:
            self.add(pos, f'reminder "{item}" is listed twice')
        else:
            return seconds
        return None

    def quiet_hours(self, doc: CommentedMap) -> tuple[QuietHours | None, bool]:
        if "quiet_hours" not in doc or doc["quiet_hours"] is None:
            return None, True
        value = doc["quiet_hours"]
        pos = value_pos(doc, "quiet_hours")
        match = _QUIET_RE.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            self.add(pos, f'quiet_hours must look like "22:00-08:00" (HH:MM-HH:MM), got {value!r}')
            return None, False
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            self.add(pos, f'quiet_hours has an impossible time in "{value}"; use 00:00 to 23:59')
            return None, False
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            self.add(pos, f'quiet_hours "{value}" starts and ends at the same time')
            return None, False
        return QuietHours(start, end), True

    def late_answers(self, doc: CommentedMap) -> LatePolicy | None:
        if "late_answers" not in doc:
            return None
        value = doc["late_answers"]
        allowed = [p.value for p in LatePolicy]
        if not isinstance(value, str) or value not in allowed:
            self.add(
                value_pos(doc, "late_answers"),
                f"late_answers must be accept or reject, got {value!r}",
            )
            return None
        return LatePolicy(value)
