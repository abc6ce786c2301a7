"""A recruiter gives one candidate more time, or a reminder now: only while the interview
runs; the candidate is told; timers move; quiet hours are kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from config.kit import QuietHours
from conversations.context import question_of
from conversations.effects import Cancel, Notify, Schedule, Send
from conversations.engine import decide
from conversations.events import (
    Accommodated,
    CampaignClosed,
    DeadlineExtended,
    ReminderRequested,
    Started,
    TimerKind,
)
from conversations.opening import Availability, refuse_opening
from conversations.recruiter_actions import MANUAL_KEY, NOT_OPENED
from conversations.state import Accommodation, Decision, Phase
from tests.unit.engine_script import IID, KIT, ME, T0, make_state, of_type, text_ids

WHO = "slack:UREC"


def extended(hours: int, reason: str = "asked for more time") -> DeadlineExtended:
    return DeadlineExtended(event_id=f"x{hours}", occurred_at=T0, conversation=ME,
                            interview_id=IID, seconds=hours * 3600, requested_by=WHO,
                            reason=reason)


def reminder() -> ReminderRequested:
    return ReminderRequested(event_id="r", occurred_at=T0, conversation=ME, interview_id=IID,
                             requested_by=WHO)


def test_more_time_moves_the_deadline_and_its_reminders_and_tells_the_candidate() -> None:
    state = make_state(Phase.ANSWERING)
    assert state.deadline_at is not None
    decision = decide(state, extended(24), T0, KIT)
    new = state.deadline_at + timedelta(hours=24)
    assert decision.state == replace(state, deadline_at=new)
    cancelled = {c.timer for c in of_type(decision, Cancel)}
    assert cancelled == {TimerKind.REMINDER, TimerKind.DEADLINE}
    scheduled = of_type(decision, Schedule)
    assert Schedule(TimerKind.DEADLINE, new, IID) in scheduled
    assert all(s.at <= new for s in scheduled)
    assert text_ids(decision) == ["deadline.extended"]
    [note] = of_type(decision, Notify)
    assert note.what == "deadline_extended" and "asked for more time" in note.detail


def test_time_added_after_a_missed_deadline_counts_from_now() -> None:
    state = make_state(Phase.PRESENTED, deadline_at=T0 - timedelta(hours=1))
    decision = decide(state, extended(2), T0, KIT)
    assert decision.state is not None and decision.state.deadline_at == T0 + timedelta(hours=2)


@pytest.mark.parametrize(("phase", "why"), [
    (Phase.INVITED, NOT_OPENED), (Phase.SUBMITTED, "over (submitted)"),
    (Phase.EXPIRED, "over (expired)"), (Phase.WITHDRAWN, "over (withdrawn)"),
])
def test_nothing_to_extend_or_remind_unless_running(phase: Phase, why: str) -> None:
    state = make_state(phase, deadline_at=None if phase is Phase.INVITED else T0)
    for event in (extended(24), reminder()):
        decision = decide(state, event, T0, KIT)
        assert decision.state == state and of_type(decision, Send) == []
        [note] = of_type(decision, Notify)
        assert note.what.endswith("_refused") and why in note.detail


def test_a_reminder_now_is_sent_at_once_outside_quiet_hours() -> None:
    decision = decide(make_state(Phase.PRESENTED), reminder(), T0, KIT)
    assert text_ids(decision) == ["reminder"]
    assert [n.what for n in of_type(decision, Notify)] == ["reminder_requested"]


def test_a_reminder_asked_in_quiet_hours_waits_for_their_end() -> None:
    kit = replace(KIT, quiet_hours=QuietHours(start_minute=17 * 60, end_minute=20 * 60))
    decision = decide(make_state(Phase.PRESENTED), reminder(), T0, kit)  # T0 is 18:00 UTC
    assert of_type(decision, Send) == []
    [later] = of_type(decision, Schedule)
    assert (later.timer, later.key, later.at) == (TimerKind.REMINDER, MANUAL_KEY,
                                                  T0 + timedelta(hours=2))


def accommodated(prep: int = 60, answer: int = 120, retakes: int = 1) -> Accommodated:
    return Accommodated(event_id=f"a{prep}.{answer}.{retakes}", occurred_at=T0, conversation=ME,
                        interview_id=IID, extra_prep_s=prep, extra_answer_s=answer,
                        extra_retakes=retakes, requested_by=WHO, reason="dyslexia")


def test_an_accommodation_applies_to_every_question_and_adds_up() -> None:
    state = make_state(Phase.PRESENTED)
    decision = decide(state, accommodated(), T0, KIT)
    assert text_ids(decision) == ["accommodation.granted"]
    st = decision.state
    assert st is not None and st.accommodation == Accommodation(60, 120, 1)
    q1 = KIT.questions[0]
    adjusted = question_of(st, KIT)
    assert (adjusted.prep_seconds, adjusted.answer_seconds, adjusted.retakes) == (
        q1.prep_seconds + 60, q1.answer_seconds + 120, q1.retakes + 1)
    again = decide(st, accommodated(0, 60, 0), T0, KIT).state
    assert again is not None and again.accommodation == Accommodation(60, 180, 1)
    [note] = of_type(decision, Notify)
    assert note.what == "accommodated" and "dyslexia" in note.detail


def test_the_prep_countdown_uses_the_accommodated_time() -> None:
    from conversations.buttons import Action
    from tests.unit.engine_script import press

    state = make_state(Phase.PRESENTED, accommodation=Accommodation(extra_prep_s=60))
    decision = decide(state, press(Action.READY, "0.0"), T0, KIT)
    assert decision.state is not None
    assert decision.state.prep_ends_at == T0 + timedelta(
        seconds=KIT.questions[0].prep_seconds + 60)


def test_no_accommodation_for_an_interview_that_is_over() -> None:
    state = make_state(Phase.SUBMITTED)
    decision = decide(state, accommodated(), T0, KIT)
    assert decision.state == state and of_type(decision, Send) == []


def closed() -> CampaignClosed:
    return CampaignClosed(event_id="c", occurred_at=T0, conversation=ME, interview_id=IID,
                          requested_by=WHO)


def test_closing_the_campaign_ends_a_running_interview_now_and_tells_the_candidate() -> None:
    decision = decide(make_state(Phase.PRESENTED), closed(), T0, KIT)
    assert decision.state is not None and decision.state.phase is Phase.EXPIRED
    assert decision.state.deadline_at == T0
    assert text_ids(decision)[0] == "campaign.closed" and "expired" in text_ids(decision)[1]
    assert [n.what for n in of_type(decision, Notify)][:2] == ["campaign_closed", "expired"]


@pytest.mark.parametrize("phase", [Phase.INVITED, Phase.SUBMITTED, Phase.WITHDRAWN])
def test_closing_leaves_an_unopened_or_finished_interview_alone(phase: Phase) -> None:
    state = make_state(phase, deadline_at=None if phase is Phase.INVITED else T0)
    assert decide(state, closed(), T0, KIT) == Decision(state=state)


@pytest.mark.parametrize(("available", "text_id"), [
    (Availability.PAUSED, "invite.paused"), (Availability.CLOSED, "invite.closed")])
def test_a_paused_or_closed_campaign_opens_no_new_invite(available: Availability,
                                                         text_id: str) -> None:
    state = make_state(Phase.INVITED, deadline_at=None)
    started = Started(event_id="s", occurred_at=T0, conversation=ME, invite_token="t")
    refused = refuse_opening(state, started, available)
    assert refused is not None and refused.state == state and text_ids(refused) == [text_id]
    assert refuse_opening(state, started, Availability.OPEN) is None
    assert refuse_opening(make_state(Phase.PRESENTED), started, available) is None  # goes on
