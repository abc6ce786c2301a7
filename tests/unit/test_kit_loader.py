"""Kit loader: example kits load; every problem kind is reported with its line and column.

tests/fixtures/kits/three-mistakes.yaml yields exactly these three problems (the CLI test of
`interview-bot kit validate` relies on them too):
    tests/fixtures/kits/three-mistakes.yaml:12:5: unknown key "prep_second" in question 1; ...
    tests/fixtures/kits/three-mistakes.yaml:18:21: answer_seconds in question 3 must be ...
    tests/fixtures/kits/three-mistakes.yaml:19:22: unknown format "audio" in question 3; ...
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config.kit import DEFAULT_RUBRIC, AnswerFormat, Kit, LatePolicy, QuietHours
from config.kit_loader import (
    DEFAULT_CLOSING,
    KitInvalid,
    KitProblem,
    load_kit,
    parse_duration,
    parse_kit,
)

ROOT = Path(__file__).resolve().parents[2]
KITS = ROOT / "config" / "kits"
BAD = ROOT / "tests" / "fixtures" / "kits"


def problems(path: Path) -> list[KitProblem]:
    with pytest.raises(KitInvalid) as info:
        load_kit(path)
    return info.value.problems


def test_engineering_screen_loads() -> None:
    kit = load_kit(KITS / "engineering-screen.yaml")
    assert isinstance(kit, Kit)
    assert len(kit.questions) == 4
    assert kit.practice is not None and kit.practice.is_practice
    formats = {f for q in kit.questions for f in q.formats}
    assert {AnswerFormat.VIDEO_NOTE, AnswerFormat.VOICE, AnswerFormat.VIDEO} <= formats
    written = [q for q in kit.questions if q.formats == (AnswerFormat.TEXT,)]
    assert len(written) == 1 and written[0].min_words and written[0].max_words
    assert kit.reminders_seconds == (24 * 3600, 2 * 3600)
    assert set(kit.closing) == {"advance", "reject", "hold"}
    assert "180 days" in kit.consent


def test_support_screen_loads() -> None:
    kit = load_kit(KITS / "support-screen.yaml")
    assert len(kit.questions) == 3
    assert kit.deadline_hours == 48
    assert kit.reminders_seconds == (24 * 3600, 2 * 3600)
    for q in kit.questions:
        assert {AnswerFormat.VOICE, AnswerFormat.VIDEO_NOTE, AnswerFormat.TEXT} <= set(q.formats)
    assert f"{kit.retention_days} days" in kit.consent


def test_defaults_fill_a_minimal_kit() -> None:
    kit = parse_kit("title: T\nquestions:\n  - id: q1\n    text: Why?\n", "min.yaml")
    q = kit.questions[0]
    assert (q.prep_seconds, q.answer_seconds, q.retakes) == (90, 120, 1)
    assert kit.rubric == DEFAULT_RUBRIC
    assert kit.reminders_seconds == (24 * 3600, 2 * 3600)
    assert kit.quiet_hours == QuietHours(22 * 60, 8 * 60)
    assert kit.late_answers is LatePolicy.ACCEPT
    assert kit.closing == DEFAULT_CLOSING
    assert kit.language == "en"
    assert kit.practice is None


def test_optional_values() -> None:
    kit = parse_kit(
        "title: T\nlanguage: auto\nquiet_hours: null\nreminders: [1h30m, 2d]\n"
        "late_answers: reject\nreview_channel: C0123\nclosing: {hold: Soon!}\n"
        "questions:\n  - id: q1\n    text: Why?\n",
        "opt.yaml",
    )
    assert kit.language == "auto"
    assert kit.quiet_hours is None
    assert kit.reminders_seconds == (2 * 86400, 5400)
    assert kit.late_answers is LatePolicy.REJECT
    assert kit.review_channel == "C0123"
    assert kit.closing["hold"] == "Soon!"
    assert kit.closing["advance"] == DEFAULT_CLOSING["advance"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("24h", 86400), ("90m", 5400), ("45s", 45), ("2d", 172800), ("1h30m", 5400), ("h", None),
     ("24", None), ("24x", None), ("-1h", None)],
)
def test_parse_duration(text: str, seconds: int | None) -> None:
    assert parse_duration(text) == seconds


def test_three_mistakes_three_problems() -> None:
    path = BAD / "three-mistakes.yaml"
    found = problems(path)
    assert [(p.line, p.col) for p in found] == [(12, 5), (18, 21), (19, 22)]
    assert str(found[0]) == (
        f'{path}:12:5: unknown key "prep_second" in question 1; did you mean "prep_seconds"?'
    )
    assert "5000" in found[1].message and "10" in found[1].message
    assert '"audio"' in found[2].message and "video_note" in found[2].message


# (fixture file, [(line, col, fragment of the message), ...]) — every problem, in file order
CASES: list[tuple[str, list[tuple[int, int, str]]]] = [
    ("unknown-top-key.yaml", [(2, 1, 'unknown key "deadline_hour" in the kit; did you mean '
                                      '"deadline_hours"?')]),
    ("unknown-question-key.yaml", [(5, 5, 'did you mean "prep_seconds"?')]),
    ("unknown-practice-key.yaml", [(4, 3, 'did you mean "answer_seconds"?')]),
    ("unknown-rubric-key.yaml", [(5, 5, 'unknown key "weight" in rubric item 1; allowed: id')]),
    ("unknown-closing-key.yaml", [(3, 3, 'did you mean "advance"?')]),
    ("missing-title.yaml", [(1, 1, 'missing the required key "title"')]),
    ("missing-questions.yaml", [(1, 1, 'missing the required key "questions"')]),
    ("missing-question-fields.yaml", [
        (3, 5, 'question 1 is missing the required key "id"'),
        (4, 5, 'question 2 is missing the required key "text"'),
    ]),
    ("missing-rubric-fields.yaml", [
        (3, 5, 'rubric item 1 is missing the required key "id"'),
        (5, 5, 'rubric item 2 is missing the required key "name"'),
        (7, 5, 'rubric item 3 is missing the required key "anchors"'),
    ]),
    ("wrong-types.yaml", [
        (2, 17, "deadline_hours in the kit must be a whole number, got text"),
        (3, 21, "must be a whole number, got a decimal number"),
        (5, 9, 'id in question 1 must be text, got a number; quote it: "7"'),
        (6, 11, "text in question 1 must be text"),
        (7, 14, "formats in question 1 must be a non-empty list"),
    ]),
    ("times-out-of-range.yaml", [
        (4, 17, "prep_seconds in practice must be between 0 and 600"),
        (8, 19, "prep_seconds in question 1 must be between 0 and 600 seconds, got 601"),
        (9, 21, "answer_seconds in question 1 must be between 10 and 1800 seconds, got 5"),
        (12, 21, "got 1801"),
    ]),
    ("unknown-format.yaml", [
        (5, 22, 'unknown format "audio" in question 1; allowed: video_note, voice, video, text, '
                "document"),
        (5, 29, 'unknown format "pdf"'),
    ]),
    ("duplicate-id.yaml", [(7, 9, 'duplicate question id "q1" (first used by question 1)')]),
    ("reserved-id.yaml", [(3, 9, 'question id "practice" is reserved')]),
    ("no-questions.yaml", [(2, 12, "questions must list 1 to 10 questions, got none")]),
    ("too-many-questions.yaml", [(23, 5, "too many questions: 11; a kit has at most 10")]),
    ("bad-reminders.yaml", [
        (3, 13, 'reminder "24x" is not a duration'),
        (3, 18, 'reminder "0h" must be longer than zero'),
        (3, 22, "add a unit"),
        (3, 26, 'reminder "80h" must be shorter than the deadline (72h)'),
        (3, 35, 'reminder "2h" is listed twice'),
    ]),
    ("bad-quiet-hours.yaml", [(2, 14, 'quiet_hours must look like "22:00-08:00"')]),
    ("impossible-quiet-hours.yaml", [(2, 14, "impossible time")]),
    ("bad-late-answers.yaml", [(2, 15, "late_answers must be accept or reject, got 'maybe'")]),
    ("min-over-max-words.yaml", [(6, 16, "min_words (300) in question 1 is more than max_words")]),
    ("bad-deadline.yaml", [(2, 17, "deadline_hours in the kit must be between 1 and 720")]),
    ("bad-counts.yaml", [
        (2, 21, "reviewers_required in the kit must be at least 1, got 0"),
        (3, 17, "retention_days in the kit must be at least 1, got 0"),
        (7, 14, "retakes in question 1 must be between 0 and 5, got 6"),
    ]),
    ("bad-anchors.yaml", [
        (7, 7, "anchor score must be 1, 2, 3 or 4, got 5"),
        (8, 10, "anchor 3 in rubric item 1 needs a description"),
        (11, 14, "must describe every score 1-4; missing 1, 2"),
    ]),
    ("bad-language.yaml", [(2, 11, "language must be a short language code")]),
    ("yaml-syntax.yaml", [(5, 12, "YAML syntax error: expected ',' or ']'")]),
    ("duplicate-key.yaml", [(5, 1, 'YAML syntax error: found duplicate key "title"')]),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_problem_kinds(name: str, expected: list[tuple[int, int, str]]) -> None:
    path = BAD / name
    found = problems(path)
    assert [(p.line, p.col) for p in found] == [(line, col) for line, col, _ in expected], found
    for problem, (line, col, fragment) in zip(found, expected, strict=True):
        assert fragment in problem.message
        assert str(problem) == f"{path}:{line}:{col}: {problem.message}"


def test_every_fixture_has_a_case() -> None:
    covered = {name for name, _ in CASES} | {"three-mistakes.yaml"}
    assert {p.name for p in BAD.glob("*.yaml")} == covered


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        ("", 1, 1, "the kit is empty"),
        ("- a\n- b\n", 1, 1, "the kit must be a mapping"),
        ("title: T\nquestions: [q1]\n", 2, 13, "question 1 must be a mapping"),
        ("title: T\nrubric: []\nquestions:\n  - {id: q1, text: Q}\n", 2, 9, "rubric must be"),
        ("title: T\nclosing: bye\nquestions:\n  - {id: q1, text: Q}\n", 2, 10, "closing must"),
        ("title: T\nquestions:\n  - {id: q1, text: Q, formats: [voice], min_words: 3}\n",
         3, 41, "applies to text answers"),
        ("title: T\nquestions:\n  - {id: q1, text: Q, formats: [text, text]}\n",
         3, 39, 'format "text" is listed twice'),
        ("title: T\nquestions:\n  - {id: 'q 1', text: Q}\n", 3, 10, "letters, digits"),
        ("title: ''\nquestions:\n  - {id: q1, text: Q}\n", 1, 8, "title in the kit must not"),
        ("title: T\nquestions:\n", 2, 1, "questions must be a list of questions, got nothing"),
    ],
)
def test_more_problems(text: str, line: int, col: int, fragment: str) -> None:
    with pytest.raises(KitInvalid) as info:
        parse_kit(text, "k.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (line, col), problem
    assert fragment in problem.message


def test_unreadable_file(tmp_path: Path) -> None:
    [problem] = problems(tmp_path / "nope.yaml")
    assert (problem.line, problem.col) == (1, 1)
    assert "cannot read" in problem.message


def test_kit_invalid_message_lists_every_problem() -> None:
    with pytest.raises(KitInvalid) as info:
        load_kit(BAD / "three-mistakes.yaml")
    assert str(info.value).count("\n") == 2
