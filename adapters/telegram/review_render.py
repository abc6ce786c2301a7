"""The reviewer side in a Telegram group, rendered (pure, unit-tested): the submission post,
the score keyboards, the aggregate, the erased note and the private answers.

Plain text, no parse mode: answers and transcripts are people's words, never markup, and
the 4096-character limit is then simply `len`.

Scoring is a compact 1-4 keyboard per rubric dimension, one keyboard message per question
(rows `[Clarity] [1] [2] [3] [4]`), rather than one message per question and dimension: a
3-question kit on the default rubric would otherwise post 12 messages per candidate into a
group that Telegram allows about 20 bot messages a minute, and reviewers would scroll past
a wall of keyboards. A keyboard is the same for everyone in the group, so it never shows
anybody's choice: each press is confirmed privately (answerCallbackQuery) with the presser's
own progress, and the post shows progress only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.review_callbacks import Press, ReviewPress
from config.kit import Question, RubricDimension
from conversations.formatting import human_duration, utc_stamp
from conversations.review_views import (
    DECISION_DONE,
    DECISION_LABELS,
    AggregateView,
    AnswerView,
    DecisionForm,
    DecisionView,
    ErasedView,
    PartView,
    ScoreForm,
    SubmissionView,
    flag_summary,
    part_heading,
)
from conversations.reviewing import DECISIONS
from conversations.scoring import MAX_SCORE, MIN_SCORE, Progress, Stat

MAX_TEXT = 4096
MAX_ANSWER = 200  # answerCallbackQuery text
FOOTER_BUDGET = 600  # room kept in the last part for progress, decision and id
MAX_PARTS = 8  # a post longer than this is clipped (see CLIPPED)
CLIPPED = "… (clipped: the full answers are in: interview-bot show {iid})"
ERASED_PART = "🗑 Erased."
SCORE_LABEL = "My scores"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def progress_text(p: Progress) -> str:
    """Progress only, never values: "1 of 2 reviewers done"."""
    return f"{min(p.done, p.required)} of {p.required} reviewers done" + (
        " · aggregate in the replies" if p.complete else "")


def decision_line(decision: DecisionView) -> str:
    reason = f" — “{clip(decision.reason, 300)}”" if decision.reason else ""
    done = DECISION_DONE.get(decision.decision, decision.decision)
    return f"✅ {done} by {decision.decided_by} on {utc_stamp(decision.decided_at)}{reason}"


# ------------------------------------------------------------------ the submission post


def _part(part: PartView, index: int, count: int) -> str:
    label = f"[{part_heading(part, index, count)}]"
    if part.kind == "text":
        return f"{label}\n{part.text or ''}"
    if part.text is not None:
        return f"{label}\n“{part.text.strip() or '(no speech detected)'}”"
    if part.failure:
        return f"{label}\n⚠️ No transcript: {part.failure}"
    return f"{label}\n⏳ Transcript pending"


def _answer(answer: AnswerView) -> str:
    notes = []
    if any(p.duration_s is not None for p in answer.parts):
        notes.append(human_duration(sum(p.duration_s or 0 for p in answer.parts)))
    if answer.late:
        notes.append("late")
    if answer.retakes_used:
        notes.append(f"{answer.retakes_used} retake(s)")
    suffix = f"  ({', '.join(notes)})" if notes else ""
    header = f"Q{answer.number}. {answer.question.text}{suffix}"
    if not answer.parts:
        return f"{header}\nNo answer."
    count = len(answer.parts)
    return "\n".join([header, *(_part(p, i, count) for i, p in enumerate(answer.parts, 1))])


def _facts(sub: SubmissionView) -> str:
    taken = human_duration(sub.time_taken_s) if sub.time_taken_s is not None else "—"
    return (f"📋 Submission: {sub.candidate}\n{sub.campaign} · Platform: {sub.platform} · "
            f"Time taken: {taken} · Submitted: {utc_stamp(sub.submitted_at) or '—'}\n"
            f"Flags: {flag_summary(sub)}"
            + (f"\nWeb board (players, transcripts): {sub.board_url}" if sub.board_url else ""))


def footer(sub: SubmissionView, progress: Progress, decision: DecisionView | None) -> str:
    # The id lets a recruiter erase this submission on request (`/erase <id>`).
    tail = (decision_line(decision) if decision is not None else
            "Score with the keyboards below: only you see your own scores.")
    return clip(f"👥 {progress_text(progress)} · Interview {sub.interview_id}\n{tail}",
                FOOTER_BUDGET)


def post_parts(
    sub: SubmissionView, progress: Progress, decision: DecisionView | None = None
) -> list[str]:
    """The post's text messages. The body is split the same way on every render (the footer
    has its own budget), so an update edits only the last part."""
    blocks = [_facts(sub), *(_answer(a) for a in sub.answers)]
    parts = split(blocks, MAX_TEXT - FOOTER_BUDGET - 2)
    if len(parts) > MAX_PARTS:
        note = CLIPPED.format(iid=sub.interview_id)
        parts = [*parts[:MAX_PARTS - 1], clip(parts[MAX_PARTS - 1], MAX_TEXT - FOOTER_BUDGET
                                              - len(note) - 3) + "\n" + note]
    parts[-1] = f"{parts[-1]}\n\n{footer(sub, progress, decision)}"
    return parts


def split(blocks: Iterable[str], limit: int) -> list[str]:
    """Blocks joined by blank lines into texts of at most `limit` characters; a block too
    long on its own is cut at line breaks, then at spaces."""
    parts: list[str] = []
    current = ""
    for block in blocks:
        for piece in _pieces(block, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                parts.append(current)
                current = piece
    return [*parts, current] if current else parts or ["…"]


def _pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text else pieces


def button(label: str, press: ReviewPress) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=press.pack())


def post_buttons(iid: str, decision: DecisionView | None) -> InlineKeyboardMarkup | None:
    if decision is not None:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [button(SCORE_LABEL, ReviewPress(Press.MY_SHEET, iid))],
        [button(DECISION_LABELS[d], ReviewPress(Press.DECIDE, iid, decision=d))
         for d in DECISIONS],
    ])


# ------------------------------------------------------------------ score keyboards


def keyboard_text(number: int, question: Question, rubric: Sequence[RubricDimension]) -> str:
    anchors = "\n".join(
        clip(f"{d.name}: " + " · ".join(f"{v} {d.anchors[v]}" for v in sorted(
            d.anchors, reverse=True)), 400) for d in rubric)
    return clip(f"✏️ Score Q{number}: {clip(question.text, 500)}\n{anchors}\n"
                "Only you see what you press.", MAX_TEXT)


def score_keyboard(
    iid: str, number: int, rubric: Sequence[RubricDimension]
) -> InlineKeyboardMarkup:
    """One row per dimension: its name (shows your own sheet), then 1-4."""
    rows = [
        [button(clip(d.name, 24), ReviewPress(Press.MY_SHEET, iid)),
         *(button(str(v), ReviewPress(Press.SCORE, iid, question=number, dimension=n, value=v))
           for v in range(MIN_SCORE, MAX_SCORE + 1))]
        for n, d in enumerate(rubric, start=1)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def closed_keyboard_text(number: int, question: Question) -> str:
    return f"Q{number}: {clip(question.text, 500)}\nScoring closed: a decision was made."


# ------------------------------------------------------------------ aggregate, erased


def _stat(s: Stat) -> str:
    spread = f"{s.low}" if s.low == s.high else f"{s.low}–{s.high}"
    return f"{s.mean:.2f} (range {spread})"


def aggregate_text(view: AggregateView) -> str:
    agg, rubric = view.aggregate, view.rubric
    names = {d.id: d.name for d in rubric}
    numbers = {q.id: n for n, q in enumerate(view.questions, start=1)}
    lines = [f"📊 Aggregate of {agg.reviewers} reviewers · overall {_stat(agg.overall)}",
             "", "Per dimension"]
    lines += [f"• {names[d]}: {_stat(s)}" for d, s in agg.per_dimension.items()]
    for q in view.questions:
        lines += ["", f"Q{numbers[q.id]} · mean {_stat(agg.per_question[q.id])}"]
        lines += [f"• {d.name}: {_stat(agg.cells[(q.id, d.id)])}"
                  + (" ⚠️ calibrate" if agg.cells[(q.id, d.id)].needs_calibration else "")
                  for d in rubric]
    if agg.calibration:
        flagged = ", ".join(f"Q{numbers[q]} {names[d]}" for q, d in agg.calibration)
        lines += ["", f"⚠️ Calibration needed (reviewers differ by 2 or more): {flagged}"]
    comments = [f"{who}: {text}" for who, text in view.comments.items() if text]
    if comments:
        lines += ["", "Comments", *comments]
    return clip("\n".join(lines), MAX_TEXT)


def erased_text(note: ErasedView) -> str:
    """No answers, no candidate name, no buttons; the decision (if any) stays on record."""
    because = (f"at the end of the kit's {note.retention_days}-day retention period"
               if note.why == "retention" else "on request")
    text = (f"🗑 Submission erased\nThe answers, transcripts and media of this submission to "
            f"{note.campaign} were erased on {utc_stamp(note.erased_at)}, {because}. "
            "Scores and the decision stay on record.")
    return text + (f"\n{decision_line(note.decision)}" if note.decision else "")


# ------------------------------------------------------------------ private answers


def sheet_summary(form: ScoreForm) -> str:
    """The presser's own sheet, for an alert only they see (at most 200 characters):
    one group per question, the dimensions in the keyboards' row order."""
    rows = [f"Q{n} " + " ".join(str(form.own.get((q.id, d.id), "–")) for d in form.rubric)
            for n, q in enumerate(form.questions, start=1)]
    total = len(form.questions) * len(form.rubric)
    done = sum(1 for q in form.questions for d in form.rubric if (q.id, d.id) in form.own)
    text = ("Your scores (only you see them):\n" + " · ".join(rows)
            + f"\n{done} of {total} scored.")
    return clip(text, MAX_ANSWER)


def confirm_text(form: DecisionForm, asked_by: str) -> str:
    label = DECISION_LABELS.get(form.decision, form.decision)
    return (f"{label} {form.candidate}? {asked_by}, confirm or cancel. The candidate is told "
            f"at once (interview {form.interview_id}).")


def confirm_buttons(form: DecisionForm, user_id: str) -> InlineKeyboardMarkup:
    iid, label = form.interview_id, DECISION_LABELS.get(form.decision, form.decision)
    return InlineKeyboardMarkup(inline_keyboard=[[
        button(f"Yes, {label.lower()}",
               ReviewPress(Press.CONFIRM, iid, decision=form.decision, user_id=user_id)),
        button("Cancel", ReviewPress(Press.CANCEL, iid, user_id=user_id)),
    ]])
