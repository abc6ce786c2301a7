"""What a transition handler sees (`Ctx`) and small helpers to build its `Decision`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from config.kit import Kit, Question
from conversations.buttons import Action, ButtonPayload
from conversations.effects import Effect, Send
from conversations.events import ConversationRef, Event
from conversations.messages import Button, Message, ParamValue
from conversations.state import Decision, InterviewState

PRACTICE_INDEX = -1


@dataclass(frozen=True, slots=True)
class Ctx:
    state: InterviewState
    event: Event
    now: datetime
    kit: Kit
    payload: ButtonPayload | None = None  # set for ButtonPressed

    @property
    def to(self) -> ConversationRef:
        return self.state.candidate or self.event.conversation

    @property
    def interview_id(self) -> str:
        return self.state.interview_id

    @property
    def total(self) -> int:
        return len(self.kit.questions)


Handler = Callable[[Ctx], Decision]


def question_of(state: InterviewState, kit: Kit) -> Question:
    """The question the interview is on (the practice question at index -1), with the
    candidate's accommodation (extra time, retakes) applied."""
    if state.question_index == PRACTICE_INDEX and kit.practice is not None:
        question = kit.practice
    else:
        question = kit.questions[min(max(state.question_index, 0), len(kit.questions) - 1)]
    extra = state.accommodation
    if extra is None:
        return question
    return replace(question, prep_seconds=question.prep_seconds + extra.extra_prep_s,
                   answer_seconds=question.answer_seconds + extra.extra_answer_s,
                   retakes=question.retakes + extra.extra_retakes)


def is_practice(state: InterviewState) -> bool:
    return state.question_index == PRACTICE_INDEX


def step_of(state: InterviewState) -> str:
    """Identifies a question attempt in button payloads and timer keys: "2.1"."""
    return f"{state.question_index}.{state.attempt_no}"


def button(
    ctx: Ctx, label_id: str, action: Action, *, step: str = "", **label_params: ParamValue
) -> Button:
    payload = ButtonPayload(action=action, interview_id=ctx.interview_id, step=step).pack()
    return Button(label_id=label_id, payload=payload, label_params=tuple(label_params.items()))


def sends(ctx: Ctx, messages: Iterable[Message]) -> tuple[Effect, ...]:
    return tuple(Send(to=ctx.to, message=m) for m in messages)


def say(ctx: Ctx, *messages: Message) -> Decision:
    """Answer without changing anything: state unchanged, only Send effects."""
    return Decision(state=ctx.state, effects=sends(ctx, messages))


def unchanged(ctx: Ctx) -> Decision:
    """Nothing to do and nothing to say (stale timers, transcripts)."""
    return Decision(state=ctx.state)


def then(first: Iterable[Effect], decision: Decision) -> Decision:
    """Prefix `decision`'s effects with `first`."""
    return Decision(state=decision.state, effects=(*first, *decision.effects))


def require_state(decision: Decision) -> InterviewState:
    if decision.state is None:
        raise ValueError("decision without a state")
    return decision.state
