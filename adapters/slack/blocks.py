"""Pure Block Kit rendering for the reviewer side (no I/O; unit-tested).

Inputs are the neutral view values of `conversations/review_views.py`; outputs are the JSON
dicts Slack takes (`{"text", "blocks"}` for messages; modals live in `modals.py`). Slack limits
honoured here: 50 blocks per message, 3000 characters per section text, 75 per plain-text
option / button label, action ids unique within a block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from config.kit import Question, RubricDimension
from conversations.events import Platform
from conversations.formatting import human_duration, utc_stamp
from conversations.review_views import (
    DECISION_DONE,
    DECISION_LABELS,
    AnswerView,
    DecisionView,
    PartView,
    SubmissionView,
    flag_summary,
    part_heading,
)
from conversations.reviewing import DECISIONS
from conversations.scoring import Aggregate, Progress, Stat

Block = dict[str, Any]

SCORE_OPEN = "score_open"
DECIDE_PREFIX = "decide_"
SECTION_MAX = 3000
LABEL_MAX = 75
DECISION_STYLES = {"advance": "primary", "reject": "danger"}


# ------------------------------------------------------------------ small pieces


def escape(text: str) -> str:
    """Slack mrkdwn control characters (people's text is never markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention(actor: str) -> str:
    platform, _, user = actor.partition(":")
    return f"<@{user}>" if platform == Platform.SLACK and user else escape(actor)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_MAX)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_MAX)}]}


def plain(text: str, limit: int = LABEL_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    b: Block = {"type": "button", "text": plain(label), "action_id": action_id, "value": value}
    if style:
        b["style"] = style
    return b


def progress_text(p: Progress) -> str:
    """Progress only, never values: "1 of 2 reviewers done"."""
    return f"{min(p.done, p.required)} of {p.required} reviewers done" + (
        " · aggregate in thread" if p.complete else ""
    )


# ------------------------------------------------------------------ the submission post


def part_line(part: PartView, index: int, count: int) -> str:
    label = f"_{part_heading(part, index, count)}_"
    if part.kind == "text":
        return f"{label}\n{escape(part.text or '')}"
    if part.text is not None:
        return f"{label}\n> {escape(part.text.strip()) or '(no speech detected)'}"
    if part.failure:
        return f"{label}\n:warning: No transcript: {escape(part.failure)}"
    return f"{label}\n:hourglass: Transcript pending"


def answer_blocks(answer: AnswerView) -> list[Block]:
    q = answer.question
    notes = []
    if answer.late:
        notes.append("late")
    if answer.retakes_used:
        notes.append(f"{answer.retakes_used} retake(s)")
    total = sum(p.duration_s or 0 for p in answer.parts)
    if any(p.duration_s is not None for p in answer.parts):
        notes.insert(0, human_duration(total))
    suffix = f"  ({', '.join(notes)})" if notes else ""
    header = section(f"*Q{answer.number}. {escape(q.text)}*{suffix}")
    if not answer.parts:
        return [header, context("_No answer._")]
    body = "\n".join(
        part_line(p, i, len(answer.parts)) for i, p in enumerate(answer.parts, start=1)
    )
    return [header, section(body)]


def submission_message(
    sub: SubmissionView, progress: Progress, decision: DecisionView | None = None
) -> dict[str, Any]:
    """The one message in the review channel: facts, answers, progress, buttons."""
    taken = human_duration(sub.time_taken_s) if sub.time_taken_s is not None else "—"
    facts = (
        f"*{escape(sub.candidate)}* · {escape(sub.campaign)}\n"
        f"Platform: {escape(sub.platform)} · Time taken: {taken} · "
        f"Submitted: {utc_stamp(sub.submitted_at) or '—'}\n"
        f"Flags: {flag_summary(sub)}"
    )
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"Submission: {sub.candidate}", 150)},
        section(facts),
        {"type": "divider"},
    ]
    for answer in sub.answers:
        blocks.extend(answer_blocks(answer))
    blocks.append({"type": "divider"})
    # The id lets a recruiter erase this submission on request (`/interview erase <id>`).
    board = f" · <{sub.board_url}|Open on the web board>" if sub.board_url else ""
    blocks.append(context(f":busts_in_silhouette: {progress_text(progress)} · "
                          f"Interview `{sub.interview_id}`{board}"))
    blocks.append(_action_block(sub.interview_id, decision))
    if len(blocks) > 50:  # ten questions fit; trim answers rather than fail the post
        blocks = [*blocks[:47], context("_More answers: see the thread._"), *blocks[-2:]]
    text = f"Submission from {sub.candidate} ({sub.campaign}): {progress_text(progress)}"
    return {"text": text, "blocks": blocks}


