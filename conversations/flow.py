"""The steps of the candidate flow: opening, consent, questions, keep/retake, submit, expiry.

Each function returns the whole `Decision` of one step; `transitions.py` says which event
leads to which step. Timer keys carry the question attempt (`step_of`) so stale timers are
recognised and ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from config.kit import AnswerFormat
from conversations import local_time
from conversations.answers import has_pending, keep_attempt, save_attempt
from conversations.context import (
    PRACTICE_INDEX,
    Ctx,
    is_practice,
    question_of,
    say,
    sends,
    step_of,
    unchanged,
)
from conversations.effects import (
    BindInvite,
    Cancel,
    Edit,
    Effect,
    EraseAnswers,
    Notify,
    Schedule,
)
from conversations.erasure import retention_timer
from conversations.events import TimerFired, TimerKind
from conversations.formatting import utc_stamp
from conversations.messages import Message, msg, slot_ref
from conversations.prompts import (
    answer_open_message,
    confirm_message,
    consent_messages,
    deadline_msg,
    hint_message,
    instructions_message,
    pause_message,
    prep_message,
    question_message,
    retakes_left,
)
from conversations.reminders import reminder_timers, time_zone_for
from conversations.reviewing import submit_when_ready
from conversations.state import Decision, InterviewState, Phase

_ACTIVE_TIMERS = (TimerKind.REMINDER, TimerKind.PREP_END, TimerKind.ANSWER_END)


def cancel_all(st: InterviewState) -> tuple[Effect, ...]:
    """Every timer of a running interview (the retention timer outlives it)."""
    kinds = (*_ACTIVE_TIMERS, TimerKind.DEADLINE)
    return tuple(Cancel(timer=k, interview_id=st.interview_id) for k in kinds)


def bind(ctx: Ctx) -> Decision:
    """First opening of the invite: it becomes this person's; ask for consent."""
    ev = ctx.event
    st = replace(ctx.state, phase=Phase.CONSENT, candidate=ev.conversation,
                 candidate_name=ctx.state.candidate_name or ev.display_name, opened_at=ctx.now,
                 deadline_at=ctx.now + timedelta(hours=ctx.kit.deadline_hours),
                 language=ctx.kit.language, time_zone=time_zone_for(ev.language))
    bound = replace(ctx, state=st)
    effects = (BindInvite(interview_id=st.interview_id, conversation=ev.conversation),
               *sends(bound, consent_messages(bound)))
    return Decision(state=st, effects=effects)


def consent_no(ctx: Ctx) -> Decision:
    st = replace(ctx.state, phase=Phase.DECLINED, candidate_name=None, parts=(), kept=())
    effects = (EraseAnswers(interview_id=st.interview_id),
               Notify(interview_id=st.interview_id, what="consent_declined"),
               *sends(ctx, [msg("consent.declined")]))
    return Decision(state=st, effects=effects)


def _deadline_timers(ctx: Ctx, st: InterviewState) -> list[Effect]:
    deadline = st.deadline_at or ctx.now + timedelta(hours=ctx.kit.deadline_hours)
    st = replace(st, deadline_at=deadline)
    return [*reminder_timers(ctx, st),
            Schedule(timer=TimerKind.DEADLINE, at=deadline, interview_id=st.interview_id)]


def consent_yes(ctx: Ctx) -> Decision:
    st = replace(ctx.state, phase=Phase.INSTRUCTIONS, consented_at=ctx.now)
    messages = [instructions_message(ctx, st)]
    if local_time.should_ask(ctx, st):
        # Begin moves to the question, so the last message always carries the next step.
        messages = [replace(messages[0], buttons=()), local_time.ask_message(ctx)]
    effects = (*_deadline_timers(ctx, st), *sends(ctx, messages))
    return Decision(state=st, effects=effects)


