"""Answer parts arriving while the answer window is open (and downloads finishing later).

A media part is validated, appended unstored and fetched (`FetchMedia`); `MediaStored` marks
it stored, `MediaFetchFailed` removes it and asks for it again. Done and the window's end wait
until every part is stored (`finish_pending`).
"""

from __future__ import annotations

from dataclasses import replace

from config.kit import LatePolicy
from conversations.answers import (
    add_media,
    add_text,
    drop_part,
    find_part,
    has_pending,
    mark_stored,
)
from conversations.context import Ctx, question_of, say, sends, step_of, unchanged
from conversations.effects import Cancel
from conversations.events import (
    MediaFetchFailed,
    MediaReceived,
    MediaStored,
    TextReceived,
    TimerKind,
)
from conversations.flow import close_expired, finish_answer, text_only, timer_is_current
from conversations.formatting import human_duration, utc_stamp
from conversations.messages import Message, msg
from conversations.prompts import done_button, formats_param
from conversations.state import Decision, InterviewState, Phase
from conversations.validation import check_media, check_text, recorded_seconds


def _late(ctx: Ctx) -> bool:
    deadline = ctx.state.deadline_at
    return deadline is not None and ctx.now > deadline


def _late_refusal(ctx: Ctx) -> Message | None:
    if _late(ctx) and ctx.kit.late_answers is LatePolicy.REJECT:
        return msg("answer.late_refused", deadline=utc_stamp(ctx.state.deadline_at))
    return None


def _part_received(ctx: Ctx, st: InterviewState, part_no: int) -> Message:
    q = question_of(st, ctx.kit)
    return msg("answer.part_received", buttons=(done_button(ctx, st),), part=part_no,
               so_far=human_duration(recorded_seconds(st.parts)),
               answer=human_duration(q.answer_seconds))


def _cancel_window(st: InterviewState) -> Cancel:
    return Cancel(timer=TimerKind.ANSWER_END, interview_id=st.interview_id, key=step_of(st))


def on_text(ctx: Ctx) -> Decision:
    assert isinstance(ctx.event, TextReceived)
    st = ctx.state
    refusal = _late_refusal(ctx) or check_text(question_of(st, ctx.kit), ctx.event.text)
    if refusal is not None:
        return say(ctx, refusal)
    st = add_text(st, ctx.event.text, _late(ctx))
    if text_only(ctx, st):
        return finish_answer(ctx, st, (_cancel_window(st),))
    return Decision(state=st, effects=sends(ctx, [_part_received(ctx, st, len(st.parts))]))


def on_media(ctx: Ctx) -> Decision:
    assert isinstance(ctx.event, MediaReceived)
    st = ctx.state
    if st.finish_pending:
        return say(ctx, msg("answer.still_receiving"))
    refusal = _late_refusal(ctx) or check_media(question_of(st, ctx.kit), st.parts, ctx.event)
    if refusal is not None:
        return say(ctx, refusal)
    st, fetch = add_media(ctx, st, ctx.event, _late(ctx))
    return Decision(state=st, effects=(fetch,))


def _after_download(ctx: Ctx, st: InterviewState, messages: list[Message]) -> Decision:
    """A download finished (stored or failed): carry on if someone was waiting for it."""
    if st.finish_pending and not has_pending(st):
        if st.phase is Phase.EXPIRED:
            return close_expired(ctx, st)
        return finish_answer(ctx, st, (_cancel_window(st),))
    if st.phase is Phase.EXPIRED:
        return Decision(state=st)
    return Decision(state=st, effects=sends(ctx, messages))


def on_stored(ctx: Ctx) -> Decision:
    assert isinstance(ctx.event, MediaStored)
    index = find_part(ctx.state, ctx.event.part_id)
    if index is None:
        return unchanged(ctx)
    st = mark_stored(ctx.state, ctx.event)
    return _after_download(ctx, st, [_part_received(ctx, st, index + 1)])


def on_failed(ctx: Ctx) -> Decision:
    assert isinstance(ctx.event, MediaFetchFailed)
    index = find_part(ctx.state, ctx.event.part_id)
    if index is None:
        return unchanged(ctx)
    st = drop_part(ctx.state, ctx.event.part_id)
    return _after_download(ctx, st, [msg("answer.fetch_failed", part=index + 1)])


def on_done(ctx: Ctx) -> Decision:
    st = ctx.state
    if not st.parts:
        formats = formats_param(question_of(st, ctx.kit))
        return say(ctx, msg("answer.nothing_yet", formats=formats))
    if has_pending(st):
        st = replace(st, finish_pending=True)
        return Decision(state=st, effects=sends(ctx, [msg("answer.still_receiving")]))
    return finish_answer(ctx, st, (_cancel_window(st),))


def on_answer_timer(ctx: Ctx) -> Decision:
    st = ctx.state
    if not timer_is_current(ctx) or st.finish_pending:
        return unchanged(ctx)
    if has_pending(st):
        st = replace(st, finish_pending=True)
        return Decision(state=st, effects=sends(ctx, [msg("answer.times_up_waiting")]))
    return finish_answer(ctx, st, lead=[msg("answer.times_up")])
