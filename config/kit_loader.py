"""Load a campaign kit from YAML into a validated `config.kit.Kit`.

Every problem in a file is collected and reported at once, each with the 1-based line and
column it refers to, so `interview-bot kit validate` can print `FILE:LINE:COL: message` lines.
The round-trip loader of ruamel.yaml keeps the position of every key, value and list item.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from config.kit import (
    ANSWER_SECONDS_RANGE,
    DEFAULT_RUBRIC,
    MAX_QUESTIONS,
    PRACTICE_ID,
    PREP_SECONDS_RANGE,
    AnswerFormat,
    Kit,
    LatePolicy,
    Question,
    QuietHours,
    RubricDimension,
)

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

DEADLINE_HOURS_RANGE = (1, 720)
RETAKES_RANGE = (0, 5)
ANCHOR_SCORES = (1, 2, 3, 4)

CLOSING_KEYS = ("advance", "reject", "hold")
DEFAULT_CLOSING: dict[str, str] = {
    "advance": (
        "Good news: the team would like to move forward with your application. "
        "We will be in touch shortly about the next step."
    ),
    "reject": (
        "Thank you for the time and care you put into your answers. After reviewing them, "
        "the team has decided not to move forward this time. We wish you all the best."
    ),
    "hold": (
        "Thank you for your answers. The team needs a little more time to decide, "
        "and we will get back to you as soon as we can."
    ),
}

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
QUESTION_KEYS = (
    "id",
    "text",
    "prep_seconds",
    "answer_seconds",
    "formats",
    "retakes",
    "min_words",
    "max_words",
)
PRACTICE_KEYS = tuple(k for k in QUESTION_KEYS if k != "id")
RUBRIC_KEYS = ("id", "name", "anchors")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DURATION_RE = re.compile(r"^(?:\d+[smhd])+$")
_DURATION_PART_RE = re.compile(r"(\d+)([smhd])")
_QUIET_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_FORMATS = tuple(f.value for f in AnswerFormat)


@dataclass(frozen=True, slots=True)
class KitProblem:
    """One problem in a kit file; line and col are 1-based."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class KitInvalid(Exception):
    """A kit file has one or more problems; `problems` lists all of them in file order."""

    def __init__(self, problems: list[KitProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def parse_duration(text: str) -> int | None:
    """`"24h"`, `"90m"`, `"1h30m"`, `"2d"`, `"45s"` -> seconds; None when malformed."""
    compact = text.strip().replace(" ", "")
    if not _DURATION_RE.match(compact):
        return None
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART_RE.findall(compact))


def load_kit(path: Path) -> Kit:
    """Read and validate the kit at `path`; raises `KitInvalid` listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KitInvalid(
            [KitProblem(str(path), 1, 1, f"cannot read the kit file: {exc}")]
        ) from exc
    return parse_kit(text, str(path))


def parse_kit(text: str, filename: str) -> Kit:
    """Validate kit YAML `text` (reported as `filename`); raises `KitInvalid`."""
    return _Parser(filename).parse(text)


# --------------------------------------------------------------------------------------------
# internals

Pos = tuple[int, int]  # 0-based (line, col) as ruamel records them


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, CommentedMap):
        return "a mapping"
    if isinstance(value, CommentedSeq):
        return "a list"
    return type(value).__name__


def _node_pos(node: Any) -> Pos:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return (0, 0)
    return (int(lc.line), int(lc.col))


def _key_pos(mapping: CommentedMap, key: Any) -> Pos:
    line, col = mapping.lc.key(key)
    return (int(line), int(col))


def _value_pos(mapping: CommentedMap, key: Any) -> Pos:
    if mapping.get(key) is None:  # an empty value has no position of its own: use the key's
        return _key_pos(mapping, key)
    line, col = mapping.lc.value(key)
    return (int(line), int(col))


def _item_pos(seq: CommentedSeq, index: int) -> Pos:
    line, col = seq.lc.item(index)
    return (int(line), int(col))


class _Parser:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[KitProblem] = []

    def add(self, pos: Pos, message: str) -> None:
        self.problems.append(KitProblem(self.filename, pos[0] + 1, pos[1] + 1, message))

    # ---- entry point ---------------------------------------------------------------------

    def parse(self, text: str) -> Kit:
        yaml = YAML(typ="rt")
        try:
            doc = yaml.load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = (mark.line, mark.column) if mark is not None else (0, 0)
            message = str(exc.problem or "invalid YAML").strip()
            ctx = exc.context_mark
            if exc.context and ctx is not None and exc.problem_mark is not None:
                where = f"line {ctx.line + 1}, column {ctx.column + 1}"
                message += f" ({str(exc.context).strip()} at {where})"
            self.add(pos, f"YAML syntax error: {message}")
            raise KitInvalid(self.problems) from exc
        except YAMLError as exc:
            self.add((0, 0), f"YAML syntax error: {exc}")
            raise KitInvalid(self.problems) from exc

        if doc is None:
            self.add((0, 0), "the kit is empty; it needs at least a title and questions")
            raise KitInvalid(self.problems)
        if not isinstance(doc, CommentedMap):
            self.add(_node_pos(doc), f"the kit must be a mapping of keys, got {_type_name(doc)}")
            raise KitInvalid(self.problems)

        kit = self.kit(doc)
        if self.problems or kit is None:
            self.problems.sort(key=lambda p: (p.line, p.col))
            raise KitInvalid(self.problems)
        return kit

    # ---- generic field helpers -----------------------------------------------------------

    def unknown_keys(self, m: CommentedMap, allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in m:
            if isinstance(key, str) and key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            suffix = f'; did you mean "{hint[0]}"?' if hint else f"; allowed: {', '.join(allowed)}"
            self.add(_key_pos(m, key), f'unknown key "{key}" in {where}{suffix}')

    def require(self, m: CommentedMap, key: str, where: str) -> bool:
        if key in m:
            return True
        self.add(_node_pos(m), f'{where} is missing the required key "{key}"')
        return False

    def text(self, m: CommentedMap, key: str, where: str, *, required: bool = False) -> str | None:
        if key not in m:
            if required:
                self.require(m, key, where)
            return None
        value = m[key]
        if not isinstance(value, str):
            self.add(_value_pos(m, key), f"{key} in {where} must be text, got {_type_name(value)}")
            return None
        if required and not value.strip():
            self.add(_value_pos(m, key), f"{key} in {where} must not be empty")
            return None
        return str(value)

    def integer(
        self,
        m: CommentedMap,
        key: str,
        where: str,
        lo: int | None = None,
        hi: int | None = None,
        unit: str = "",
    ) -> int | None:
        if key not in m:
            return None
        value = m[key]
        pos = _value_pos(m, key)
        if not _is_int(value):
            self.add(pos, f"{key} in {where} must be a whole number, got {_type_name(value)}")
            return None
        number = int(value)
        if lo is not None and hi is not None and not lo <= number <= hi:
            self.add(pos, f"{key} in {where} must be between {lo} and {hi}{unit}, got {number}")
            return None
        if lo is not None and number < lo:
            self.add(pos, f"{key} in {where} must be at least {lo}{unit}, got {number}")
            return None
        return number

    # ---- the kit -------------------------------------------------------------------------

    def kit(self, doc: CommentedMap) -> Kit | None:
        where = "the kit"
        self.unknown_keys(doc, TOP_KEYS, where)
        title = self.text(doc, "title", where, required=True)
        role = self.text(doc, "role", where)
        intro = self.text(doc, "intro", where)
        consent = self.text(doc, "consent", where)
        language = self.language(doc)
        closing = self.closing(doc)
        deadline = self.deadline(doc, where)
        deadline_ok = deadline is not None or not {"deadline", "deadline_hours"} & set(doc)
        reminders = self.reminders(doc, deadline if deadline is not None else 72, deadline_ok)
        quiet, quiet_ok = self.quiet_hours(doc)
        late = self.late_answers(doc)
        reviewers = self.integer(doc, "reviewers_required", where, 1)
        retention = self.integer(doc, "retention_days", where, 1)
        review_channel = self.review_channel(doc)
        rubric = self.rubric(doc)
        practice = self.practice(doc)
        questions = self.questions(doc)

        if self.problems or title is None or questions is None or not quiet_ok:
            return None
        defaults = Kit(title=title, questions=questions)
        return Kit(
            title=title,
            questions=questions,
            role=role if role is not None else defaults.role,
            language=language if language is not None else defaults.language,
            intro=intro if intro is not None else defaults.intro,
            consent=consent if consent is not None else defaults.consent,
            closing=closing,
            deadline_hours=deadline if deadline is not None else defaults.deadline_hours,
            reminders_seconds=reminders if reminders is not None else defaults.reminders_seconds,
            quiet_hours=quiet if "quiet_hours" in doc else defaults.quiet_hours,
            late_answers=late if late is not None else defaults.late_answers,
            reviewers_required=reviewers if reviewers is not None else defaults.reviewers_required,
            retention_days=retention if retention is not None else defaults.retention_days,
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
                _value_pos(doc, "language"),
                f'language must be a short language code such as en, de or pt-BR, or "auto"; '
                f'got "{value}"',
            )
            return None
        return value

    def closing(self, doc: CommentedMap) -> dict[str, str]:
        texts = dict(DEFAULT_CLOSING)
        if "closing" not in doc:
            return texts
        m = doc["closing"]
        if not isinstance(m, CommentedMap):
            self.add(
                _value_pos(doc, "closing"),
                f"closing must be a mapping with advance, reject and hold texts, "
                f"got {_type_name(m)}",
            )
            return texts
        self.unknown_keys(m, CLOSING_KEYS, "closing")
        for key in CLOSING_KEYS:
            value = self.text(m, key, "closing")
            if value is not None:
                if value.strip():
                    texts[key] = value
                else:
                    self.add(_value_pos(m, key), f"{key} in closing must not be empty")
        return texts

    def deadline(self, doc: CommentedMap, where: str) -> float | None:
        """`deadline_hours: 72`, or `deadline: 90m` (a duration) for short windows."""
        hours = self.integer(doc, "deadline_hours", where, *DEADLINE_HOURS_RANGE, " hours")
        if "deadline" not in doc:
            return hours
        if "deadline_hours" in doc:
            self.add(_key_pos(doc, "deadline"), "give either deadline or deadline_hours, not both")
            return None
        value = doc["deadline"]
        seconds = parse_duration(value) if isinstance(value, str) else None
        lo, hi = 60, DEADLINE_HOURS_RANGE[1] * 3600
        if seconds is None or not lo <= seconds <= hi:
            self.add(
                _value_pos(doc, "deadline"),
                f'deadline "{value}" must be a duration between 1m and '
                f"{DEADLINE_HOURS_RANGE[1]}h, such as 48h or 90m",
            )
            return None
        return seconds / 3600

    def reminders(
        self, doc: CommentedMap, deadline_hours: float, deadline_ok: bool
    ) -> tuple[int, ...] | None:
        if "reminders" not in doc:
            return None
        seq = doc["reminders"]
        if seq is None:
            return ()
        if not isinstance(seq, CommentedSeq):
            self.add(
                _value_pos(doc, "reminders"),
                f"reminders must be a list of durations such as [24h, 2h], got {_type_name(seq)}",
            )
            return None
        result: list[int] = []
        ok = True
        for i, item in enumerate(seq):
            pos = _item_pos(seq, i)
            seconds = parse_duration(item) if isinstance(item, str) else None
            if seconds is None:
                hint = " (add a unit, e.g. 24h)" if _is_int(item) else ""
                self.add(
                    pos,
                    f'reminder "{item}" is not a duration; use a number with a unit '
                    f"s, m, h or d, such as 24h or 90m{hint}",
                )
                ok = False
            elif seconds <= 0:
                self.add(pos, f'reminder "{item}" must be longer than zero')
                ok = False
            elif deadline_ok and seconds >= deadline_hours * 3600:
                self.add(
                    pos,
                    f'reminder "{item}" must be shorter than the deadline '
                    f"({deadline_hours:g}h); reminders are sent before the deadline",
                )
                ok = False
            elif seconds in result:
                self.add(pos, f'reminder "{item}" is listed twice')
                ok = False
            else:
                result.append(seconds)
        return tuple(sorted(result, reverse=True)) if ok else None

    def quiet_hours(self, doc: CommentedMap) -> tuple[QuietHours | None, bool]:
        if "quiet_hours" not in doc or doc["quiet_hours"] is None:
            return None, True
        value = doc["quiet_hours"]
        pos = _value_pos(doc, "quiet_hours")
        match = _QUIET_RE.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            self.add(pos, f'quiet_hours must look like "22:00-08:00" (HH:MM-HH:MM), got {value!r}')
            return None, False
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            self.add(pos, f'quiet_hours has an impossible time in "{value}"; use 00:00 to 23:59')
            return None, False
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            self.add(pos, f'quiet_hours "{value}" starts and ends at the same time')
            return None, False
        return QuietHours(start, end), True

    def late_answers(self, doc: CommentedMap) -> LatePolicy | None:
        if "late_answers" not in doc:
            return None
        value = doc["late_answers"]
        allowed = [p.value for p in LatePolicy]
        if not isinstance(value, str) or value not in allowed:
            self.add(
                _value_pos(doc, "late_answers"),
                f"late_answers must be accept or reject, got {value!r}",
            )
            return None
        return LatePolicy(value)

    def review_channel(self, doc: CommentedMap) -> str | None:
        if "review_channel" not in doc or doc["review_channel"] is None:
            return None
        value = self.text(doc, "review_channel", "the kit")
        if value is not None and not value.strip():
            self.add(_value_pos(doc, "review_channel"), "review_channel must not be empty")
            return None
        return value.strip() if value is not None else None

    # ---- rubric --------------------------------------------------------------------------

    def rubric(self, doc: CommentedMap) -> tuple[RubricDimension, ...] | None:
        if "rubric" not in doc:
            return None
        seq = doc["rubric"]
        if not isinstance(seq, CommentedSeq) or not seq:
            self.add(
                _value_pos(doc, "rubric"),
                f"rubric must be a non-empty list of dimensions (id, name, anchors), "
                f"got {_type_name(seq) if seq is not None else 'nothing'}",
            )
            return None
        dims: list[RubricDimension] = []
        seen: set[str] = set()
        for i, item in enumerate(seq):
            where = f"rubric item {i + 1}"
            if not isinstance(item, CommentedMap):
                self.add(_item_pos(seq, i), f"{where} must be a mapping, got {_type_name(item)}")
                continue
            self.unknown_keys(item, RUBRIC_KEYS, where)
            dim_id = self.identifier(item, where)
            name = self.text(item, "name", where, required=True)
            anchors = self.anchors(item, where)
            if dim_id is not None:
                if dim_id in seen:
                    self.add(_value_pos(item, "id"), f'rubric id "{dim_id}" is used twice')
                seen.add(dim_id)
            if dim_id is not None and name is not None and anchors is not None:
                dims.append(RubricDimension(dim_id, name, anchors))
        return tuple(dims)

    def anchors(self, item: CommentedMap, where: str) -> dict[int, str] | None:
        if not self.require(item, "anchors", where):
            return None
        m = item["anchors"]
        if not isinstance(m, CommentedMap):
            self.add(
                _value_pos(item, "anchors"),
                f"anchors in {where} must map scores 1-4 to descriptions, got {_type_name(m)}",
            )
            return None
        result: dict[int, str] = {}
        ok = True
        for key, value in m.items():
            score = int(key) if _is_int(key) else None
            if score is None and isinstance(key, str) and key.strip().isdigit():
                score = int(key)
            if score not in ANCHOR_SCORES:
                self.add(_key_pos(m, key), f"anchor score must be 1, 2, 3 or 4, got {key!r}")
                ok = False
                continue
            if not isinstance(value, str) or not value.strip():
                self.add(_value_pos(m, key), f"anchor {score} in {where} needs a description")
                ok = False
                continue
            result[score] = str(value)
        missing = [s for s in ANCHOR_SCORES if s not in result]
        if ok and missing:
            self.add(
                _value_pos(item, "anchors"),
                f"anchors in {where} must describe every score 1-4; missing "
                + ", ".join(str(s) for s in missing),
            )
            ok = False
        return dict(sorted(result.items(), reverse=True)) if ok else None

    # ---- questions -----------------------------------------------------------------------

    def identifier(self, m: CommentedMap, where: str) -> str | None:
        if not self.require(m, "id", where):
            return None
        value = m["id"]
        pos = _value_pos(m, "id")
        if not isinstance(value, str):
            self.add(
                pos, f'id in {where} must be text, got {_type_name(value)}; quote it: "{value}"'
            )
            return None
        if not _ID_RE.match(value):
            self.add(
                pos,
                f'id "{value}" in {where} must be 1-32 letters, digits, "-" or "_"',
            )
            return None
        return str(value)

    def questions(self, doc: CommentedMap) -> tuple[Question, ...] | None:
        if not self.require(doc, "questions", "the kit"):
            return None
        seq = doc["questions"]
        pos = _value_pos(doc, "questions")
        if not isinstance(seq, CommentedSeq):
            self.add(pos, f"questions must be a list of questions, got {_type_name(seq)}")
            return None
        if not seq:
            self.add(pos, f"questions must list 1 to {MAX_QUESTIONS} questions, got none")
            return None
        if len(seq) > MAX_QUESTIONS:
            self.add(
                _item_pos(seq, MAX_QUESTIONS),
                f"too many questions: {len(seq)}; a kit has at most {MAX_QUESTIONS}",
            )
        result: list[Question] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(seq):
            where = f"question {i + 1}"
            if not isinstance(item, CommentedMap):
                self.add(_item_pos(seq, i), f"{where} must be a mapping, got {_type_name(item)}")
                continue
            self.unknown_keys(item, QUESTION_KEYS, where)
            qid = self.identifier(item, where)
            if qid is not None:
                id_pos = _value_pos(item, "id")
                if qid == PRACTICE_ID:
                    self.add(
                        id_pos,
                        f'question id "{PRACTICE_ID}" is reserved; use the practice: section '
                        f"for a practice question",
                    )
                    qid = None
                elif qid in seen:
                    self.add(
                        id_pos,
                        f'duplicate question id "{qid}" (first used by question {seen[qid]})',
                    )
                    qid = None
                else:
                    seen[qid] = i + 1
            question = self.question_body(item, where, qid)
            if question is not None:
                result.append(question)
        return tuple(result)

    def practice(self, doc: CommentedMap) -> Question | None:
        if "practice" not in doc or doc["practice"] is None:
            return None
        m = doc["practice"]
        if not isinstance(m, CommentedMap):
            self.add(
                _value_pos(doc, "practice"),
                f"practice must be a mapping (text, prep_seconds, ...), got {_type_name(m)}",
            )
            return None
        self.unknown_keys(m, PRACTICE_KEYS, "practice")
        return self.question_body(m, "practice", PRACTICE_ID)

    def question_body(self, m: CommentedMap, where: str, qid: str | None) -> Question | None:
        text = self.text(m, "text", where, required=True)
        prep = self.integer(m, "prep_seconds", where, *PREP_SECONDS_RANGE, " seconds")
        answer = self.integer(m, "answer_seconds", where, *ANSWER_SECONDS_RANGE, " seconds")
        retakes = self.integer(m, "retakes", where, *RETAKES_RANGE)
        formats = self.formats(m, where)
        min_words = self.integer(m, "min_words", where, 0, unit=" words")
        max_words = self.integer(m, "max_words", where, 1, unit=" words")
        bad = any(
            k in m and v is None
            for k, v in (
                ("prep_seconds", prep),
                ("answer_seconds", answer),
                ("retakes", retakes),
                ("formats", formats),
                ("min_words", min_words),
                ("max_words", max_words),
            )
        )
        if min_words is not None and max_words is not None and min_words > max_words:
            self.add(
                _value_pos(m, "min_words"),
                f"min_words ({min_words}) in {where} is more than max_words ({max_words})",
            )
            bad = True
        words_set = min_words is not None or max_words is not None
        if words_set and formats is not None and AnswerFormat.TEXT not in formats:
            key = "min_words" if min_words is not None else "max_words"
            self.add(
                _key_pos(m, key),
                f"{key} in {where} applies to text answers, but text is not in formats",
            )
            bad = True
        if bad or qid is None or text is None:
            return None
        base = Question(qid, text)
        return Question(
            id=qid,
            text=text,
            prep_seconds=prep if prep is not None else base.prep_seconds,
            answer_seconds=answer if answer is not None else base.answer_seconds,
            formats=formats if formats is not None else base.formats,
            retakes=retakes if retakes is not None else base.retakes,
            min_words=min_words,
            max_words=max_words,
        )

    def formats(self, m: CommentedMap, where: str) -> tuple[AnswerFormat, ...] | None:
        if "formats" not in m:
            return None
        seq = m["formats"]
        allowed = ", ".join(_FORMATS)
        if not isinstance(seq, CommentedSeq) or not seq:
            self.add(
                _value_pos(m, "formats"),
                f"formats in {where} must be a non-empty list of {allowed}; got {_type_name(seq)}",
            )
            return None
        result: list[AnswerFormat] = []
        ok = True
        for i, item in enumerate(seq):
            pos = _item_pos(seq, i)
            if not isinstance(item, str) or item not in _FORMATS:
                hint = difflib.get_close_matches(str(item), _FORMATS, n=1, cutoff=0.6)
                did = f'did you mean "{hint[0]}"? ' if hint else ""
                self.add(pos, f'unknown format "{item}" in {where}; {did}allowed: {allowed}')
                ok = False
            elif AnswerFormat(item) in result:
                self.add(pos, f'format "{item}" is listed twice in {where}')
                ok = False
            else:
                result.append(AnswerFormat(item))
        return tuple(result) if ok else None
