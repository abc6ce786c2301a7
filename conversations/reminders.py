"""When reminders go out: before the deadline, never in the candidate's quiet hours.

The time zone comes from the platform's language hint ("en-GB" -> Europe/London); without a
region the candidate is asked once (`local_time.py`) and until they answer it is UTC.
Pure: the caller passes every time in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from config.kit import QuietHours
from conversations.context import Ctx
from conversations.effects import Effect, Schedule
from conversations.events import TimerKind
from conversations.state import InterviewState

# The most populous time zone of common regions; a hint is a guess, so keep it coarse.
REGION_ZONES = {
    "GB": "Europe/London", "IE": "Europe/Dublin", "US": "America/New_York",
    "CA": "America/Toronto", "AU": "Australia/Sydney", "NZ": "Pacific/Auckland",
    "IN": "Asia/Kolkata", "DE": "Europe/Berlin", "FR": "Europe/Paris", "ES": "Europe/Madrid",
    "IT": "Europe/Rome", "NL": "Europe/Amsterdam", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
    "BR": "America/Sao_Paulo", "MX": "America/Mexico_City", "AR": "America/Argentina/Buenos_Aires",
    "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "CN": "Asia/Shanghai", "SG": "Asia/Singapore",
    "ZA": "Africa/Johannesburg", "NG": "Africa/Lagos", "KE": "Africa/Nairobi",
    "UA": "Europe/Kyiv", "TR": "Europe/Istanbul", "AE": "Asia/Dubai", "IL": "Asia/Jerusalem",
}
LANGUAGE_ZONES = {"uk": "Europe/Kyiv", "pl": "Europe/Warsaw", "de": "Europe/Berlin",
                  "fr": "Europe/Paris", "it": "Europe/Rome", "ja": "Asia/Tokyo",
                  "ko": "Asia/Seoul", "nl": "Europe/Amsterdam", "tr": "Europe/Istanbul"}
MARGIN = timedelta(minutes=30)  # a moved reminder still leaves this much before the deadline
_OFFSET_ZONE = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


def time_zone_for(language_hint: str | None) -> str | None:
    """The zone a language hint points to, or None when it does not say."""
    if not language_hint:
        return None
    language, _, region = language_hint.replace("_", "-").partition("-")
    return REGION_ZONES.get(region.upper()) or LANGUAGE_ZONES.get(language.lower())


def zone_of(name: str | None) -> tzinfo:
    """A zone name ("Europe/London"), a fixed offset ("UTC+05:30") or None (UTC)."""
    if not name:
        return UTC
    fixed = _OFFSET_ZONE.match(name)
    if fixed is None:
        return ZoneInfo(name)
    sign = -1 if fixed.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(fixed.group(2)), minutes=int(fixed.group(3))))


def reminder_timers(ctx: Ctx, st: InterviewState) -> list[Effect]:
    """The kit's reminders before the deadline, out of quiet hours, those still ahead."""
    if st.deadline_at is None:
        return []
    timers: list[Effect] = []
    for index, offset in enumerate(ctx.kit.reminders_seconds):
        at = out_of_quiet_hours(st.deadline_at - timedelta(seconds=offset), ctx.kit.quiet_hours,
                                st.time_zone, st.deadline_at)
        if at > ctx.now:
            timers.append(Schedule(timer=TimerKind.REMINDER, at=at,
                                   interview_id=st.interview_id, key=f"r{index}"))
    return timers


def out_of_quiet_hours(
    at: datetime, quiet: QuietHours | None, time_zone: str | None, deadline: datetime
) -> datetime:
    """`at`, or the end of the quiet hours if that is still before the deadline, else the
    start of them (a little earlier than planned beats a message at night)."""
    if quiet is None:
        return at
    zone = zone_of(time_zone)
    local = at.astimezone(zone)
    if not quiet.contains(local.hour * 60 + local.minute):
        return at
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = midnight + timedelta(minutes=quiet.end_minute)
    if end <= local:
        end += timedelta(days=1)
    if end.astimezone(deadline.tzinfo) <= deadline - MARGIN:
        return end.astimezone(at.tzinfo)
    start = midnight + timedelta(minutes=quiet.start_minute)
    if start > local:
        start -= timedelta(days=1)
    return (start - timedelta(minutes=15)).astimezone(at.tzinfo)
