"""Messages for each step of the candidate flow (pure builders, no state changes).

Every text id used here exists in `locales/en/LC_MESSAGES/messages.po` (a unit test checks).
"""

from __future__ import annotations

from config.kit import AnswerFormat, Question
from conversations.buttons import Action
from conversations.context import Ctx, button, is_practice, question_of, step_of
from conversations.formatting import human_duration, time_left, utc_stamp
from conversations.messages import Button, Message, ParamValue, msg
from conversations.state import InterviewState, Phase


def formats_param(question: Question) -> str:
    return ",".join(f.value for f in question.formats)


def deadline_msg(
    ctx: Ctx, st: InterviewState, text_id: str, buttons: tuple[Button, ...] = (),
    **params: ParamValue,
) -> Message:
    """A message with `{deadline}` and `{time_left}` (until the deadline) filled in."""
    values: dict[str, ParamValue] = {
        "deadline": utc_stamp(st.deadline_at), "time_left": time_left(st.deadline_at, ctx.now),
        **params,
    }
    return Message(text_id=text_id, params=tuple(sorted(values.items())), buttons=buttons)


def consent_messages(ctx: Ctx) -> list[Message]:
    kit = ctx.kit
    buttons = (
        button(ctx, "button.consent_yes", Action.CONSENT_YES),
        button(ctx, "button.consent_no", Action.CONSENT_NO),
    )
    # The kit's own consent wording replaces the default one rather than repeating it.
    if kit.consent:
        ask = msg("consent.ask_kit", buttons=buttons, verbatim=kit.consent)
    else:
        ask = msg("consent.ask", buttons=buttons, title=kit.title,
                  retention_days=kit.retention_days)
    if not kit.intro:
        return [ask]
    return [msg("intro.show", verbatim=kit.intro), ask]


def instructions_message(ctx: Ctx, st: InterviewState) -> Message:
    questions = ctx.kit.questions
    all_formats = tuple(dict.fromkeys(f for q in questions for f in q.formats))
    prep = max(q.prep_seconds for q in questions)
    return deadline_msg(
        ctx, st, "instructions.show" if prep > 0 else "instructions.show_no_prep",
        buttons=(button(ctx, "button.begin", Action.BEGIN),),
        count=len(questions),
        prep=human_duration(prep),
        answer=human_duration(max(q.answer_seconds for q in questions)),
        retakes=max(q.retakes for q in questions),
        formats=",".join(f.value for f in all_formats),
        retention_days=ctx.kit.retention_days,
    )


def question_message(ctx: Ctx, st: InterviewState) -> Message:
    q = question_of(st, ctx.kit)
    step = step_of(st)
    ready = button(ctx, "button.ready", Action.READY, step=step)
    # Without thinking time the answer window opens at "I'm ready": "0 s to think" is not said.
    prep = q.prep_seconds > 0
    if is_practice(st):
        skip = button(ctx, "button.skip_practice", Action.SKIP_PRACTICE, step=step)
        return msg("practice.show" if prep else "practice.show_no_prep", buttons=(ready, skip),
                   verbatim=q.text, prep=human_duration(q.prep_seconds),
                   answer=human_duration(q.answer_seconds))
    return msg("question.show" if prep else "question.show_no_prep", buttons=(ready,),
               verbatim=q.text,
               number=st.question_index + 1, total=ctx.total,
               prep=human_duration(q.prep_seconds), answer=human_duration(q.answer_seconds),
               attempt=st.attempt_no + 1)


def prep_message(ctx: Ctx, st: InterviewState) -> Message:
    q = question_of(st, ctx.kit)
    start = button(ctx, "button.start_now", Action.START_NOW, step=step_of(st))
    return msg("prep.started", buttons=(start,), status_slot="countdown",
               prep=human_duration(q.prep_seconds),
               remaining=time_left(st.prep_ends_at, ctx.now))


def answer_open_message(ctx: Ctx, st: InterviewState) -> Message:
    q = question_of(st, ctx.kit)
    text_id = "answer.open_text" if q.formats == (AnswerFormat.TEXT,) else "answer.open"
    return msg(text_id, status_slot="countdown", formats=formats_param(q),
               answer=human_duration(q.answer_seconds),
               remaining=time_left(st.answer_ends_at, ctx.now))


