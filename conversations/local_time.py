"""The candidate's time zone, asked once when the platform's language hint does not give one.

Reminders must not arrive at night, which needs the candidate's time zone. A hint like
"en-GB" gives it (`reminders.time_zone_for`); a bare "en" does not. Then, right after the
instructions, the candidate is asked what time it is for them: a clock reading is something
everyone can answer, unlike a zone name. The difference to UTC, snapped to the nearest offset
in real use (whole hours and the few at :30 and :45, so "20:00" typed at 18:08 UTC is +02:00),
becomes a fixed offset ("UTC+05:30"). The question is asked once; pressing Begin skips it
and reminders keep UTC.

Clock readings are ambiguous across the date line: an offset is taken in [-10:00, +14:00),
which covers everyone but a few Pacific islands at -11 and -12.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from conversations.buttons import Action
from conversations.context import Ctx, button, say
from conversations.effects import Cancel
from conversations.events import TextReceived, TimerKind
from conversations.messages import Button, Message, ParamValue, msg
from conversations.prompts import hint_message
from conversations.reminders import reminder_timers
from conversations.state import Decision, InterviewState

DAY_MINUTES = 24 * 60
WESTMOST_OFFSET = -10 * 60  # minutes; see the module docstring
# Offsets in use that are not whole hours (minutes): Marquesas, Newfoundland (and its summer
# time), Iran, Afghanistan, India, Nepal, Myanmar, Eucla, central Australia, Lord Howe,
# Chatham (and its summer time).
ODD_OFFSETS = (-570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825)
KNOWN_OFFSETS = tuple(sorted({*range(WESTMOST_OFFSET, DAY_MINUTES + WESTMOST_OFFSET, 60),
                              *ODD_OFFSETS}))
_CLOCK = re.compile(
    r"^\s*(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*"
    r"(?P<half>[ap])?\.?\s*(?:m\.?)?\s*$",
    re.IGNORECASE,
)


def parse_clock(text: str) -> int | None:
    """Minutes after midnight for "14:30", "2:30 pm", "9.15", "7pm", "07h45"; else None.

    A bare number ("14") is refused: it is as likely to be an answer to something else."""
    found = _CLOCK.match(text)
    if found is None or (found["minute"] is None and found["half"] is None):
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if minute > 59:
        return None
    if found["half"] is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found["half"].lower() == "p" else 0)
    if hour > 23:
        return None
    return hour * 60 + minute


def offset_zone(local_minute: int, now: datetime) -> str:
    """The fixed-offset zone in which it is `local_minute` o'clock at `now` (aware)."""
    utc = now.astimezone(UTC)
    difference = local_minute - (utc.hour * 60 + utc.minute)

    def apart(offset: int) -> int:  # on the 24-hour circle
        gap = (difference - offset) % DAY_MINUTES
        return min(gap, DAY_MINUTES - gap)

    offset = min(KNOWN_OFFSETS, key=apart)
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def should_ask(ctx: Ctx, st: InterviewState) -> bool:
    return ctx.kit.quiet_hours is not None and st.time_zone is None


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _quiet_hours_message(ctx: Ctx, text_id: str, **params: ParamValue) -> Message:
    """A message naming the kit's quiet hours as `{quiet_start}` and `{quiet_end}`."""
    quiet = ctx.kit.quiet_hours
    assert quiet is not None, "only asked when the kit has quiet hours"
    values: dict[str, ParamValue] = {
        "quiet_start": _clock(quiet.start_minute), "quiet_end": _clock(quiet.end_minute),
        **params,
    }
    return Message(text_id=text_id, params=tuple(sorted(values.items())))


def _begin(ctx: Ctx) -> tuple[Button, ...]:
    return (button(ctx, "button.begin", Action.BEGIN),)


def ask_message(ctx: Ctx) -> Message:
    return replace(_quiet_hours_message(ctx, "timezone.ask"), buttons=_begin(ctx))


def on_text(ctx: Ctx) -> Decision:
    """A text while the instructions are shown: the local time, if we asked for it."""
    st = ctx.state
    if not should_ask(ctx, st):
        return say(ctx, hint_message(ctx, st))
    minute = parse_clock(ctx.event.text) if isinstance(ctx.event, TextReceived) else None
    begin = _begin(ctx)
    if minute is None:
        return say(ctx, msg("timezone.unclear", buttons=begin))
    st = replace(st, time_zone=offset_zone(minute, ctx.now))
    saved = replace(_quiet_hours_message(ctx, "timezone.saved", local_time=_clock(minute)),
                    buttons=begin)
    # Reminders were planned in UTC at consent: plan them again in the candidate's time.
    moved = (Cancel(timer=TimerKind.REMINDER, interview_id=st.interview_id),
             *reminder_timers(ctx, st))
    return Decision(state=st, effects=(*moved, *say(ctx, saved).effects))
