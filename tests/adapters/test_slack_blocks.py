"""Pure Block Kit rendering of the reviewer side."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from adapters.slack import blocks, modals
from config.kit import DEFAULT_RUBRIC, Question
from conversations.review_views import (
    AnswerView,
    DecisionView,
    PartView,
    SubmissionView,
    media_filename,
    media_title,
)
from conversations.scoring import Progress, aggregate, required_keys

Q1 = Question(id="q1", text="Tell us about <a> project & more")
Q2 = Question(id="q2", text="Why this role?")
AT = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def submission(**kw: object) -> SubmissionView:
    answers = (
        AnswerView(Q1, 1, (
            PartView("voice", 61, text="First part."),
            PartView("video_note", 30, failure="no speech detected"),
        ), late=True, retakes_used=1),
        AnswerView(Q2, 2, (PartView("text", text="Because *I* like it"),)),
    )
    base: dict[str, object] = dict(
        interview_id="iv1", candidate="Ada", campaign="Backend screen", platform="telegram",
        time_taken_s=1260, submitted_at=AT, flags=frozenset({"late"}), retakes_used=1,
        answers=answers,
    )
    base.update(kw)
    return SubmissionView(**base)  # type: ignore[arg-type]


def dumped(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def action_ids(message: dict[str, Any]) -> list[str]:
    return [el["action_id"] for b in message["blocks"]
            if b["type"] == "actions" for el in b["elements"]]


def test_submission_post_has_facts_answers_progress_and_buttons() -> None:
    message = blocks.submission_message(submission(), Progress(1, 2))
    text = dumped(message)
    assert message["text"] and len(message["blocks"]) <= 50
    for expected in ("Ada", "Backend screen", "telegram", "21 min", "late", "retakes used: 1",
                     "First part.", "No transcript: no speech detected", "part 2, video note",
                     "1 of 2 reviewers done", "Because *I* like it"):
        assert expected in text, expected
    assert "&lt;a&gt; project &amp; more" in text  # people's text is escaped, never markup
    assert action_ids(message) == ["score_open", "decide_advance", "decide_reject", "decide_hold"]
    assert "range" not in text  # progress only, never values


def test_no_answer_and_partial_flags() -> None:
    sub = submission(flags=frozenset({"partial"}), retakes_used=0,
                     answers=(AnswerView(Q1, 1), AnswerView(Q2, 2)))
    text = dumped(blocks.submission_message(sub, Progress(0, 2)))
    assert "Flags: partial" in text and "No answer" in text


def test_decided_post_shows_the_decision_and_no_buttons() -> None:
    decision = DecisionView("advance", "slack:U123", "Strong", AT)
    message = blocks.submission_message(submission(), Progress(2, 2), decision)
    text = dumped(message)
    assert "Advanced" in text and "<@U123>" in text and "Strong" in text
    assert action_ids(message) == []


def test_long_transcripts_fit_a_section() -> None:
    long = submission(answers=(AnswerView(Q1, 1, (PartView("voice", 60, text="x" * 5000),)),))
    for block in blocks.submission_message(long, Progress(0, 2))["blocks"]:
        assert len(block.get("text", {}).get("text", "")) <= 3000


def test_scoring_modal_prefills_only_own_scores() -> None:
    own = {("q1", "depth"): 2}
    view = modals.scoring_modal(
        "iv1", "Ada", [Q1, Q2], DEFAULT_RUBRIC, own, "ok", {"channel": "C1"}
    )
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(inputs) == 2 * len(DEFAULT_RUBRIC) + 1
    depth = next(b for b in inputs if b["block_id"] == "s|q1|depth")
    assert depth["element"]["initial_option"]["value"] == "2"
    assert [o["value"] for o in depth["element"]["options"]] == ["4", "3", "2", "1"]
    assert "Vague, generic" in dumped(depth)
    assert sum("initial_option" in b["element"] for b in inputs) == 1
    assert json.loads(view["private_metadata"]) == {"interview_id": "iv1", "channel": "C1"}
    assert len(view["title"]["text"]) <= 24


def test_parse_scores_round_trip() -> None:
    values = {
        "s|q1|depth": {"score": {"type": "static_select", "selected_option": {"value": "3"}}},
        "s|q2|clarity": {"score": {"type": "static_select", "selected_option": None}},
        "comment": {"comment": {"type": "plain_text_input", "value": "  solid  "}},
    }
    assert modals.parse_scores(values) == ({("q1", "depth"): 3}, "solid")


def test_aggregate_message_flags_calibration() -> None:
    keys = required_keys(["q1", "q2"], [d.id for d in DEFAULT_RUBRIC])
    a = dict.fromkeys(keys, 3) | {("q1", "depth"): 1}
    b = dict.fromkeys(keys, 4)
    agg = aggregate({"slack:U1": a, "slack:U2": b}, ["q1", "q2"],
                    [d.id for d in DEFAULT_RUBRIC], 2)
    assert agg is not None
    text = dumped(blocks.aggregate_message([Q1, Q2], DEFAULT_RUBRIC, agg, {"slack:U1": "hm"}))
    assert "Aggregate of 2 reviewers" in text and "Calibration needed" in text
    assert "Q1 Depth" in text and "2.50 (range 1–4)" in text and "<@U1>: hm" in text


def test_progress_text() -> None:
    assert blocks.progress_text(Progress(1, 2)) == "1 of 2 reviewers done"
    assert blocks.progress_text(Progress(3, 2)).startswith("2 of 2 reviewers done")


def test_decision_modal_and_media_names() -> None:
    view = modals.decision_modal("iv1", "reject", "Ada", {"channel": "C1"})
    assert view["callback_id"] == "decision" and view["submit"]["text"] == "Reject"
    assert modals.parse_reason({"reason": {"reason": {"value": " no "}}}) == "no"
    assert media_filename(2, 1, "video_note", None) == "q2-part1.mp4"
    assert media_filename(1, 3, "document", "application/pdf") == "q1-part3.pdf"
    assert media_title(1, 2, "voice", 65) == "Q1 · part 2 (voice, 1 min 5 s)"
