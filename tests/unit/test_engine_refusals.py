"""Every refusal and every illegal move: a helpful reply, nothing else, state unchanged.
Stale timers and background results nobody waits for are ignored without a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from config.kit import LatePolicy
from conversations.buttons import Action
from conversations.effects import Notify, Send
from conversations.engine import decide
from conversations.events import Event, MediaKind, TimerKind
from conversations.state import InterviewState, Phase
from tests.unit.engine_script import (
    KIT,
    ME,
    OTHER,
    T0,
    command,
    fetch_failed,
    make_state,
    media,
    part,
    press,
    raw_press,
    render_all,
    started,
    sticker,
    stored,
    text,
    text_ids,
    timer,
    transcript,
)

P = Phase
ANSWERING = make_state(P.ANSWERING, answer_ends_at=T0 + timedelta(minutes=2))
MIXED = replace(ANSWERING, question_index=1)
TEXT_ONLY = replace(ANSWERING, question_index=2)
SUBMITTED = make_state(P.SUBMITTED, submitted_at=T0)
MB = 1024 * 1024

REFUSALS: list[tuple[str, InterviewState, Callable[[], Event], list[str]]] = [
    ("text in consent", make_state(P.CONSENT), lambda: text("yes"), ["hint.consent"]),
    ("media in consent", make_state(P.CONSENT), lambda: media(), ["hint.consent"]),
    ("text in instructions", make_state(P.INSTRUCTIONS, time_zone="Europe/London"),
     lambda: text("go"), ["hint.instructions"]),
    ("unreadable local time", make_state(P.INSTRUCTIONS), lambda: text("teatime"),
     ["timezone.unclear"]),
    ("media before ready", make_state(P.PRESENTED), lambda: media(), ["hint.presented"]),
    ("text while preparing", make_state(P.PREPARING), lambda: text("hm"), ["hint.preparing"]),
    ("media while confirming", make_state(P.CONFIRMING, parts=(part(1),)), lambda: media(),
     ["hint.confirming"]),
    ("sticker", make_state(P.PRESENTED), sticker, ["unsupported", "hint.presented"]),
    ("stale ready from an old attempt", make_state(P.PRESENTED, attempt_no=1),
     lambda: press(Action.READY, "0.0"), ["button.stale"]),
    ("button of another interview", make_state(P.PRESENTED),
     lambda: press(Action.READY, "0.0", interview_id="iv-9"), ["button.stale"]),
    ("garbage payload", make_state(P.PRESENTED), lambda: raw_press("hello"), ["button.stale"]),
    ("begin pressed again", make_state(P.PRESENTED), lambda: press(Action.BEGIN),
     ["button.stale"]),
    ("consent pressed again", make_state(P.INSTRUCTIONS), lambda: press(Action.CONSENT_NO),
     ["button.stale"]),
    ("keep while answering", make_state(P.ANSWERING), lambda: press(Action.KEEP, "0.0"),
     ["button.stale"]),
    ("skip practice on a real question", make_state(P.PRESENTED),
     lambda: press(Action.SKIP_PRACTICE, "0.0"), ["button.stale"]),
    ("withdraw confirm without asking", make_state(P.PRESENTED),
     lambda: press(Action.WITHDRAW_CONFIRM), ["button.stale"]),
    ("retake with none left", make_state(P.CONFIRMING, attempt_no=1, parts=(part(1),)),
     lambda: press(Action.RETAKE, "0.1"), ["answer.no_retakes_left", "confirm.ask"]),
    ("keep while downloading", make_state(P.CONFIRMING, parts=(part(1, stored=False),)),
     lambda: press(Action.KEEP, "0.0"), ["answer.still_receiving"]),
    ("done with nothing sent", ANSWERING, lambda: press(Action.DONE, "0.0"),
     ["answer.nothing_yet"]),
    ("format not accepted", ANSWERING, lambda: media(MediaKind.VIDEO),
     ["answer.format_refused"]),
    ("document not accepted", ANSWERING, lambda: media(MediaKind.DOCUMENT, None),
     ["answer.format_refused"]),
    ("text not accepted", ANSWERING, lambda: text("my answer"), ["answer.format_refused"]),
    ("over the download limit", ANSWERING, lambda: media(size=20 * MB + 1),
     ["answer.too_large"]),
    ("too short", ANSWERING, lambda: media(duration=0.5), ["answer.too_short"]),
    ("too long alone", ANSWERING, lambda: media(duration=133), ["answer.too_long"]),
    ("too long in total", replace(ANSWERING, parts=(part(1, duration=60),)),
     lambda: media(duration=73), ["answer.too_long"]),
    ("too few words", TEXT_ONLY, lambda: text("too short"), ["answer.too_few_words"]),
    ("too many words", TEXT_ONLY, lambda: text("word " * 51), ["answer.too_many_words"]),
    ("empty text", MIXED, lambda: text("   "), ["answer.too_few_words"]),
    ("media after done while downloading",
     replace(ANSWERING, parts=(part(1, stored=False),), finish_pending=True),
     lambda: media(), ["answer.still_receiving"]),
    ("unknown command", make_state(P.PRESENTED), lambda: command("dance"),
     ["command.unknown"]),
    ("text after submission", SUBMITTED, lambda: text("hello?"), ["final.submitted"]),
    ("status after submission", SUBMITTED, lambda: command("status"), ["final.submitted"]),
    ("button after submission", SUBMITTED, lambda: press(Action.KEEP, "0.0"),
     ["final.submitted"]),
    ("help after expiry", make_state(P.EXPIRED), lambda: command("help"), ["final.expired"]),
    ("reopen after decline", make_state(P.DECLINED), started, ["final.declined"]),
    ("pause after withdrawal", make_state(P.WITHDRAWN), lambda: command("pause"),
     ["final.withdrawn"]),
    ("media after erasure", make_state(P.ERASED), lambda: media(), ["final.erased"]),
]


@pytest.mark.parametrize(("state", "event", "texts"),
                         [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusal_changes_nothing(
    state: InterviewState, event: Callable[[], Event], texts: list[str]
) -> None:
    decision = decide(state, event(), T0, KIT)
    assert decision.state == state
    assert text_ids(decision) == texts
    assert all(isinstance(e, Send) and e.to == ME for e in decision.effects)
    render_all(decision)


IGNORED: list[tuple[str, InterviewState, Callable[[], Event]]] = [
    ("prep timer of an older attempt", make_state(P.PREPARING, attempt_no=1),
     lambda: timer(TimerKind.PREP_END, "0.0")),
    ("prep timer after start now", make_state(P.ANSWERING),
     lambda: timer(TimerKind.PREP_END, "0.0")),
    ("answer timer of an older attempt", make_state(P.ANSWERING, attempt_no=1),
     lambda: timer(TimerKind.ANSWER_END, "0.0")),
    ("answer timer after done", make_state(P.CONFIRMING),
     lambda: timer(TimerKind.ANSWER_END, "0.0")),
    ("answer timer while already waiting",
     make_state(P.ANSWERING, parts=(part(1, stored=False),), finish_pending=True),
     lambda: timer(TimerKind.ANSWER_END, "0.0")),
    ("timer of another interview", make_state(P.PREPARING),
     lambda: timer(TimerKind.PREP_END, "0.0", interview_id="iv-9")),
    ("transcript ready", make_state(P.PRESENTED), transcript),
    ("transcript after submission", SUBMITTED, transcript),
    ("unknown part stored", make_state(P.ANSWERING), lambda: stored("iv-1-99")),
    ("unknown part failed", make_state(P.ANSWERING), lambda: fetch_failed("iv-1-99")),
    ("reminder after submission", SUBMITTED, lambda: timer(TimerKind.REMINDER, "r0")),
    ("reminder past the deadline", make_state(P.PRESENTED, deadline_at=T0),
     lambda: timer(TimerKind.REMINDER, "r1")),
    ("deadline after submission", SUBMITTED, lambda: timer(TimerKind.DEADLINE)),
]


@pytest.mark.parametrize(("state", "event"), [r[1:] for r in IGNORED],
                         ids=[r[0] for r in IGNORED])
def test_ignored_without_a_message(state: InterviewState, event: Callable[[], Event]) -> None:
    decision = decide(state, event(), T0, KIT)
    assert decision.state == state
    assert decision.effects == ()


def test_second_person_is_refused() -> None:
    state = make_state(P.PRESENTED)
    decision = decide(state, started(who=OTHER), T0, KIT)
    assert decision.state == state
    assert text_ids(decision) == ["invite.taken"]
    send = decision.effects[0]
    assert isinstance(send, Send) and send.to == OTHER
    assert [e.what for e in decision.effects if isinstance(e, Notify)] == ["bound_conflict"]


def test_late_answer_rejected_by_policy() -> None:
    kit = replace(KIT, late_answers=LatePolicy.REJECT)
    state = make_state(P.ANSWERING, deadline_at=T0 - timedelta(minutes=1))
    decision = decide(state, media(), T0, kit)
    assert decision.state == state
    assert text_ids(decision) == ["answer.late_refused"]


@pytest.mark.parametrize(
    ("event", "texts"),
    [(started, ["invite.invalid"]), (lambda: text("hi"), ["invite.open_link"]),
     (lambda: press(Action.READY, "0.0"), ["invite.open_link"]),
     (lambda: command("status"), ["invite.open_link"]),
     (lambda: timer(TimerKind.DEADLINE), []), (transcript, [])],
)
def test_no_interview(event: Callable[[], Event], texts: list[str]) -> None:
    decision = decide(None, event(), T0, KIT)
    assert decision.state is None
    assert text_ids(decision) == texts
    render_all(decision)


def test_missing_kit_answers_without_changes() -> None:
    state = make_state(P.PRESENTED)
    decision = decide(state, text("hi"), T0, None)
    assert decision.state == state
    assert text_ids(decision) == ["error.unavailable"]
    assert decide(state, timer(TimerKind.DEADLINE), T0, None).effects == ()
