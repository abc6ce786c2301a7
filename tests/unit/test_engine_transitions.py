"""Table-driven tests of every legal transition of the candidate flow (fixed clock)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from conversations.buttons import Action
from conversations.effects import (
    BindInvite,
    Cancel,
    EraseAnswers,
    FetchMedia,
    Notify,
    SaveAnswer,
    Schedule,
    SubmitForReview,
    Transcribe,
)
from conversations.engine import decide
from conversations.events import Event, MediaKind, TimerKind
from conversations.state import InterviewState, Phase
from tests.unit.engine_script import (
    IID,
    KIT,
    ME,
    T0,
    command,
    fetch_failed,
    make_state,
    media,
    of_type,
    part,
    press,
    render_all,
    started,
    stored,
    text,
    text_ids,
    timer,
)

P = Phase


@dataclass(frozen=True)
class Row:
    name: str
    state: InterviewState
    event: Callable[[], Event]
    phase: Phase
    texts: list[str]
    effects: dict[type[Any], int] = field(default_factory=dict)
    check: Callable[[InterviewState], bool] = lambda st: True


ANSWERING = make_state(P.ANSWERING, answer_started_at=T0, answer_ends_at=T0 + timedelta(minutes=2))
ANSWERED = [part(1)]
PENDING = [part(1, stored=False)]

ROWS = [
    Row("open invite binds it", make_state(P.INVITED, candidate=None, deadline_at=None),
        started, P.CONSENT, ["intro.show", "consent.ask_kit"], {BindInvite: 1},
        lambda st: st.candidate == ME and st.deadline_at == T0 + timedelta(hours=72)),
    Row("consent yes schedules reminders and deadline", make_state(P.CONSENT,
                                                                  time_zone="Europe/London"),
        lambda: press(Action.CONSENT_YES), P.INSTRUCTIONS, ["instructions.show"],
        {Schedule: 3}),
    Row("consent yes asks the local time when the zone is unknown", make_state(P.CONSENT),
        lambda: press(Action.CONSENT_YES), P.INSTRUCTIONS,
        ["instructions.show", "timezone.ask"], {Schedule: 3}),
    Row("local time sets the zone and moves reminders", make_state(P.INSTRUCTIONS),
        lambda: text("11:30 pm"), P.INSTRUCTIONS, ["timezone.saved"], {Cancel: 1, Schedule: 2},
        lambda st: st.time_zone == "UTC+05:30"),
    Row("consent no ends politely", make_state(P.CONSENT),
        lambda: press(Action.CONSENT_NO), P.DECLINED, ["consent.declined"],
        {EraseAnswers: 1, Notify: 1}),
    Row("begin shows the practice", make_state(P.INSTRUCTIONS),
        lambda: press(Action.BEGIN), P.PRESENTED, ["practice.show"], {},
        lambda st: st.question_index == -1),
    Row("skip practice", make_state(P.PRESENTED, question_index=-1),
        lambda: press(Action.SKIP_PRACTICE, "-1.0"), P.PRESENTED,
        ["practice.skipped", "question.show"], {}, lambda st: st.question_index == 0),
    Row("ready starts preparing", make_state(P.PRESENTED),
        lambda: press(Action.READY, "0.0"), P.PREPARING, ["prep.started"], {Schedule: 1},
        lambda st: st.prep_ends_at == T0 + timedelta(seconds=30)),
    Row("ready with no prep opens the window", make_state(P.PRESENTED, question_index=2),
        lambda: press(Action.READY, "2.0"), P.ANSWERING, ["answer.open_text"], {Schedule: 1}),
    Row("start now skips prep", make_state(P.PREPARING),
        lambda: press(Action.START_NOW, "0.0"), P.ANSWERING, ["answer.open"],
        {Cancel: 1, Schedule: 1}),
    Row("prep timer opens the window", make_state(P.PREPARING),
        lambda: timer(TimerKind.PREP_END, "0.0"), P.ANSWERING, ["answer.open"], {Schedule: 1},
        lambda st: st.answer_ends_at == T0 + timedelta(seconds=120)),
    Row("media part is fetched", ANSWERING, lambda: media(), P.ANSWERING, [],
        {FetchMedia: 1}, lambda st: st.parts[0].part_id == f"{IID}-1" and st.next_part_no == 2),
    Row("audio counts as voice", ANSWERING, lambda: media(MediaKind.AUDIO), P.ANSWERING, [],
        {FetchMedia: 1}),
    Row("stored part is acknowledged", make_state(P.ANSWERING, parts=PENDING),
        lambda: stored(f"{IID}-1"), P.ANSWERING, ["answer.part_received"], {},
        lambda st: st.parts[0].stored),
    Row("failed part is dropped", make_state(P.ANSWERING, parts=PENDING),
        lambda: fetch_failed(f"{IID}-1"), P.ANSWERING, ["answer.fetch_failed"], {},
        lambda st: st.parts == ()),
    Row("done asks keep or retake", make_state(P.ANSWERING, parts=ANSWERED),
        lambda: press(Action.DONE, "0.0"), P.CONFIRMING, ["confirm.ask"],
        {SaveAnswer: 1, Cancel: 1}),
    Row("done waits for downloads", make_state(P.ANSWERING, parts=PENDING),
        lambda: press(Action.DONE, "0.0"), P.ANSWERING, ["answer.still_receiving"], {},
        lambda st: st.finish_pending),
    Row("download completes a pending done",
        make_state(P.ANSWERING, parts=PENDING, finish_pending=True),
        lambda: stored(f"{IID}-1"), P.CONFIRMING, ["confirm.ask"], {SaveAnswer: 1}),
    Row("window closes", make_state(P.ANSWERING, parts=ANSWERED),
        lambda: timer(TimerKind.ANSWER_END, "0.0"), P.CONFIRMING,
        ["answer.times_up", "confirm.ask"], {SaveAnswer: 1}),
    Row("window closes while downloading", make_state(P.ANSWERING, parts=PENDING),
        lambda: timer(TimerKind.ANSWER_END, "0.0"), P.ANSWERING,
        ["answer.times_up_waiting"], {}, lambda st: st.finish_pending),
    Row("window closes empty", make_state(P.ANSWERING),
        lambda: timer(TimerKind.ANSWER_END, "0.0"), P.CONFIRMING,
        ["answer.times_up", "confirm.empty"], {}),
    Row("text-only answer completes at once", make_state(P.ANSWERING, question_index=2),
        lambda: text("I like your product a lot"), P.SUBMITTED,
        ["answer.kept_last_try", "submitted"], {SubmitForReview: 1, SaveAnswer: 1}),
    Row("text part of a mixed answer", make_state(P.ANSWERING, question_index=1),
        lambda: text("some words here"), P.ANSWERING, ["answer.part_received"], {}),
    Row("keep moves on", make_state(P.CONFIRMING, parts=ANSWERED),
        lambda: press(Action.KEEP, "0.0"), P.PRESENTED, ["answer.kept", "question.show"],
        {SaveAnswer: 1, Transcribe: 1}, lambda st: st.question_index == 1 and len(st.kept) == 1),
    Row("keep practice is never transcribed",
        make_state(P.CONFIRMING, question_index=-1, parts=ANSWERED),
        lambda: press(Action.KEEP, "-1.0"), P.PRESENTED, ["practice.done", "question.show"],
        {SaveAnswer: 1, Transcribe: 0}, lambda st: st.kept == () and st.question_index == 0),
    Row("keep last submits", make_state(P.CONFIRMING, question_index=2, parts=ANSWERED),
        lambda: press(Action.KEEP, "2.0"), P.SUBMITTED, ["answer.kept", "submitted"],
        {SubmitForReview: 0, Cancel: 4}, lambda st: st.review_waiting),  # transcripts first
    Row("retake re-presents", make_state(P.CONFIRMING, parts=ANSWERED),
        lambda: press(Action.RETAKE, "0.0"), P.PRESENTED, ["question.show"], {},
        lambda st: st.attempt_no == 1 and st.retakes_used == 1 and st.parts == ()),
    Row("pause between questions", make_state(P.PRESENTED), lambda: command("pause"),
        P.PRESENTED, ["pause.done"], {}, lambda st: st.paused),
    Row("pause while answering waits", make_state(P.ANSWERING), lambda: command("pause"),
        P.ANSWERING, ["pause.after_answer"], {}, lambda st: st.pause_requested),
    Row("any message resumes", make_state(P.PRESENTED, paused=True), lambda: text("hi"),
        P.PRESENTED, ["resume.done", "question.show"], {}, lambda st: not st.paused),
    Row("resume button", make_state(P.CONFIRMING, paused=True, parts=ANSWERED),
        lambda: press(Action.RESUME), P.CONFIRMING, ["resume.done", "confirm.ask"], {}),
    Row("/start resumes", make_state(P.INSTRUCTIONS, paused=True), lambda: command("start"),
        P.INSTRUCTIONS, ["resume.done", "instructions.show"], {}),
    Row("reopening resumes", make_state(P.PREPARING), started, P.PREPARING,
        ["resume.done", "prep.started"], {}),
    Row("status", make_state(P.ANSWERING), lambda: command("status"), P.ANSWERING,
        ["status.answering"], {}),
    Row("status practice", make_state(P.PRESENTED, question_index=-1),
        lambda: command("status"), P.PRESENTED, ["status.practice"], {}),
    Row("help", make_state(P.CONSENT), lambda: command("help"), P.CONSENT, ["help"], {}),
    Row("language", make_state(P.CONSENT), lambda: command("language"), P.CONSENT,
        ["language.current"], {}),
    Row("withdraw asks", make_state(P.PRESENTED), lambda: command("withdraw"), P.PRESENTED,
        ["withdraw.ask"], {}, lambda st: st.withdraw_pending),
    Row("withdraw confirmed", make_state(P.PRESENTED, withdraw_pending=True),
        lambda: press(Action.WITHDRAW_CONFIRM), P.WITHDRAWN, ["withdraw.done"],
        {Notify: 1, Cancel: 4}),
    Row("withdraw cancelled", make_state(P.PRESENTED, withdraw_pending=True),
        lambda: press(Action.WITHDRAW_CANCEL), P.PRESENTED,
        ["withdraw.cancelled", "question.show"], {}, lambda st: not st.withdraw_pending),
    Row("reminder", make_state(P.PRESENTED), lambda: timer(TimerKind.REMINDER, "r0"),
        P.PRESENTED, ["reminder"], {}),
    Row("deadline with nothing kept", make_state(P.PRESENTED),
        lambda: timer(TimerKind.DEADLINE), P.EXPIRED, ["expired"], {SubmitForReview: 0},
        lambda st: "partial" not in st.flags),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_transition(row: Row) -> None:
    decision = decide(row.state, row.event(), T0, KIT)
    assert decision.state is not None
    assert decision.state.phase is row.phase
    assert text_ids(decision) == row.texts
    for kind, count in row.effects.items():
        assert len(of_type(decision, kind)) == count, kind
    assert row.check(decision.state)
    render_all(decision)


def test_reminders_only_in_the_future() -> None:
    kit = replace_kit(reminders_seconds=(100 * 3600, 2 * 3600))
    decision = decide(make_state(P.CONSENT), press(Action.CONSENT_YES), T0, kit)
    schedules = of_type(decision, Schedule)
    assert [(s.timer, s.key) for s in schedules] == [
        (TimerKind.REMINDER, "r1"), (TimerKind.DEADLINE, ""),
    ]
    assert schedules[0].at == T0 + timedelta(hours=70)


def test_timers_carry_the_attempt() -> None:
    decision = decide(make_state(P.PRESENTED, attempt_no=1), press(Action.READY, "0.1"), T0, KIT)
    (schedule,) = of_type(decision, Schedule)
    assert schedule.key == "0.1" and schedule.timer is TimerKind.PREP_END


def replace_kit(**changes: Any) -> Any:
    from dataclasses import replace

    return replace(KIT, **changes)


def test_kit_without_consent_text_gets_the_default_consent_question() -> None:
    from dataclasses import replace

    from conversations.engine import decide
    from tests.unit.engine_script import KIT, T0, make_state, started, text_ids

    kit = replace(KIT, consent="", intro="")
    decision = decide(make_state(Phase.INVITED), started(), T0, kit)
    assert text_ids(decision) == ["consent.ask"]
