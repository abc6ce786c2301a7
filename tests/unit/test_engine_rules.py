"""Rules that span several events: late answers, expiry, auto-keep, pause after an answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from conversations.buttons import Action, ButtonPayload
from conversations.effects import (
    Cancel,
    EraseAnswers,
    FetchMedia,
    Notify,
    SaveAnswer,
    Schedule,
    Send,
    SubmitForReview,
    Transcribe,
)
from conversations.engine import decide
from conversations.events import EraseRequested, TimerKind
from conversations.state import Decision, KeptAnswer, Phase
from tests.unit.engine_script import (
    IID,
    KIT,
    ME,
    T0,
    Script,
    command,
    fetch_failed,
    make_state,
    media,
    of_type,
    part,
    press,
    started,
    stored,
    text,
    text_ids,
    timer,
    transcript,
)

P = Phase
LATE = T0 + timedelta(hours=73)


def test_late_answer_accepted_and_flagged() -> None:
    state = make_state(P.ANSWERING, answer_ends_at=LATE + timedelta(minutes=2))
    decision = decide(state, media(), LATE, KIT)
    assert decision.state is not None
    assert decision.state.parts[0].late and "late" in decision.state.flags
    decision = decide(decision.state, stored(f"{IID}-1"), LATE, KIT)
    assert decision.state is not None
    decision = decide(decision.state, press(Action.DONE, "0.0"), LATE, KIT)
    assert decision.state is not None
    decision = decide(decision.state, press(Action.KEEP, "0.0"), LATE, KIT)
    (save,) = of_type(decision, SaveAnswer)
    assert save.kept and save.late
    assert decision.state is not None and decision.state.kept[0].late


def test_expiry_submits_kept_answers_as_partial() -> None:
    kept = (KeptAnswer(question_id="q1", attempt_no=0, duration_s=30, late=False),)
    state = make_state(P.PRESENTED, question_index=1, kept=kept)
    decision = decide(state, timer(TimerKind.DEADLINE), T0, KIT)
    assert decision.state is not None and decision.state.phase is P.EXPIRED
    assert "partial" in decision.state.flags
    assert of_type(decision, SubmitForReview) == [SubmitForReview(IID, partial=True)]
    assert {c.timer for c in of_type(decision, Cancel)} >= {TimerKind.REMINDER,
                                                             TimerKind.ANSWER_END}
    assert [n.what for n in of_type(decision, Notify)] == ["expired"]
    assert text_ids(decision) == ["expired.partial"]


def test_expiry_keeps_an_attempt_in_progress() -> None:
    state = make_state(P.ANSWERING, parts=(part(1),), next_part_no=2)
    decision = decide(state, timer(TimerKind.DEADLINE), T0, KIT)
    (save,) = of_type(decision, SaveAnswer)
    assert save.kept and not save.late and save.parts == (part(1),)
    assert of_type(decision, Transcribe) == [Transcribe(IID, f"{IID}-1")]
    assert of_type(decision, SubmitForReview) == []  # its transcript first
    assert decision.state is not None
    decision = decide(decision.state, transcript(f"{IID}-1"), T0, KIT)
    assert of_type(decision, SubmitForReview) == [SubmitForReview(IID, partial=True)]


def test_expiry_waits_for_downloads_then_submits() -> None:
    parts = (part(1), part(2, stored=False), part(3, stored=False))
    state = make_state(P.ANSWERING, parts=parts, next_part_no=4)
    decision = decide(state, timer(TimerKind.DEADLINE), T0, KIT)
    assert of_type(decision, SubmitForReview) == []
    assert decision.state is not None and decision.state.finish_pending
    decision = decide(decision.state, fetch_failed(f"{IID}-3"), T0, KIT)
    assert decision.effects == ()
    assert decision.state is not None
    decision = decide(decision.state, stored(f"{IID}-2"), T0, KIT)
    (save,) = of_type(decision, SaveAnswer)
    assert [p.part_id for p in save.parts] == [f"{IID}-1", f"{IID}-2"]
    assert of_type(decision, SubmitForReview) == []  # their transcripts first
    assert of_type(decision, Send) == []
    for part_id in (f"{IID}-2", f"{IID}-1"):
        assert decision.state is not None
        decision = decide(decision.state, transcript(part_id), T0, KIT)
    assert of_type(decision, SubmitForReview) == [SubmitForReview(IID, partial=True)]


def test_no_retakes_left_keeps_automatically() -> None:
    state = make_state(P.ANSWERING, attempt_no=1, parts=(part(1),))
    decision = decide(state, press(Action.DONE, "0.1"), T0, KIT)
    assert text_ids(decision) == ["answer.kept_last_try", "question.show"]
    assert decision.state is not None and decision.state.question_index == 1


def test_empty_window_can_move_on() -> None:
    script = Script(state=make_state(P.ANSWERING))
    script.feed(timer(TimerKind.ANSWER_END, "0.0"))
    script.expect("answer.times_up", "confirm.empty")
    script.press(Action.KEEP)
    script.expect("answer.none_received", "question.show")
    assert script.st.kept[0].duration_s == 0


def test_pause_while_answering_takes_effect_after_the_answer() -> None:
    script = Script(state=make_state(P.ANSWERING, parts=(part(1),), next_part_no=2))
    script.feed(command("pause"))
    script.feed(press(Action.DONE, "0.0"))
    assert not script.st.paused
    script.press(Action.KEEP)
    script.expect("answer.kept", "pause.done")
    assert script.st.paused and script.st.question_index == 1
    script.press(Action.RESUME)
    script.expect("resume.done", "question.show")
    assert not script.st.paused


def test_button_while_paused_resumes_and_acts() -> None:
    state = make_state(P.PRESENTED, paused=True)
    decision = decide(state, press(Action.READY, "0.0"), T0, KIT)
    assert decision.state is not None
    assert decision.state.phase is P.PREPARING and not decision.state.paused


def test_status_keeps_the_pause() -> None:
    state = make_state(P.PRESENTED, paused=True)
    decision = decide(state, command("status"), T0, KIT)
    assert decision.state == state


def test_same_person_reopening_resumes() -> None:
    state = make_state(P.CONFIRMING, parts=(part(1),), paused=True)
    decision = decide(state, started(), T0, KIT)
    assert text_ids(decision) == ["resume.done", "confirm.ask"]
    assert decision.state is not None and not decision.state.paused


def test_multi_part_duration_counts_against_the_limit() -> None:
    script = Script(state=make_state(P.ANSWERING, question_index=0))
    script.feed(media(duration=60))
    script.store_all()
    script.feed(media(duration=60))
    script.store_all()
    script.feed(media(duration=13))  # 133 s > 120 s + 10 % grace
    script.expect("answer.too_long")
    assert len(script.st.parts) == 2
    script.feed(media(duration=12))  # 132 s: within the grace
    assert len(of_type(script.last, FetchMedia)) == 1


def test_buttons_name_the_attempt() -> None:
    state = make_state(P.CONFIRMING, question_index=1, attempt_no=0, parts=(part(1),))
    decision = decide(state, press(Action.RETAKE, "1.0"), T0, KIT)
    (send,) = of_type(decision, Send)
    (ready,) = send.message.buttons
    assert ButtonPayload.unpack(ready.payload) == ButtonPayload(Action.READY, IID, "1.1")


def test_practice_answer_is_never_reviewed() -> None:
    script = Script(state=make_state(P.PRESENTED, question_index=-1))
    script.press(Action.READY)
    script.press(Action.START_NOW)
    script.feed(media(duration=20))
    script.store_all()
    script.press(Action.DONE)
    script.press(Action.KEEP)
    saves = [e for e in script.log if isinstance(e, SaveAnswer)]
    assert saves and all(s.practice for s in saves)
    assert not [e for e in script.log if isinstance(e, Transcribe | SubmitForReview)]
    assert script.st.kept == () and script.st.question_index == 0


def test_withdraw_then_final_status() -> None:
    script = Script(state=make_state(P.PREPARING))
    script.feed(command("withdraw"))
    script.press(Action.WITHDRAW_CONFIRM)
    assert script.st.phase is P.WITHDRAWN
    # every timer of the running interview; nothing was kept, so no retention timer either
    assert {c.timer for c in of_type(script.last, Cancel)} == set(TimerKind) - {
        TimerKind.RETENTION}
    assert of_type(script.last, Schedule) == []
    script.feed(command("status"))
    script.expect("final.withdrawn")


def test_decline_keeps_nothing() -> None:
    state = make_state(P.CONSENT, candidate_name="Ann")
    decision = decide(state, press(Action.CONSENT_NO), T0, KIT)
    assert decision.state == replace(state, phase=P.DECLINED, candidate_name=None)


def test_leaving_preparation_edits_the_countdown_message_once() -> None:
    from conversations.effects import Edit
    from conversations.engine import decide
    from conversations.messages import slot_ref
    from tests.unit.engine_script import KIT, T0, make_state, of_type, press

    preparing = make_state(Phase.PREPARING)
    decision = decide(preparing, press(Action.START_NOW, "0.0"), T0, KIT)
    edits = of_type(decision, Edit)
    assert [(e.message_ref, e.message.text_id) for e in edits] == [
        (slot_ref("countdown"), "prep.over")]
    answering = decision.state
    assert answering is not None
    assert of_type(decide(answering, press(Action.DONE, "0.0"), T0, KIT), Edit) == []


def test_reminders_follow_the_local_time_the_candidate_gives() -> None:
    """Asked once after consent: 03:00 for a candidate at 18:00 UTC is UTC+09:00, where both
    default reminders (24 h and 2 h before a 18:00 UTC deadline) would fall in the night."""
    s = Script(state=make_state(Phase.CONSENT))
    s.press(Action.CONSENT_YES)
    s.expect("instructions.show", "timezone.ask")
    s.feed(text("3am"))
    s.expect("timezone.saved")
    assert s.st.time_zone == "UTC+09:00"
    moved = sorted(e.at for e in of_type(s.last, Schedule))
    day = T0.replace(hour=0)
    # 08:00 local, the morning before the deadline; and 21:45 local, just before the night,
    # because 08:00 after the night would be past the deadline.
    assert moved == [day + timedelta(days=2, hours=23),
                     day + timedelta(days=3, hours=12, minutes=45)]
    assert of_type(s.last, Cancel) == [Cancel(timer=TimerKind.REMINDER, interview_id=IID)]
    s.feed(text("4am"))  # asked once: a second time is no longer read as a clock
    s.expect("hint.instructions")
    assert s.st.time_zone == "UTC+09:00"


def test_answers_are_erased_when_the_retention_period_ends() -> None:
    """Candidates are told their recordings are deleted after `retention_days`: a timer set
    at submission erases them then, through the same event path as every other timer."""
    last_question = make_state(P.CONFIRMING, question_index=2, parts=(part(1),), kept=(
        KeptAnswer("q1", 0, 30.0, False), KeptAnswer("q2", 0, 30.0, False)))
    script = Script(state=last_question)
    script.press(Action.KEEP)
    assert script.st.phase is P.SUBMITTED
    retention = [e for e in of_type(script.last, Schedule) if e.timer is TimerKind.RETENTION]
    assert [e.at for e in retention] == [T0 + timedelta(days=KIT.retention_days)]
    assert not [e for e in of_type(script.last, Cancel) if e.timer is TimerKind.RETENTION]

    script.feed(timer(TimerKind.RETENTION))
    erased = script.st
    assert erased.phase == P.ERASED and erased.kept == () and not erased.candidate_name
    assert of_type(script.last, EraseAnswers) == [EraseAnswers(interview_id=IID, why="retention")]
    assert [n.what for n in of_type(script.last, Notify)] == ["retention_erased"]
    assert of_type(script.last, Send) == []  # no message out of the blue months later
    script.feed(text("hello?"))
    script.expect("final.erased")


def test_retention_timer_of_a_running_interview_changes_nothing() -> None:
    state = make_state(P.PRESENTED)
    decision = decide(state, timer(TimerKind.RETENTION), T0, KIT)
    assert decision.state == state and decision.effects == ()


def erase_request() -> EraseRequested:
    return EraseRequested(event_id="erase:iv-1", occurred_at=T0, conversation=ME,
                          interview_id=IID, requested_by="slack:U0RECRUIT")


def test_erase_on_request_stops_everything_at_any_step() -> None:
    answering = make_state(P.ANSWERING, parts=(part(1),), paused=False,
                           kept=(KeptAnswer("q0", 0, 30.0, False),), candidate_name="Ann")
    decision = decide(answering, erase_request(), T0, KIT)
    assert decision.state is not None and decision.state.phase == P.ERASED
    assert decision.state.kept == () and decision.state.parts == ()
    assert {c.timer for c in of_type(decision, Cancel)} == set(TimerKind)
    assert of_type(decision, EraseAnswers) == [EraseAnswers(interview_id=IID, why="request")]
    assert [(n.what, n.detail) for n in of_type(decision, Notify)] == [
        ("erased_on_request", "slack:U0RECRUIT")]
    assert [s.message.text_id for s in of_type(decision, Send)] == ["erased.on_request"]

    unopened = make_state(P.INVITED, candidate=None)
    decision = decide(unopened, erase_request(), T0, KIT)
    assert decision.state is not None and decision.state.phase == P.ERASED
    assert of_type(decision, Send) == []  # nobody to tell; the invite no longer works

    erased = make_state(P.ERASED)
    assert decide(erased, erase_request(), T0, KIT) == Decision(state=erased)
