"""Candidate commands and the buttons that go with them: pause/resume, status, help,
withdraw, language, and re-opening the invite."""

from __future__ import annotations

from dataclasses import replace

from conversations.buttons import Action
from conversations.context import Ctx, button, say, sends
from conversations.effects import Notify, Send
from conversations.erasure import retention_timer
from conversations.events import ConversationRef
from conversations.flow import cancel_all
from conversations.messages import msg
from conversations.prompts import hint_message, pause_message, status_message, step_prompt
from conversations.state import Decision, Phase

PAUSE_NOW = frozenset({Phase.CONSENT, Phase.INSTRUCTIONS, Phase.PRESENTED, Phase.CONFIRMING})
PAUSE_AFTER = frozenset({Phase.PREPARING, Phase.ANSWERING})


def same_person(a: ConversationRef, b: ConversationRef) -> bool:
    return a.platform == b.platform and a.user_id == b.user_id


def refuse_other_person(ctx: Ctx) -> Decision:
    """Someone else opened an invite that is already bound: refuse, change nothing."""
    note = Notify(interview_id=ctx.interview_id, what="bound_conflict",
                  detail=f"{ctx.event.conversation.platform}:{ctx.event.conversation.user_id}")
    reply = Send(to=ctx.event.conversation, message=msg("invite.taken"))
    return Decision(state=ctx.state, effects=(reply, note))


def pause(ctx: Ctx) -> Decision:
    st = ctx.state
    if st.phase in PAUSE_AFTER:
        st = replace(st, pause_requested=True)
        return Decision(state=st, effects=sends(ctx, [msg("pause.after_answer")]))
    st = replace(st, paused=True)
    return Decision(state=st, effects=sends(ctx, [pause_message(ctx, st)]))


def resume(ctx: Ctx) -> Decision:
    """Resume button, /start, re-opening the invite or any message while paused."""
    st = replace(ctx.state, paused=False, pause_requested=False, withdraw_pending=False)
    return Decision(state=st, effects=sends(ctx, [msg("resume.done"), step_prompt(ctx, st)]))


def status(ctx: Ctx) -> Decision:
    return say(ctx, status_message(ctx, ctx.state))


def help_(ctx: Ctx) -> Decision:
    return say(ctx, msg("help"))


def language(ctx: Ctx) -> Decision:
    return say(ctx, msg("language.current", language=ctx.state.language))


def unknown_command(ctx: Ctx) -> Decision:
    return say(ctx, msg("command.unknown"))


def withdraw(ctx: Ctx) -> Decision:
    buttons = (
        button(ctx, "button.withdraw_confirm", Action.WITHDRAW_CONFIRM),
        button(ctx, "button.withdraw_cancel", Action.WITHDRAW_CANCEL),
    )
    st = replace(ctx.state, withdraw_pending=True)
    return Decision(state=st, effects=sends(ctx, [msg("withdraw.ask", buttons=buttons)]))


def withdraw_confirm(ctx: Ctx) -> Decision:
    st = ctx.state
    if not st.withdraw_pending:
        return say(ctx, msg("button.stale", buttons=hint_message(ctx, st).buttons))
    st = replace(st, phase=Phase.WITHDRAWN, withdraw_pending=False, paused=False,
                 pause_requested=False)
    effects = (*cancel_all(st), Notify(interview_id=st.interview_id, what="withdrawn"),
               *([retention_timer(ctx, st)] if st.kept or st.parts else []),
               *sends(ctx, [msg("withdraw.done")]))
    return Decision(state=st, effects=effects)


def withdraw_cancel(ctx: Ctx) -> Decision:
    st = ctx.state
    if not st.withdraw_pending:
        return say(ctx, msg("button.stale", buttons=hint_message(ctx, st).buttons))
    st = replace(st, withdraw_pending=False)
    return Decision(state=st,
                    effects=sends(ctx, [msg("withdraw.cancelled"), step_prompt(ctx, st)]))