def present(
    ctx: Ctx, st: InterviewState, effects: Iterable[Effect] = (), lead: Iterable[Message] = ()
) -> Decision:
    """Show the current question (or pause here if the candidate asked to)."""
    st = replace(st, phase=Phase.PRESENTED, prep_ends_at=None, answer_ends_at=None,
                 answer_started_at=None, finish_pending=False)
    messages = list(lead)
    if st.pause_requested:
        st = replace(st, paused=True, pause_requested=False)
        messages.append(pause_message(ctx, st))
    else:
        messages.append(question_message(ctx, st))
    return Decision(state=st, effects=(*effects, *sends(ctx, messages)))


def begin(ctx: Ctx) -> Decision:
    first = PRACTICE_INDEX if ctx.kit.practice is not None else 0
    st = replace(ctx.state, question_index=first, attempt_no=0, parts=())
    return present(ctx, st)


def skip_practice(ctx: Ctx) -> Decision:
    if not is_practice(ctx.state):
        return say(ctx, msg("button.stale", buttons=hint_message(ctx, ctx.state).buttons))
    st = replace(ctx.state, question_index=0, attempt_no=0, parts=())
    return present(ctx, st, lead=[msg("practice.skipped")])


def ready(ctx: Ctx) -> Decision:
    st = ctx.state
    q = question_of(st, ctx.kit)
    if q.prep_seconds <= 0:
        return start_answering(ctx, st)
    st = replace(st, phase=Phase.PREPARING,
                 prep_ends_at=ctx.now + timedelta(seconds=q.prep_seconds))
    timer = Schedule(timer=TimerKind.PREP_END, at=st.prep_ends_at or ctx.now,
                     interview_id=st.interview_id, key=step_of(st))
    return Decision(state=st, effects=(timer, *sends(ctx, [prep_message(ctx, st)])))


def start_answering(ctx: Ctx, st: InterviewState, effects: Iterable[Effect] = ()) -> Decision:
    q = question_of(st, ctx.kit)
    ends = ctx.now + timedelta(seconds=q.answer_seconds)
    st = replace(st, phase=Phase.ANSWERING, answer_started_at=ctx.now, answer_ends_at=ends,
                 prep_ends_at=None, parts=(), finish_pending=False)
    timer = Schedule(timer=TimerKind.ANSWER_END, at=ends, interview_id=st.interview_id,
                     key=step_of(st))
    return Decision(state=st, effects=(*effects, timer, *_close_countdown(ctx),
                                       *sends(ctx, [answer_open_message(ctx, st)])))


def _close_countdown(ctx: Ctx) -> tuple[Effect, ...]:
    """The prep message loses its Start-now button once preparing is over (one edit)."""
    if ctx.state.phase is not Phase.PREPARING:
        return ()
    return (Edit(to=ctx.to, message_ref=slot_ref("countdown"), message=msg("prep.over")),)


def start_now(ctx: Ctx) -> Decision:
    st = ctx.state
    cancel = Cancel(timer=TimerKind.PREP_END, interview_id=st.interview_id, key=step_of(st))
    return start_answering(ctx, st, (cancel,))


def timer_is_current(ctx: Ctx) -> bool:
    ev = ctx.event
    return isinstance(ev, TimerFired) and ev.timer_key == step_of(ctx.state)


def prep_timer(ctx: Ctx) -> Decision:
    if not timer_is_current(ctx):
        return unchanged(ctx)
    return start_answering(ctx, ctx.state)


def finish_answer(
    ctx: Ctx, st: InterviewState, effects: Iterable[Effect] = (), lead: Iterable[Message] = ()
) -> Decision:
    """The attempt is complete (Done, window closed, or a text-only answer)."""
    st = replace(st, finish_pending=False)
    done: list[Effect] = [*effects]
    if retakes_left(ctx, st) > 0:
        if st.parts:  # saved now so that a retaken attempt is on record too
            done.append(save_attempt(ctx, st, kept=False))
        st = replace(st, phase=Phase.CONFIRMING)
        return Decision(state=st, effects=(*done, *sends(ctx, [*lead, confirm_message(ctx, st)])))
    note = msg("answer.kept_last_try") if st.parts else msg("answer.none_received")
    return _keep_and_advance(ctx, st, done, [*lead, note])


