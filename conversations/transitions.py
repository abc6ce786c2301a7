"""The candidate flow's transition table: the one place that shows the graph.

An event is classified into a trigger ("text", "media", "button:kp", "command:pause",
"timer:deadline", ...). `TABLE[(phase, trigger)]` names the handler. A pair that is not in
the table is an illegal move, answered by `illegal` with a helpful message that changes
nothing (or, for timers, transcripts and downloads nobody waits for, silently ignored).
"""

from __future__ import annotations

from conversations import (
    answering,
    commands,
    erasure,
    flow,
    local_time,
    recruiter_actions,
    reviewing,
)
from conversations.buttons import Action, ButtonPayload
from conversations.context import Ctx, Handler, say, unchanged
from conversations.events import (
    Accommodated,
    ButtonPressed,
    CampaignClosed,
    CommandReceived,
    DeadlineExtended,
    DecisionMade,
    EraseRequested,
    Event,
    MediaFetchFailed,
    MediaReceived,
    MediaStored,
    ReminderRequested,
    Started,
    TextReceived,
    TimerFired,
    TimerKind,
    TranscriptReady,
    UnsupportedReceived,
)
from conversations.messages import msg
from conversations.prompts import hint_message
from conversations.state import Decision, Phase

P = Phase
COMMANDS = ("start", "pause", "status", "help", "withdraw", "language")
UNKNOWN_COMMAND = "command:?"
# Triggers that are not the candidate talking: off the table they are ignored silently.
PASSIVE_TRIGGERS = frozenset(
    {*(f"timer:{k.value}" for k in TimerKind), "transcript", "media_stored", "media_failed",
     "erase_requested", "decision", "extend", "remind_now",
     "accommodate", "campaign_closed"}
)
ACTIVE_PHASES = (P.CONSENT, P.INSTRUCTIONS, P.PRESENTED, P.PREPARING, P.ANSWERING, P.CONFIRMING)


def trigger_of(event: Event, payload: ButtonPayload | None) -> str:
    if isinstance(event, ButtonPressed):
        return f"button:{payload.action.value}" if payload is not None else "button:?"
    if isinstance(event, CommandReceived):
        name = event.name.lower().lstrip("/")
        return f"command:{name}" if name in COMMANDS else UNKNOWN_COMMAND
    if isinstance(event, TimerFired):
        return f"timer:{event.kind.value}"
    simple: tuple[tuple[type[Event], str], ...] = (
        (Started, "started"), (TextReceived, "text"), (MediaReceived, "media"),
        (MediaStored, "media_stored"), (MediaFetchFailed, "media_failed"),
        (TranscriptReady, "transcript"), (UnsupportedReceived, "unsupported"),
        (EraseRequested, "erase_requested"), (DecisionMade, "decision"),
        (DeadlineExtended, "extend"), (ReminderRequested, "remind_now"),
        (Accommodated, "accommodate"), (CampaignClosed, "campaign_closed"),
    )
    for kind, trigger in simple:
        if isinstance(event, kind):
            return trigger
    return "unknown"


def _button(action: Action) -> str:
    return f"button:{action.value}"


TABLE: dict[tuple[Phase, str], Handler] = {
    (P.INVITED, "started"): flow.bind,
    (P.CONSENT, _button(Action.CONSENT_YES)): flow.consent_yes,
    (P.CONSENT, _button(Action.CONSENT_NO)): flow.consent_no,
    (P.INSTRUCTIONS, _button(Action.BEGIN)): flow.begin,
    (P.INSTRUCTIONS, "text"): local_time.on_text,
    (P.PRESENTED, _button(Action.READY)): flow.ready,
    (P.PRESENTED, _button(Action.SKIP_PRACTICE)): flow.skip_practice,
    (P.PREPARING, _button(Action.START_NOW)): flow.start_now,
    (P.PREPARING, "timer:prep_end"): flow.prep_timer,
    (P.ANSWERING, "text"): answering.on_text,
    (P.ANSWERING, "media"): answering.on_media,
    (P.ANSWERING, _button(Action.DONE)): answering.on_done,
    (P.ANSWERING, "timer:answer_end"): answering.on_answer_timer,
    (P.CONFIRMING, _button(Action.KEEP)): flow.keep,
    (P.CONFIRMING, _button(Action.RETAKE)): flow.retake,
    # after the deadline, downloads still finishing are kept and submitted
    (P.EXPIRED, "media_stored"): answering.on_stored,
    (P.EXPIRED, "media_failed"): answering.on_failed,
    (P.SUBMITTED, "timer:retention"): erasure.erase_after_retention,
    (P.EXPIRED, "timer:retention"): erasure.erase_after_retention,
    (P.WITHDRAWN, "timer:retention"): erasure.erase_after_retention,
}
# A recruiter may erase an interview at any step but the last (already erased: nothing to do).
# Transcripts come back at any step (the review waits for them); a decision is judged by
# `reviewing.decision_refusal` whatever the step, so a premature one is refused, not ignored.
for _phase in P:
    TABLE[(_phase, "decision")] = reviewing.on_decision
    TABLE[(_phase, "extend")] = recruiter_actions.extend  # refused unless running
    TABLE[(_phase, "remind_now")] = recruiter_actions.remind
    TABLE[(_phase, "accommodate")] = recruiter_actions.accommodate
    TABLE[(_phase, "campaign_closed")] = recruiter_actions.close_now  # ignored unless running
    if _phase is not P.ERASED:
        TABLE[(_phase, "erase_requested")] = erasure.erase_on_request
        TABLE[(_phase, "transcript")] = reviewing.on_transcript

# Available in every active phase (before the interview ends).
ANYTIME: dict[str, Handler] = {
    "started": commands.resume,
    _button(Action.RESUME): commands.resume,
    "command:start": commands.resume,
    "command:pause": commands.pause,
    "command:status": commands.status,
    "command:help": commands.help_,
    "command:language": commands.language,
    "command:withdraw": commands.withdraw,
    UNKNOWN_COMMAND: commands.unknown_command,
    _button(Action.WITHDRAW_CONFIRM): commands.withdraw_confirm,
    _button(Action.WITHDRAW_CANCEL): commands.withdraw_cancel,
    "timer:deadline": flow.expire,
    "timer:reminder": flow.remind,
    "media_stored": answering.on_stored,
    "media_failed": answering.on_failed,
}
for _phase in ACTIVE_PHASES:
    for _trigger, _handler in ANYTIME.items():
        TABLE.setdefault((_phase, _trigger), _handler)


def illegal(ctx: Ctx, trigger: str) -> Decision:
    """A move that does not fit the current step: explain, change nothing."""
    if trigger in PASSIVE_TRIGGERS:
        return unchanged(ctx)
    hint = hint_message(ctx, ctx.state)
    if ctx.state.is_final or ctx.state.phase is P.INVITED:
        return say(ctx, hint)
    if trigger.startswith("button:"):
        return say(ctx, msg("button.stale", buttons=hint.buttons))
    if trigger == "unsupported":
        return say(ctx, msg("unsupported"), hint)
    return say(ctx, hint)


def handler_for(phase: Phase, trigger: str) -> Handler | None:
    return TABLE.get((phase, trigger))
