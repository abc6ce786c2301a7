"""YAML plumbing for the kit loader: positions, problem collection and generic field readers.

ruamel.yaml's round-trip loader records the 0-based position of every key, value and list
item; the helpers here turn those into 1-based `KitProblem`s. `FieldReader` collects every
problem found in a file and offers the typed readers (text, whole numbers, ids) that the
section parsers in `config/kit_sections.py` and `config/kit_schedule.py` build on.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

__all__ = [
    "FieldReader",
    "KitInvalid",
    "KitProblem",
    "Pos",
    "is_int",
    "item_pos",
    "key_pos",
    "node_pos",
    "type_name",
    "value_pos",
]

Pos = tuple[int, int]  # 0-based (line, col) as ruamel records them

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


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


# --------------------------------------------------------------------------------------------
# values and positions


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def type_name(value: object) -> str:
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


def node_pos(node: Any) -> Pos:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return (0, 0)
    return (int(lc.line), int(lc.col))


def key_pos(mapping: CommentedMap, key: Any) -> Pos:
    line, col = mapping.lc.key(key)
    return (int(line), int(col))


def value_pos(mapping: CommentedMap, key: Any) -> Pos:
    if mapping.get(key) is None:  # an empty value has no position of its own: use the key's
        return key_pos(mapping, key)
    line, col = mapping.lc.value(key)
    return (int(line), int(col))


def item_pos(seq: CommentedSeq, index: int) -> Pos:
    line, col = seq.lc.item(index)
    return (int(line), int(col))


# --------------------------------------------------------------------------------------------
# problem collection


class FieldReader:
    """Collects the problems of one kit file and reads generic fields from its mappings."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[KitProblem] = []
        # Question id -> where its formats are (else the question itself), for warnings.
        self.places: dict[str, Pos] = {}

    def add(self, pos: Pos, message: str) -> None:
        self.problems.append(KitProblem(self.filename, pos[0] + 1, pos[1] + 1, message))

    def invalid(self) -> KitInvalid:
        return KitInvalid(self.problems)

    def load_document(self, text: str) -> CommentedMap:
        """Parse `text` as YAML; raises `KitInvalid` unless it is a (non-empty) mapping."""
        tabs = _indenting_tabs(text)
        if tabs:  # the parser would stop at the first; a recruiter wants every one
            for pos in tabs:
                self.add(pos, "a tab is used to indent this line; YAML needs spaces here "
                              "(replace the tab with spaces)")
            raise self.invalid()
        yaml = YAML(typ="rt")
        try:
            doc = yaml.load(text)
        except MarkedYAMLError as exc:
            self.add(*_syntax_problem(exc))
            raise self.invalid() from exc
        except YAMLError as exc:
            self.add((0, 0), f"YAML syntax error: {exc}")
            raise self.invalid() from exc

        if doc is None:
            self.add((0, 0), "the kit is empty; it needs at least a title and questions")
            raise self.invalid()
        if not isinstance(doc, CommentedMap):
            self.add(node_pos(doc), f"the kit must be a mapping of keys, got {type_name(doc)}")
            raise self.invalid()
        return doc

    # ---- generic field helpers -----------------------------------------------------------

    def unknown_keys(self, m: CommentedMap, allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in m:
            if isinstance(key, str) and key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            suffix = f'; did you mean "{hint[0]}"?' if hint else f"; allowed: {', '.join(allowed)}"
            self.add(key_pos(m, key), f'unknown key "{key}" in {where}{suffix}')

    def require(self, m: CommentedMap, key: str, where: str) -> bool:
        if key in m:
            return True
        self.add(node_pos(m), f'{where} is missing the required key "{key}"')
        return False

    def text(self, m: CommentedMap, key: str, where: str, *, required: bool = False) -> str | None:
        if key not in m:
            if required:
                self.require(m, key, where)
            return None
        value = m[key]
        if not isinstance(value, str):
            self.add(value_pos(m, key), f"{key} in {where} must be text, got {type_name(value)}")
            return None
        if required and not value.strip():
            self.add(value_pos(m, key), f"{key} in {where} must not be empty")
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
        pos = value_pos(m, key)
        if not is_int(value):
            self.add(pos, f"{key} in {where} must be a whole number, got {type_name(value)}")
            return None
        number = int(value)
        if lo is not None and hi is not None and not lo <= number <= hi:
            self.add(pos, f"{key} in {where} must be between {lo} and {hi}{unit}, got {number}")
            return None
        if lo is not None and number < lo:
            self.add(pos, f"{key} in {where} must be at least {lo}{unit}, got {number}")
            return None
        return number

    def identifier(self, m: CommentedMap, where: str) -> str | None:
        if not self.require(m, "id", where):
            return None
        value = m["id"]
        pos = value_pos(m, "id")
        if not isinstance(value, str):
            self.add(
                pos, f'id in {where} must be text, got {type_name(value)}; quote it: "{value}"'
            )
            return None
        if not _ID_RE.match(value):
            self.add(
                pos,
                f'id "{value}" in {where} must be 1-32 letters, digits, "-" or "_"',
            )
            return None
        return str(value)


# What ruamel.yaml says -> what a recruiter can act on (the parser's words follow).
_PLAIN_WORDS = (
    ("mapping values are not allowed here",
     'a value contains a colon followed by a space; put the whole value in quotes, e.g. '
     'text: "Why: because"'),
    ("could not find expected ':'",
     'this line is not "key: value" or a "- " list item; check for a missing colon or '
     'a wrong indentation on this line or the one before'),
    ("expected <block end>",
     "the indentation of this line does not match the lines around it"),
    ("found unexpected end of stream",
     "a quote or bracket opened above is never closed"),
    ("expected ',' or ']'",
     "expected ',' or ']': a [ list is not closed on its line, or an item in it needs "
     "quotes"),
    ("expected ',' or '}'",
     "expected ',' or '}': a { mapping is not closed on its line, or a value in it needs "
     "quotes"),
)
_CANNOT_START = re.compile(r"found character '(.+)' that cannot start any token")


def _syntax_problem(exc: MarkedYAMLError) -> tuple[Pos, str]:
    """Where a YAML syntax error is and what to say about it, in a recruiter's words."""
    mark = exc.problem_mark or exc.context_mark
    pos = (mark.line, mark.column) if mark is not None else (0, 0)
    problem = str(exc.problem or "invalid YAML").strip()
    plain = _plain_words(problem)
    ctx = exc.context_mark
    if plain is not None:
        if ctx is not None and mark is not None and ctx.line != mark.line:
            plain += f" (see also line {ctx.line + 1}, column {ctx.column + 1})"
        return pos, f"YAML syntax error: {plain}"
    message = problem
    if exc.context and ctx is not None and exc.problem_mark is not None:
        where = f"line {ctx.line + 1}, column {ctx.column + 1}"
        message += f" ({str(exc.context).strip()} at {where})"
    return pos, f"YAML syntax error: {message}"


def _plain_words(problem: str) -> str | None:
    bad_start = _CANNOT_START.search(problem)
    if bad_start:
        char = bad_start.group(1)
        if char == "\\t":
            return "a tab cannot be used here; use spaces"
        return f"a value cannot begin with {char}; put the whole value in quotes"
    return next((words for key, words in _PLAIN_WORDS if key in problem), None)


def _indenting_tabs(text: str) -> list[Pos]:
    """Every line indented with a tab (0-based position of its first tab)."""
    found = []
    for number, line in enumerate(text.splitlines()):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            found.append((number, indent.index("\t")))
    return found
