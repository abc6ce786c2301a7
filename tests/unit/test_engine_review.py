"""Review readiness and decisions are engine rules: reviewers get a submission once every
kept spoken part has its transcript (or the reason there is none); a recruiter's decision
is refused until there is a submission to decide on, and otherwise reaches the candidate."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conversations.effects import (
    DecisionWebhook,
    Notify,
    RecordDecision,
    Send,
    SubmitForReview,
)
from conversations.engine import decide
from conversations.events import DecisionMade, TranscriptReady
from conversations.reviewing import (
    ALREADY_DECIDED,
    NOT_SUBMITTED,
    NOTHING_TO_DECIDE,
    decision_refusal,
)
from conversations.state import KeptAnswer, Phase
from tests.unit.engine_script import (
    IID,
    KIT,
    ME,
    T0,
    make_state,
    of_type,
    press,
    sent,
    text_ids,
    transcript,
)
from tests.unit.engine_script import part as answer_part

KEPT = (KeptAnswer("q1", 0, 30.0, False),)
P1, P2 = f"{IID}-1", f"{IID}-2"


def decided(decision: str = "advance", by: str = "slack:UREC") -> DecisionMade:
    return DecisionMade(event_id=f"decision-{decision}-{by}", occurred_at=T0, conversation=ME,
                        interview_id=IID, decision=decision, decided_by=by, reason="fit")


def failed_transcript(part_id: str) -> TranscriptReady:
    return replace(transcript(part_id), ok=False, failure_reason="no_speech")


def test_last_keep_with_text_only_answers_submits_at_once() -> None:
    from conversations.buttons import Action

    state = make_state(Phase.CONFIRMING, question_index=2,
                       parts=(answer_part(1, kind="text"),))
    decision = decide(state, press(Action.KEEP, "2.0"), T0, KIT)
    assert of_type(decision, SubmitForReview) == [SubmitForReview(IID, partial=False)]
    assert decision.state is not None and not decision.state.review_waiting


def test_submission_waits_for_every_transcript_failures_included() -> None:
    state = make_state(Phase.SUBMITTED, kept=KEPT, transcripts_pending=frozenset({P1, P2}),
                       review_waiting=True)
    first = decide(state, failed_transcript(P1), T0, KIT)
    assert first.effects == () and first.state is not None
    assert first.state.transcripts_pending == {P2}
    again = decide(first.state, failed_transcript(P1), T0, KIT)  # a redelivery changes nothing
    assert again.effects == () and again.state == first.state
    last = decide(first.state, transcript(P2), T0, KIT)
    assert last.effects == (SubmitForReview(IID, partial=False),)
    assert last.state is not None and not last.state.review_waiting


def test_a_transcript_during_the_interview_only_clears_its_part() -> None:
    state = make_state(Phase.PRESENTED, question_index=1, transcripts_pending=frozenset({P1}))
    decision = decide(state, transcript(P1), T0, KIT)
    assert decision.effects == ()  # nothing said to the candidate, nothing submitted
    assert decision.state == replace(state, transcripts_pending=frozenset())


def test_a_partial_submission_waits_the_same_way() -> None:
    state = make_state(Phase.EXPIRED, kept=KEPT, flags=frozenset({"partial"}),
                       transcripts_pending=frozenset({P1}), review_waiting=True)
    decision = decide(state, transcript(P1), T0, KIT)
    assert decision.effects == (SubmitForReview(IID, partial=True),)


def test_an_erased_interview_never_goes_to_review() -> None:
    state = make_state(Phase.ERASED, transcripts_pending=frozenset({P1}))
    assert decide(state, transcript(P1), T0, KIT).effects == ()


def test_a_decision_is_recorded_sent_to_the_ats_and_the_candidate_hears_the_kit_text() -> None:
    kit = replace(KIT, closing={"advance": "Welcome to the next stage!"})
    state = make_state(Phase.SUBMITTED, kept=KEPT)
    decision = decide(state, decided("advance"), T0, kit)
    assert decision.state is not None and decision.state.decision == "advance"
    assert of_type(decision, RecordDecision) == [
        RecordDecision(IID, "advance", "slack:UREC", "fit", T0)]
    assert of_type(decision, DecisionWebhook) == [
        DecisionWebhook(IID, "advance", "slack:UREC", "fit", T0)]
    [closing] = of_type(decision, Send)
    assert closing.to == ME and closing.message.verbatim == "Welcome to the next stage!"
    assert text_ids(decision) == ["decision.closing"]


def test_a_decision_without_a_kit_text_uses_the_default_closing() -> None:
    state = make_state(Phase.EXPIRED, kept=KEPT, flags=frozenset({"partial"}))
    [message] = sent(decide(state, decided("reject"), T0, KIT))
    assert message.verbatim and "Thank you" in message.verbatim


@pytest.mark.parametrize(("phase", "kept", "why"), [
    (Phase.ANSWERING, KEPT, NOT_SUBMITTED),
    (Phase.CONSENT, (), NOT_SUBMITTED),
    (Phase.EXPIRED, (), NOTHING_TO_DECIDE),
    (Phase.WITHDRAWN, KEPT, NOTHING_TO_DECIDE),
    (Phase.ERASED, (), NOTHING_TO_DECIDE),
])
def test_a_decision_before_a_submission_is_refused_and_the_candidate_hears_nothing(
    phase: Phase, kept: tuple[KeptAnswer, ...], why: str
) -> None:
    state = make_state(phase, kept=kept)
    assert decision_refusal(state, "advance") == why
    decision = decide(state, decided("advance"), T0, KIT)
    assert decision.state == state
    assert of_type(decision, Send) == [] and of_type(decision, RecordDecision) == []
    [note] = of_type(decision, Notify)
    assert note.what == "decision_refused" and why in note.detail


def test_a_second_decision_is_refused() -> None:
    state = make_state(Phase.SUBMITTED, kept=KEPT, decision="hold")
    decision = decide(state, decided("advance"), T0, KIT)
    assert decision.state == state and of_type(decision, Send) == []
    assert decision_refusal(state, "advance") == ALREADY_DECIDED


def test_an_unknown_decision_is_refused() -> None:
    state = make_state(Phase.SUBMITTED, kept=KEPT)
    refusal = decision_refusal(state, "maybe")
    assert refusal is not None and "advance" in refusal
    assert of_type(decide(state, decided("maybe"), T0, KIT), RecordDecision) == []
