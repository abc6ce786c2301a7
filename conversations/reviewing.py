"""Review rules of the engine: when a submission is ready for reviewers, and decisions.

A submission reaches reviewers only when every kept spoken part has its transcript back
(or a reason why there is none), whether the candidate pressed the last Keep or the
deadline closed a partial interview. A recruiter's decision is an event like any other:
refused unless the interview was submitted (or closed with answers) and not yet decided;
otherwise it is recorded, the ATS hears of it, and the candidate always gets the kit's
closing text on their own platform.

Reviewer-facing texts live here too: the reviewer side is in English on every platform.
"""

from __future__ import annotations

from dataclasses import replace

from config.kit_sections import DEFAULT_CLOSING
from conversations.context import Ctx, unchanged
from conversations.effects import (
    DecisionWebhook,
    Effect,
    Notify,
    RecordDecision,
    Send,
    SubmitForReview,
)
from conversations.events import DecisionMade, TranscriptReady
from conversations.messages import msg
from conversations.state import Decision, InterviewState, Phase

DECISIONS = ("advance", "reject", "hold")
CLOSING_TEXT_ID = "decision.closing"

ALREADY_DECIDED = "A decision has already been made for this candidate."
NOT_SUBMITTED = (
    "This interview is still in progress: decide once the candidate has submitted "
    "(or the deadline has closed it)."
)
NOTHING_TO_DECIDE = "This interview ended without answers: there is nothing to decide."
UNKNOWN_SUBMISSION = "This submission is unknown."
REFUSE_SCORE = "Only members of the review channel and recruiters can score submissions."
REFUSE_DECIDE = "Only recruiters can decide on a candidate."
SCORES_SAVED = "Your scores are saved. You can revise them until a decision is made."


def unknown_decision(decision: str) -> str:
    return f"Unknown decision {decision!r}: use one of {', '.join(DECISIONS)}."


def with_pending_transcripts(st: InterviewState, part_ids: tuple[str, ...]) -> InterviewState:
    """Kept spoken parts: reviewers wait for their transcripts."""
    if not part_ids:
        return st
    return replace(st, transcripts_pending=st.transcripts_pending | frozenset(part_ids))


def submit_when_ready(st: InterviewState) -> tuple[InterviewState, tuple[Effect, ...]]:
    """The interview is over with answers to review: now, or once the transcripts are in."""
    if st.transcripts_pending:
        return replace(st, review_waiting=True), ()
    partial = "partial" in st.flags
    return st, (SubmitForReview(interview_id=st.interview_id, partial=partial),)


def on_transcript(ctx: Ctx) -> Decision:
    """A transcript (or the reason there is none) came back for a kept part."""
    event = ctx.event
    assert isinstance(event, TranscriptReady)
    st = ctx.state
    if event.part_id not in st.transcripts_pending:
        return unchanged(ctx)
    st = replace(st, transcripts_pending=st.transcripts_pending - {event.part_id})
    if not st.review_waiting or st.transcripts_pending:
        return Decision(state=st)
    st, effects = submit_when_ready(replace(st, review_waiting=False))
    return Decision(state=st, effects=effects)


def decision_refusal(st: InterviewState, decision: str) -> str | None:
    """Why `decision` cannot be recorded on this interview now; None when it can."""
    if decision not in DECISIONS:
        return unknown_decision(decision)
    if st.decision is not None:
        return ALREADY_DECIDED
    if st.phase is Phase.SUBMITTED or (st.phase is Phase.EXPIRED and st.kept):
        return None
    if st.is_final:
        return NOTHING_TO_DECIDE
    return NOT_SUBMITTED


def on_decision(ctx: Ctx) -> Decision:
    event = ctx.event
    assert isinstance(event, DecisionMade)
    st = ctx.state
    refusal = decision_refusal(st, event.decision)
    if refusal is not None:
        return Decision(state=st, effects=(Notify(
            interview_id=st.interview_id, what="decision_refused",
            detail=f"{event.decided_by}: {refusal}"),))
    what = (st.interview_id, event.decision, event.decided_by, event.reason, ctx.now)
    effects: list[Effect] = [RecordDecision(*what), DecisionWebhook(*what)]
    if st.candidate is not None:
        closing = ctx.kit.closing.get(event.decision) or DEFAULT_CLOSING[event.decision]
        effects.append(Send(to=st.candidate, message=msg(CLOSING_TEXT_ID, verbatim=closing)))
    else:
        effects.append(Notify(interview_id=st.interview_id, what="closing_not_sent",
                              detail="no candidate conversation"))
    return Decision(state=replace(st, decision=event.decision), effects=tuple(effects))
