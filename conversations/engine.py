"""The interview engine: `decide(state, event, now, kit) -> Decision`.

Pure: no clock reads, no I/O. The runtime loads the interview for the conversation (or, for
`Started`, by invite token) and its kit version, calls `decide`, persists `Decision.state`
and executes the effects. Guards that apply to every event live here; which event moves
which phase is declared in `transitions.py`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from config.kit import Kit
from conversations import commands
from conversations.buttons import Action, ButtonPayload, PayloadError
from conversations.context import Ctx, say, step_of
from conversations.effects import Notify, Send
from conversations.events import (
    ButtonPressed,
    Event,
    Started,
    TimerFired,
)
from conversations.messages import msg
from conversations.prompts import hint_message
from conversations.state import Decision, InterviewState, Phase
from conversations.transitions import PASSIVE_TRIGGERS, handler_for, illegal, trigger_of

# Buttons tied to one question attempt: their payload step must be the current one.
STEP_ACTIONS = frozenset(
    {Action.READY, Action.START_NOW, Action.DONE, Action.KEEP, Action.RETAKE,
     Action.SKIP_PRACTICE}
)
# While paused (outside an answer), these simply resume and show where the candidate is.
RESUMING_TRIGGERS = frozenset({"text", "unsupported", "media"})
# These leave a pause as it is; any other candidate input ends it.
PAUSE_NEUTRAL = frozenset(
    {"command:pause", "command:status", "command:help", "command:language", "command:withdraw"}
)


def decide(
    state: InterviewState | None, event: Event, now: datetime, kit: Kit | None
) -> Decision:
    if isinstance(event, Started) and not event.private:
        return _private_only(state, event)
    if not event.private:
        return Decision(state=state)  # group chatter: no interview runs in a group
    if state is None:
        return _no_interview(event)
    if isinstance(event, TimerFired) and event.interview_id != state.interview_id:
        return Decision(state=state)
    payload = _payload(event)
    trigger = trigger_of(event, payload)
    if kit is None:
        return _kit_missing(state, event, trigger)
    ctx = Ctx(state=state, event=event, now=now, kit=kit, payload=payload)
    if isinstance(event, ButtonPressed) and _someone_else(state, event):
        return _not_yours(ctx)
    if isinstance(event, ButtonPressed) and not _button_is_current(ctx):
        return say(ctx, msg("button.stale", buttons=hint_message(ctx, state).buttons))
    if isinstance(event, Started) and _someone_else(state, event):
        return commands.refuse_other_person(ctx)
    return _dispatch(ctx, trigger)


def _dispatch(ctx: Ctx, trigger: str) -> Decision:
    st = ctx.state
    if st.paused and not st.is_final and trigger not in PASSIVE_TRIGGERS:
        if trigger in RESUMING_TRIGGERS and st.phase is not Phase.ANSWERING:
            return commands.resume(ctx)
        if trigger not in PAUSE_NEUTRAL:
            ctx = replace(ctx, state=replace(st, paused=False))
    handler = handler_for(ctx.state.phase, trigger)
    if handler is None:
        return illegal(ctx, trigger)
    return handler(ctx)


def _payload(event: Event) -> ButtonPayload | None:
    if not isinstance(event, ButtonPressed):
        return None
    try:
        return ButtonPayload.unpack(event.payload)
    except PayloadError:
        return None


def _button_is_current(ctx: Ctx) -> bool:
    payload = ctx.payload
    if payload is None or payload.interview_id != ctx.state.interview_id:
        return False
    return payload.action not in STEP_ACTIONS or payload.step == step_of(ctx.state)


def _someone_else(state: InterviewState, event: Started | ButtonPressed) -> bool:
    bound = state.candidate
    return bound is not None and not commands.same_person(bound, event.conversation)


def _private_only(state: InterviewState | None, event: Started) -> Decision:
    """An invite opened in a group: everyone there would see (and could press) the
    interview. Refused; the invite stays unused."""
    reply = Send(to=event.conversation, message=msg("invite.private_only"))
    return Decision(state=state, effects=(reply,))


def _not_yours(ctx: Ctx) -> Decision:
    """A button of someone else's interview (a group member pressing it): nothing changes."""
    who = ctx.event.conversation
    note = Notify(interview_id=ctx.interview_id, what="button_by_other",
                  detail=f"{who.platform}:{who.user_id}")
    reply = Send(to=who, message=msg("button.not_yours"))
    return Decision(state=ctx.state, effects=(reply, note))


def _no_interview(event: Event) -> Decision:
    """No interview for this conversation (or an unknown invite token)."""
    trigger = trigger_of(event, _payload(event))
    if trigger in PASSIVE_TRIGGERS:
        return Decision(state=None)
    text_id = "invite.invalid" if isinstance(event, Started) else "invite.open_link"
    return Decision(state=None, effects=(Send(to=event.conversation, message=msg(text_id)),))


def _kit_missing(state: InterviewState, event: Event, trigger: str) -> Decision:
    if trigger in PASSIVE_TRIGGERS:
        return Decision(state=state)
    to = state.candidate or event.conversation
    return Decision(state=state, effects=(Send(to=to, message=msg("error.unavailable")),))