def _action_block(interview_id: str, decision: DecisionView | None) -> Block:
    if decision is not None:
        reason = f" — “{escape(decision.reason)}”" if decision.reason else ""
        return context(
            f"*{DECISION_DONE.get(decision.decision, decision.decision)}* by "
            f"{mention(decision.decided_by)} on {utc_stamp(decision.decided_at)}{reason}"
        )
    elements = [button("Score", SCORE_OPEN, interview_id)]
    elements += [
        button(DECISION_LABELS[d], DECIDE_PREFIX + d, interview_id, DECISION_STYLES.get(d))
        for d in DECISIONS
    ]
    return {"type": "actions", "block_id": "review_actions", "elements": elements}


def erased_message(
    campaign: str, why: str, retention_days: int, erased_at: datetime,
    decision: DecisionView | None,
) -> dict[str, Any]:
    """What the post becomes when its answers are erased: no answers, no candidate name, no
    buttons; the decision (if any) stays on record."""
    because = (f"at the end of the kit's {retention_days}-day retention period"
               if why == "retention" else "on request")
    body = (f"The answers, transcripts and media of this submission to *{escape(campaign)}* "
            f"were erased on {utc_stamp(erased_at)}, {because}. "
            "Scores and the decision stay on record.")
    blocks: list[Block] = [{"type": "header", "text": plain("Submission erased", 150)},
                           section(body)]
    if decision is not None:
        blocks.append(_action_block("", decision))
    return {"text": f"Submission to {campaign} erased {because}",
            "blocks": blocks}


# ------------------------------------------------------------------ aggregate (thread)


def _stat(s: Stat) -> str:
    spread = f"{s.low}" if s.low == s.high else f"{s.low}–{s.high}"
    return f"{s.mean:.2f} (range {spread})"


def aggregate_message(
    questions: Sequence[Question],
    rubric: Sequence[RubricDimension],
    agg: Aggregate,
    comments: Mapping[str, str],
) -> dict[str, Any]:
    names = {d.id: d.name for d in rubric}
    numbers = {q.id: n for n, q in enumerate(questions, start=1)}
    blocks: list[Block] = [
        section(f"*Aggregate of {agg.reviewers} reviewers* · overall {_stat(agg.overall)}"),
        section("*Per dimension*\n" + "\n".join(
            f"• {escape(names[d])}: {_stat(s)}" for d, s in agg.per_dimension.items())),
    ]
    for q in questions:
        cells = "\n".join(
            f"• {escape(d.name)}: {_stat(agg.cells[(q.id, d.id)])}"
            + (" :warning: calibrate" if agg.cells[(q.id, d.id)].needs_calibration else "")
            for d in rubric
        )
        blocks.append(section(
            f"*Q{numbers[q.id]}* · mean {_stat(agg.per_question[q.id])}\n{cells}"))
    flagged = agg.calibration
    if flagged:
        lines = ", ".join(f"Q{numbers[q]} {names[d]}" for q, d in flagged)
        blocks.append(section(
            f":warning: *Calibration needed* (reviewers differ by 2 or more): {lines}"))
    if comments:
        blocks.append(section("*Comments*\n" + "\n".join(
            f"{mention(r)}: {escape(c)}" for r, c in comments.items() if c)))
    text = f"Aggregate of {agg.reviewers} reviewers: overall {agg.overall.mean:.2f}" + (
        f"; calibration needed on {len(flagged)} item(s)" if flagged else "")
    return {"text": text, "blocks": blocks[:50]}
