"""Erasing a candidate's answers: when the kit's retention period ends, or on request.

Candidates are told their recordings are kept `retention_days` and then deleted; the
`retention` timer, set when the interview ends, does that. A recruiter can also erase an
interview at any time (a candidate asked them to): `EraseRequested`, from the recruiter
commands. Either way answers, transcripts and media go (the runtime also clears the Slack
copies), the interview becomes `erased`, and the record of who decided what stays.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from conversations.context import Ctx, sends
from conversations.effects import Cancel, EraseAnswers, Notify, Schedule
from conversations.events import EraseRequested, TimerKind
from conversations.messages import msg
from conversations.state import Decision, InterviewState, Phase


def retention_timer(ctx: Ctx, st: InterviewState) -> Schedule:
    """Answers are erased `retention_days` after the interview ends, as candidates are told."""
    return Schedule(timer=TimerKind.RETENTION, interview_id=st.interview_id,
                    at=ctx.now + timedelta(days=ctx.kit.retention_days))


def _erased(st: InterviewState) -> InterviewState:
    return replace(st, phase=Phase.ERASED, parts=(), kept=(), candidate_name=None,
                   paused=False, pause_requested=False, withdraw_pending=False,
                   finish_pending=False, transcripts_pending=frozenset(),
                   review_waiting=False)


def erase_after_retention(ctx: Ctx) -> Decision:
    """The retention period is over: answers, transcripts and media go; the record stays."""
    st = _erased(ctx.state)
    return Decision(state=st, effects=(
        EraseAnswers(interview_id=st.interview_id, why="retention"),
        Notify(interview_id=st.interview_id, what="retention_erased",
               detail=f"{ctx.kit.retention_days} days"),
    ))


def erase_on_request(ctx: Ctx) -> Decision:
    """Erase now, whatever the step: every timer stops, the candidate (if the invite was
    opened) is told, and the recruiter who asked is on record."""
    event = ctx.event
    assert isinstance(event, EraseRequested)
    before = ctx.state
    st = _erased(before)
    stop = tuple(Cancel(timer=k, interview_id=st.interview_id) for k in TimerKind)
    told = sends(ctx, [msg("erased.on_request")]) if before.candidate is not None else ()
    return Decision(state=st, effects=(
        *stop,
        EraseAnswers(interview_id=st.interview_id, why="request"),
        Notify(interview_id=st.interview_id, what="erased_on_request",
               detail=event.requested_by),
        *told,
    ))
