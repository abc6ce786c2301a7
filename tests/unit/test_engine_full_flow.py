"""A whole interview, scripted like a candidate: consent, practice, three questions answered
by voice, a two-part video note and text, one retake, one refused answer, submitted."""

from __future__ import annotations

from conversations.buttons import Action
from conversations.effects import (
    BindInvite,
    Cancel,
    FetchMedia,
    SaveAnswer,
    Schedule,
    SubmitForReview,
    Transcribe,
)
from conversations.events import MediaKind, TimerKind
from conversations.state import Phase
from tests.unit.engine_script import (
    IID,
    ME,
    Script,
    media,
    of_type,
    started,
    text,
    timer,
    transcript,
)


def test_full_interview() -> None:
    s = Script()
    s.feed(started())
    s.expect("intro.show", "consent.ask_kit")
    assert of_type(s.last, BindInvite) == [BindInvite(IID, ME)]
    s.press(Action.CONSENT_YES)
    s.expect("instructions.show", "timezone.ask")
    assert len(of_type(s.last, Schedule)) == 3
    s.feed(text("20:00"))  # 18:00 UTC on the test clock
    s.expect("timezone.saved")
    assert s.st.time_zone == "UTC+02:00"

    # practice, answered in text
    s.press(Action.BEGIN)
    s.expect("practice.show")
    s.press(Action.READY)
    s.expect("prep.started")
    s.press(Action.START_NOW)
    s.expect("answer.open")
    s.feed(text("I use my editor every day"))
    s.expect("answer.part_received")
    s.press(Action.DONE)
    s.expect("confirm.ask")
    s.press(Action.KEEP)
    s.expect("practice.done", "question.show")

    # q1: voice, retaken once, with a refused video in between
    s.press(Action.READY)
    s.later(30)
    s.feed(timer(TimerKind.PREP_END, "0.0"))
    s.expect("answer.open")
    s.feed(media(MediaKind.VOICE, 45))
    assert len(of_type(s.last, FetchMedia)) == 1
    s.store_all()
    s.expect("answer.part_received")
    s.press(Action.DONE)
    s.expect("confirm.ask")
    s.press(Action.RETAKE)
    s.expect("question.show")
    assert s.st.attempt_no == 1
    s.press(Action.READY)
    s.press(Action.START_NOW)
    s.feed(media(MediaKind.VIDEO, 40))
    s.expect("answer.format_refused")
    s.feed(media(MediaKind.AUDIO, 50))
    s.store_all()
    s.press(Action.DONE)
    s.expect("answer.kept_last_try", "question.show")

    # q2: a two-part video note, closed by the answer window
    s.press(Action.READY)
    s.press(Action.START_NOW)
    s.feed(media(MediaKind.VIDEO_NOTE, 60))
    s.feed(media(MediaKind.VIDEO_NOTE, 58))
    s.store_all()
    s.expect("answer.part_received")
    s.later(120)
    s.feed(timer(TimerKind.ANSWER_END, "1.0"))
    s.expect("answer.times_up", "confirm.ask")
    s.press(Action.KEEP)
    s.expect("answer.kept", "question.show_no_prep")  # q3 has no thinking time

    # q3: text only, no prep, one message completes it
    s.press(Action.READY)
    s.expect("answer.open_text")
    s.feed(text("I admire the mission and the team"))
    s.expect("answer.kept_last_try", "submitted")

    st = s.st
    assert st.phase is Phase.SUBMITTED and st.submitted_at == s.now
    assert [k.question_id for k in st.kept] == ["q1", "q2", "q3"]
    assert st.retakes_used == 1 and st.flags == frozenset()
    assert {c.timer for c in of_type(s.last, Cancel)} >= {TimerKind.REMINDER, TimerKind.DEADLINE}
    transcribed = [e.part_id for e in s.log if isinstance(e, Transcribe)]
    assert transcribed == [f"{IID}-3", f"{IID}-4", f"{IID}-5"]  # refused media takes no number
    # reviewers get the submission once the last transcript is in
    assert of_type(s.last, SubmitForReview) == [] and st.review_waiting
    for part_id in transcribed:
        s.feed(transcript(part_id))
    assert of_type(s.last, SubmitForReview) == [SubmitForReview(IID, partial=False)]
    assert s.last.effects == (SubmitForReview(IID, partial=False),)  # nothing said
    assert not s.st.review_waiting and s.st.transcripts_pending == frozenset()
    kept_saves = [e for e in s.log if isinstance(e, SaveAnswer) and e.kept]
    assert [(e.question_id, e.attempt_no, e.practice) for e in kept_saves] == [
        ("practice", 0, True), ("q1", 1, False), ("q2", 0, False), ("q3", 0, False)]