def keep(ctx: Ctx) -> Decision:
    st = ctx.state
    if has_pending(st):
        return say(ctx, msg("answer.still_receiving"))
    note = msg("answer.kept") if st.parts else msg("answer.none_received")
    return _keep_and_advance(ctx, st, [], [note])


def _keep_and_advance(
    ctx: Ctx, st: InterviewState, effects: list[Effect], lead: list[Message]
) -> Decision:
    practice = is_practice(st)
    st, kept_effects = keep_attempt(ctx, st)
    effects = [*effects, *kept_effects]
    if practice:
        lead = [msg("practice.done", total=ctx.total)]
    index = 0 if practice else st.question_index + 1
    if index >= ctx.total:
        return submit(ctx, st, effects, lead)
    st = replace(st, question_index=index, attempt_no=0, parts=())
    return present(ctx, st, effects, lead)


def retake(ctx: Ctx) -> Decision:
    st = ctx.state
    if retakes_left(ctx, st) <= 0:
        return say(ctx, msg("answer.no_retakes_left"), confirm_message(ctx, st))
    used = st.retakes_used + (0 if is_practice(st) else 1)
    st = replace(st, attempt_no=st.attempt_no + 1, retakes_used=used, parts=())
    return present(ctx, st)


def submit(
    ctx: Ctx, st: InterviewState, effects: Iterable[Effect], lead: Iterable[Message]
) -> Decision:
    st = replace(st, phase=Phase.SUBMITTED, submitted_at=ctx.now, paused=False,
                 pause_requested=False)
    st, review = submit_when_ready(st)
    done = (*effects, *review, *cancel_all(st), retention_timer(ctx, st))
    thanks = msg("submitted", retention_days=ctx.kit.retention_days)
    return Decision(state=st, effects=(*done, *sends(ctx, [*lead, thanks])))


def expire(ctx: Ctx) -> Decision:
    """The deadline passed: close, keep what the candidate sent, submit it as partial."""
    st = replace(ctx.state, phase=Phase.EXPIRED, paused=False, pause_requested=False)
    effects: list[Effect] = [*cancel_all(st),
                             Notify(interview_id=st.interview_id, what="expired")]
    if st.parts and has_pending(st):
        st = replace(st, finish_pending=True)
        note = msg("expired.partial", deadline=utc_stamp(st.deadline_at))
        return Decision(state=st, effects=(*effects, *sends(ctx, [note])))
    decision = close_expired(ctx, st)
    closed = decision.state or st
    text_id = "expired.partial" if "partial" in closed.flags else "expired"
    note = msg(text_id, deadline=utc_stamp(st.deadline_at))
    return Decision(state=closed, effects=(*effects, *decision.effects, *sends(ctx, [note])))


def close_expired(ctx: Ctx, st: InterviewState) -> Decision:
    """Keep the parts of an unfinished attempt and submit the kept answers as partial."""
    effects: list[Effect] = []
    st = replace(st, finish_pending=False)
    if st.parts:
        st, kept_effects = keep_attempt(ctx, st)
        effects.extend(kept_effects)
    if st.kept:
        st, review = submit_when_ready(replace(st, flags=st.flags | {"partial"}))
        effects.extend((*review, retention_timer(ctx, st)))
    return Decision(state=st, effects=tuple(effects))


def remind(ctx: Ctx) -> Decision:
    st = ctx.state
    if st.is_final or st.deadline_at is None or ctx.now >= st.deadline_at:
        return unchanged(ctx)
    note = deadline_msg(ctx, st, "reminder", buttons=pause_message(ctx, st).buttons)
    return say(ctx, note)


def text_only(ctx: Ctx, st: InterviewState) -> bool:
    return question_of(st, ctx.kit).formats == (AnswerFormat.TEXT,)
