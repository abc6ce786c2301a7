"""Load a campaign kit from YAML into a validated `config.kit.Kit`.

Every problem in a file is collected and reported at once, each with the 1-based line and
column it refers to, so `interview-bot kit validate` can print `FILE:LINE:COL: message` lines.
The round-trip loader of ruamel.yaml keeps the position of every key, value and list item.

The work is split across modules: `config/kit_yaml.py` (positions, problem collection,
generic field readers), `config/kit_schedule.py` (deadline, reminders, quiet hours, late
answers), `config/kit_sections.py` (closing texts, rubric) and `config/kit_questions.py`
(questions, practice question). This module assembles the `Kit` and is the public API.
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from config.kit import DEFAULT_RUBRIC, Kit
from config.kit_questions import RETAKES_RANGE, QuestionFields
from config.kit_schedule import DEADLINE_HOURS_RANGE, ScheduleFields, parse_duration
from config.kit_sections import CLOSING_KEYS, DEFAULT_CLOSING, SectionFields
from config.kit_yaml import KitInvalid, KitProblem, value_pos

__all__ = [
    "CLOSING_KEYS",
    "DEADLINE_HOURS_RANGE",
    "DEFAULT_CLOSING",
    "RETAKES_RANGE",
    "KitInvalid",
    "KitProblem",
    "load_kit",
    "parse_duration",
    "parse_kit",
]

TOP_KEYS = (
    "title",
    "role",
    "language",
    "intro",
    "consent",
    "closing",
    "deadline_hours",
    "deadline",
    "reminders",
    "quiet_hours",
    "late_answers",
    "reviewers_required",
    "retention_days",
    "review_channel",
    "rubric",
    "practice",
    "questions",
)

_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def load_kit(path: Path) -> Kit:
    """Read and validate the kit at `path`; raises `KitInvalid` listing every problem."""
    return load_kit_with_places(path)[0]


def load_kit_with_places(path: Path) -> tuple[Kit, dict[str, tuple[int, int]]]:
    """`load_kit`, and where each question's formats are in the file (1-based line and
    column; the question itself when it names none), keyed by question id (`practice` for
    the practice question): for warnings placed like errors (`kit validate`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KitInvalid(
            [KitProblem(str(path), 1, 1, f"cannot read the kit file: {exc.strerror or exc}")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise _not_text(path) from exc
    if "\x00" in text:
        raise _not_text(path)
    parser = _Parser(str(path))
    kit = parser.parse(text)
    return kit, {qid: (line + 1, col + 1) for qid, (line, col) in parser.places.items()}


def _not_text(path: Path) -> KitInvalid:
    return KitInvalid([KitProblem(
        str(path), 1, 1,
        "this is not a text file; a kit is plain text (YAML, saved as UTF-8)",
    )])


def parse_kit(text: str, filename: str) -> Kit:
    """Validate kit YAML `text` (reported as `filename`); raises `KitInvalid`."""
    return _Parser(filename).parse(text)


# --------------------------------------------------------------------------------------------
# internals


class _Parser(ScheduleFields, SectionFields, QuestionFields):
    def parse(self, text: str) -> Kit:
        doc = self.load_document(text)
        kit = self.kit(doc)
        if self.problems or kit is None:
            self.problems.sort(key=lambda p: (p.line, p.col))
            raise KitInvalid(self.problems)
        return kit

    def kit(self, doc: CommentedMap) -> Kit | None:
        where = "the kit"
        self.unknown_keys(doc, TOP_KEYS, where)
        title = self.text(doc, "title", where, required=True)
        role = self.text(doc, "role", where)
        intro = self.text(doc, "intro", where)
        consent = self.text(doc, "consent", where)
        language = self.language(doc)
        closing = self.closing(doc)
        t = self.schedule(doc, where)
        reviewers = self.integer(doc, "reviewers_required", where, 1)
        retention = self.integer(doc, "retention_days", where, 1)
        review_channel = self.review_channel(doc)
        rubric = self.rubric(doc)
        practice = self.practice(doc)
        questions = self.questions(doc)

        if self.problems or title is None or questions is None or not t.quiet_ok:
            return None
        d = Kit(title=title, questions=questions)
        return Kit(
            title=title,
            questions=questions,
            role=role if role is not None else d.role,
            language=language if language is not None else d.language,
            intro=intro if intro is not None else d.intro,
            consent=consent if consent is not None else d.consent,
            closing=closing,
            deadline_hours=t.deadline_hours if t.deadline_hours is not None else d.deadline_hours,
            reminders_seconds=(
                t.reminders_seconds if t.reminders_seconds is not None else d.reminders_seconds
            ),
            quiet_hours=t.quiet_hours if "quiet_hours" in doc else d.quiet_hours,
            late_answers=t.late_answers if t.late_answers is not None else d.late_answers,
            reviewers_required=reviewers if reviewers is not None else d.reviewers_required,
            retention_days=retention if retention is not None else d.retention_days,
            review_channel=review_channel,
            rubric=rubric if rubric is not None else DEFAULT_RUBRIC,
            practice=practice,
        )

    def language(self, doc: CommentedMap) -> str | None:
        value = self.text(doc, "language", "the kit")
        if value is None:
            return None
        if value != "auto" and not _LANGUAGE_RE.match(value):
            self.add(
                value_pos(doc, "language"),
                f'language must be a short language code such as en, de or pt-BR, or "auto"; '
                f'got "{value}"',
            )
            return None
        return value

    def review_channel(self, doc: CommentedMap) -> str | None:
        if "review_channel" not in doc or doc["review_channel"] is None:
            return None
        value = self.text(doc, "review_channel", "the kit")
        if value is not None and not value.strip():
            self.add(value_pos(doc, "review_channel"), "review_channel must not be empty")
            return None
        return value.strip() if value is not None else None