def done_button(ctx: Ctx, st: InterviewState) -> Button:
    return button(ctx, "button.done", Action.DONE, step=step_of(st))


def retakes_left(ctx: Ctx, st: InterviewState) -> int:
    return max(0, question_of(st, ctx.kit).retakes - st.attempt_no)


def confirm_message(ctx: Ctx, st: InterviewState) -> Message:
    step = step_of(st)
    retake = button(ctx, "button.retake", Action.RETAKE, step=step)
    if not st.parts:
        keep = button(ctx, "button.move_on", Action.KEEP, step=step)
        return msg("confirm.empty", buttons=(retake, keep), retakes_left=retakes_left(ctx, st))
    keep = button(ctx, "button.keep", Action.KEEP, step=step)
    duration = sum(p.duration_s or 0.0 for p in st.parts)
    return msg("confirm.ask", buttons=(keep, retake), parts=len(st.parts),
               duration=human_duration(duration), retakes_left=retakes_left(ctx, st))


def pause_message(ctx: Ctx, st: InterviewState) -> Message:
    resume = button(ctx, "button.resume", Action.RESUME)
    return deadline_msg(ctx, st, "pause.done", buttons=(resume,))


def step_prompt(ctx: Ctx, st: InterviewState) -> Message:
    """The message that tells the candidate what to do now (sent again on resume)."""
    if st.phase is Phase.CONSENT:
        return consent_messages(ctx)[-1]
    if st.phase is Phase.INSTRUCTIONS:
        return instructions_message(ctx, st)
    if st.phase is Phase.PREPARING:
        return prep_message(ctx, st)
    if st.phase is Phase.ANSWERING:
        return answer_open_message(ctx, st)
    if st.phase is Phase.CONFIRMING:
        return confirm_message(ctx, st)
    return question_message(ctx, st)


_STATUS_TEXTS = {
    Phase.CONSENT: "status.consent",
    Phase.INSTRUCTIONS: "status.instructions",
    Phase.PRESENTED: "status.presented",
    Phase.PREPARING: "status.preparing",
    Phase.ANSWERING: "status.answering",
    Phase.CONFIRMING: "status.confirming",
}


def status_message(ctx: Ctx, st: InterviewState) -> Message:
    if st.is_final or st.phase is Phase.INVITED:
        return final_message(ctx, st)
    text_id = _STATUS_TEXTS[st.phase]
    if is_practice(st) and st.phase not in (Phase.CONSENT, Phase.INSTRUCTIONS):
        text_id = "status.practice"
    return deadline_msg(ctx, st, text_id, number=st.question_index + 1, total=ctx.total)


_FINAL_TEXTS = {
    Phase.SUBMITTED: "final.submitted",
    Phase.EXPIRED: "final.expired",
    Phase.WITHDRAWN: "final.withdrawn",
    Phase.DECLINED: "final.declined",
    Phase.ERASED: "final.erased",
    Phase.INVITED: "invite.open_link",
}


def final_message(ctx: Ctx, st: InterviewState) -> Message:
    return msg(_FINAL_TEXTS[st.phase], submitted_on=utc_stamp(st.submitted_at),
               deadline=utc_stamp(st.deadline_at))


_HINT_TEXTS = {
    Phase.CONSENT: "hint.consent",
    Phase.INSTRUCTIONS: "hint.instructions",
    Phase.PRESENTED: "hint.presented",
    Phase.PREPARING: "hint.preparing",
    Phase.ANSWERING: "hint.answering",
    Phase.CONFIRMING: "hint.confirming",
}


def hint_message(ctx: Ctx, st: InterviewState) -> Message:
    """Reply to a move that does not fit the current step: what to do instead, with buttons."""
    if st.is_final or st.phase is Phase.INVITED:
        return final_message(ctx, st)
    prompt = step_prompt(ctx, st)
    q = question_of(st, ctx.kit)
    buttons = prompt.buttons
    if st.phase is Phase.ANSWERING and st.parts:
        buttons = (done_button(ctx, st),)
    return msg(_HINT_TEXTS[st.phase], buttons=buttons, formats=formats_param(q),
               remaining_prep=time_left(st.prep_ends_at, ctx.now),
               remaining_answer=time_left(st.answer_ends_at, ctx.now))
