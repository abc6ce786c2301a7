"""Script-style driver for the engine with a fixed clock (send, press, expect), and state
builders for table-driven tests. Every message the engine sends is rendered through the
English catalog, so a missing text id or placeholder fails the test that produced it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.runtime.catalogs import load_catalog
from config.kit import AnswerFormat, Kit, Question
from conversations.buttons import Action, ButtonPayload
from conversations.effects import AnswerPart, Effect, Send
from conversations.engine import decide
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    ConversationRef,
    Event,
    MediaFetchFailed,
    MediaKind,
    MediaReceived,
    MediaStored,
    Started,
    TextReceived,
    TimerFired,
    TimerKind,
    TranscriptReady,
    UnsupportedReceived,
)
from conversations.messages import Message, RenderedMessage
from conversations.state import Decision, InterviewState, Phase

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
ME = ConversationRef(platform="telegram", chat_id="100", user_id="100")
OTHER = ConversationRef(platform="telegram", chat_id="200", user_id="200")
IID = "iv-1"
CATALOG = load_catalog("en")

VOICE_OR_NOTE = (AnswerFormat.VOICE, AnswerFormat.VIDEO_NOTE)
KIT = Kit(
    title="Backend engineer",
    intro="Thanks for applying!",
    consent="We record your answers.",
    questions=(
        Question(id="q1", text="Tell us about a project.", prep_seconds=30,
                 answer_seconds=120, formats=VOICE_OR_NOTE, retakes=1),
        Question(id="q2", text="How do you debug?", prep_seconds=30, answer_seconds=120,
                 formats=(AnswerFormat.VIDEO_NOTE, AnswerFormat.VOICE, AnswerFormat.TEXT)),
        Question(id="q3", text="Why us?", prep_seconds=0, answer_seconds=300,
                 formats=(AnswerFormat.TEXT,), retakes=0, min_words=3, max_words=50),
    ),
    practice=Question(id="practice", text="Favourite tool?", prep_seconds=10,
                      answer_seconds=60, formats=(AnswerFormat.VOICE, AnswerFormat.TEXT)),
)


def make_state(phase: Phase = Phase.PRESENTED, **changes: Any) -> InterviewState:
    base = InterviewState(interview_id=IID, campaign_id="c1", kit_version_id="k1",
                          invite_token="tok", phase=phase, candidate=ME, opened_at=T0,
                          deadline_at=T0 + timedelta(hours=72))
    return replace(base, **changes)


def part(no: int, *, stored: bool = True, duration: float = 30.0, kind: str = "voice",
         late: bool = False) -> AnswerPart:
    return AnswerPart(part_id=f"{IID}-{no}", kind=kind, duration_s=duration, size_bytes=1000,
                      file_ref=f"f{no}", stored=stored, late=late)


_counter = [0]


def _base(now: datetime = T0, who: ConversationRef = ME) -> dict[str, Any]:
    _counter[0] += 1
    return {"event_id": f"e{_counter[0]}", "occurred_at": now, "conversation": who}


def started(token: str = "tok", who: ConversationRef = ME) -> Started:
    return Started(invite_token=token, **_base(who=who))


def text(body: str) -> TextReceived:
    return TextReceived(text=body, **_base())


def media(kind: MediaKind = MediaKind.VOICE, duration: float | None = 30.0,
          size: int | None = 100_000) -> MediaReceived:
    return MediaReceived(kind=kind, file_ref=f"ref-{_counter[0]}", duration_s=duration,
                         size_bytes=size, **_base())


def stored(part_id: str, duration: float | None = None) -> MediaStored:
    return MediaStored(part_id=part_id, content_hash="h", path="p", size_bytes=1000,
                       duration_s=duration, **_base())


def fetch_failed(part_id: str) -> MediaFetchFailed:
    return MediaFetchFailed(part_id=part_id, reason="timeout", **_base())


def press(action: Action, step: str = "", interview_id: str = IID) -> ButtonPressed:
    payload = ButtonPayload(action=action, interview_id=interview_id, step=step).pack()
    return ButtonPressed(payload=payload, **_base())


def raw_press(payload: str) -> ButtonPressed:
    return ButtonPressed(payload=payload, **_base())


def command(name: str) -> CommandReceived:
    return CommandReceived(name=name, **_base())


def timer(kind: TimerKind, key: str = "", interview_id: str = IID) -> TimerFired:
    return TimerFired(kind=kind, interview_id=interview_id, due_at=T0, timer_key=key, **_base())


def transcript(part_id: str = f"{IID}-1") -> TranscriptReady:
    return TranscriptReady(interview_id=IID, part_id=part_id, ok=True, **_base())


def sticker() -> UnsupportedReceived:
    return UnsupportedReceived(description="sticker", **_base())


def sent(decision: Decision) -> list[Message]:
    return [e.message for e in decision.effects if isinstance(e, Send)]


def text_ids(decision: Decision) -> list[str]:
    return [m.text_id for m in sent(decision)]


def render_all(decision: Decision) -> list[RenderedMessage]:
    return [CATALOG.render(m) for m in sent(decision)]


def of_type(decision: Decision, kind: type[Any]) -> list[Any]:
    return [e for e in decision.effects if isinstance(e, kind)]


class Script:
    """Drives one interview through `decide` the way a candidate would."""

    def __init__(self, kit: Kit = KIT, state: InterviewState | None = None) -> None:
        self.kit = kit
        self.state: InterviewState | None = state or make_state(Phase.INVITED, candidate=None,
                                                                opened_at=None, deadline_at=None)
        self.now = T0
        self.last = Decision(state=self.state)
        self.log: list[Effect] = []

    def feed(self, event: Event) -> Decision:
        self.last = decide(self.state, event, self.now, self.kit)
        render_all(self.last)
        self.state = self.last.state
        self.log.extend(self.last.effects)
        return self.last

    def later(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    @property
    def st(self) -> InterviewState:
        assert self.state is not None
        return self.state

    def press(self, action: Action) -> Decision:
        """Press the newest button with this action among the messages sent so far."""
        for effect in reversed(self.log):
            if not isinstance(effect, Send):
                continue
            for b in effect.message.buttons:
                if ButtonPayload.unpack(b.payload).action is action:
                    return self.feed(raw_press(b.payload))
        if any(isinstance(e, Send) for e in self.log):
            raise AssertionError(f"no {action} button was sent")
        # a script that starts mid-interview: press as if on the current step's message
        return self.feed(press(action, f"{self.st.question_index}.{self.st.attempt_no}"))

    def store_all(self) -> Decision:
        pending = [p.part_id for p in self.st.parts if not p.stored]
        assert pending, "nothing to store"
        for part_id in pending:
            self.feed(stored(part_id))
        return self.last

    def expect(self, *ids: str) -> None:
        assert text_ids(self.last) == list(ids), text_ids(self.last)
