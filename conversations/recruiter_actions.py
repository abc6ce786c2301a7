"""What recruiters do to one candidate's running interview: more time (`extend`), a
reminder now (`remind`), the deadline now (the campaign closed), and an accommodation
(`accommodate`: extra preparation or answer time, extra retakes, on every question from the
next one shown). All are events through the runtime like any other, refused for an interview
that is not running (not opened yet, or over), always on record with who and why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from conversations import flow
from conversations.context import Ctx, sends, unchanged
from conversations.effects import Cancel, Effect, Notify, Schedule
from conversations.events import (
    Accommodated,
    CampaignClosed,
    DeadlineExtended,
    ReminderRequested,
    TimerKind,
)
from conversations.formatting import human_duration
from conversations.messages import msg
from conversations.prompts import deadline_msg, pause_message
from conversations.reminders import out_of_quiet_hours, reminder_timers
from conversations.state import Accommodation, Decision, InterviewState, Phase

NOT_OPENED = "They have not opened their invite yet: their deadline starts when they do."
OVER = "This interview is over ({phase}): there is nothing left to remind or extend."
MANUAL_KEY = "manual"  # the timer key of a reminder a recruiter asked for in quiet hours


def not_running(st: InterviewState) -> str | None:
    """Why a running-interview action cannot apply; None when it can."""
    if st.phase is Phase.INVITED or st.deadline_at is None:
        return NOT_OPENED
    if st.is_final:
        return OVER.format(phase=st.phase.value)
    return None


def extend(ctx: Ctx) -> Decision:
    event = ctx.event
    assert isinstance(event, DeadlineExtended)
    st = ctx.state
    refusal = not_running(st)
    if refusal is not None or st.deadline_at is None:
        return _refused(ctx, "extend_refused", event.requested_by, refusal or NOT_OPENED)
    deadline = max(st.deadline_at, ctx.now) + timedelta(seconds=event.seconds)
    st = replace(st, deadline_at=deadline)
    effects: list[Effect] = [
        Cancel(timer=TimerKind.REMINDER, interview_id=st.interview_id),
        Cancel(timer=TimerKind.DEADLINE, interview_id=st.interview_id),
        *reminder_timers(ctx, st),
        Schedule(timer=TimerKind.DEADLINE, at=deadline, interview_id=st.interview_id),
        Notify(interview_id=st.interview_id, what="deadline_extended",
               detail=f"{event.requested_by}: +{event.seconds} s: {event.reason}"),
        *sends(ctx, [deadline_msg(ctx, st, "deadline.extended")]),
    ]
    return Decision(state=st, effects=tuple(effects))


def remind(ctx: Ctx) -> Decision:
    """Now, or at the end of the candidate's quiet hours (the timer then reminds)."""
    event = ctx.event
    assert isinstance(event, ReminderRequested)
    st = ctx.state
    refusal = not_running(st)
    if refusal is not None or st.deadline_at is None:
        return _refused(ctx, "remind_refused", event.requested_by, refusal or NOT_OPENED)
    at = out_of_quiet_hours(ctx.now, ctx.kit.quiet_hours, st.time_zone, st.deadline_at)
    noted = Notify(interview_id=st.interview_id, what="reminder_requested",
                   detail=event.requested_by)
    if at > ctx.now:
        later = Schedule(timer=TimerKind.REMINDER, at=at, interview_id=st.interview_id,
                         key=MANUAL_KEY)
        return Decision(state=st, effects=(noted, later))
    note = deadline_msg(ctx, st, "reminder", buttons=pause_message(ctx, st).buttons)
    return Decision(state=st, effects=(noted, *sends(ctx, [note])))


def accommodate(ctx: Ctx) -> Decision:
    event = ctx.event
    assert isinstance(event, Accommodated)
    st = ctx.state
    refusal = not_running(st)
    if refusal is not None:
        return _refused(ctx, "accommodate_refused", event.requested_by, refusal)
    before = st.accommodation or Accommodation()
    given = Accommodation(before.extra_prep_s + event.extra_prep_s,
                          before.extra_answer_s + event.extra_answer_s,
                          before.extra_retakes + event.extra_retakes)
    st = replace(st, accommodation=given)
    told = msg("accommodation.granted", prep=human_duration(given.extra_prep_s),
               answer=human_duration(given.extra_answer_s), retakes=given.extra_retakes)
    return Decision(state=st, effects=(
        Notify(interview_id=st.interview_id, what="accommodated",
               detail=f"{event.requested_by}: prep +{event.extra_prep_s} s, answer "
                      f"+{event.extra_answer_s} s, retakes +{event.extra_retakes}: "
                      f"{event.reason}"),
        *sends(ctx, [told])))


def close_now(ctx: Ctx) -> Decision:
    """The campaign closed: a running interview reaches its deadline now (the candidate is
    told; what they sent is kept and submitted as partial). Nothing else changes."""
    event = ctx.event
    assert isinstance(event, CampaignClosed)
    if not_running(ctx.state) is not None:
        return unchanged(ctx)
    closing = replace(ctx, state=replace(ctx.state, deadline_at=ctx.now))
    expired = flow.expire(closing)
    noted = Notify(interview_id=ctx.state.interview_id, what="campaign_closed",
                   detail=event.requested_by)
    told = sends(ctx, [msg("campaign.closed")])
    return Decision(state=expired.state, effects=(noted, *told, *expired.effects))


def _refused(ctx: Ctx, what: str, who: str, why: str) -> Decision:
    if not why:
        return unchanged(ctx)
    return Decision(state=ctx.state, effects=(
        Notify(interview_id=ctx.state.interview_id, what=what, detail=f"{who}: {why}"),))
