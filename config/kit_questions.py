"""The questions of a kit and its optional practice question.

`RETAKES_RANGE` is re-exported by `config.kit_loader`.
"""

from __future__ import annotations

import difflib

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from config.kit import (
    ANSWER_SECONDS_RANGE,
    MAX_QUESTIONS,
    PRACTICE_ID,
    PREP_SECONDS_RANGE,
    AnswerFormat,
    Question,
)
from config.kit_yaml import FieldReader, item_pos, key_pos, node_pos, type_name, value_pos

__all__ = ["PRACTICE_KEYS", "QUESTION_KEYS", "RETAKES_RANGE", "QuestionFields"]

RETAKES_RANGE = (0, 5)

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

_FORMATS = tuple(f.value for f in AnswerFormat)


class QuestionFields(FieldReader):
    """Readers for the questions and practice sections of a kit."""

    def questions(self, doc: CommentedMap) -> tuple[Question, ...] | None:
        if not self.require(doc, "questions", "the kit"):
            return None
        seq = doc["questions"]
        pos = value_pos(doc, "questions")
        if not isinstance(seq, CommentedSeq):
            self.add(pos, f"questions must be a list of questions, got {type_name(seq)}")
            return None
        if not seq:
            self.add(pos, f"questions must list 1 to {MAX_QUESTIONS} questions, got none")
            return None
        if len(seq) > MAX_QUESTIONS:
            self.add(
                item_pos(seq, MAX_QUESTIONS),
                f"too many questions: {len(seq)}; a kit has at most {MAX_QUESTIONS}",
            )
        result: list[Question] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(seq):
            where = f"question {i + 1}"
            if not isinstance(item, CommentedMap):
                self.add(item_pos(seq, i), f"{where} must be a mapping, got {type_name(item)}")
                continue
            self.unknown_keys(item, QUESTION_KEYS, where)
            qid = self.question_id(item, where, i + 1, seen)
            question = self.question_body(item, where, qid)
            if question is not None:
                result.append(question)
        return tuple(result)

    def question_id(
        self, item: CommentedMap, where: str, number: int, seen: dict[str, int]
    ) -> str | None:
        """The id of question `number`, recorded in `seen`; None when missing or unusable."""
        qid = self.identifier(item, where)
        if qid is None:
            return None
        id_pos = value_pos(item, "id")
        if qid == PRACTICE_ID:
            self.add(
                id_pos,
                f'question id "{PRACTICE_ID}" is reserved; use the practice: section '
                f"for a practice question",
            )
            return None
        if qid in seen:
            self.add(
                id_pos,
                f'duplicate question id "{qid}" (first used by question {seen[qid]})',
            )
            return None
        seen[qid] = number
        return qid

    def practice(self, doc: CommentedMap) -> Question | None:
        if "practice" not in doc or doc["practice"] is None:
            return None
        m = doc["practice"]
        if not isinstance(m, CommentedMap):
            self.add(
                value_pos(doc, "practice"),
                f"practice must be a mapping (text, prep_seconds, ...), got {type_name(m)}",
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
        read = {
            "prep_seconds": prep,
            "answer_seconds": answer,
            "retakes": retakes,
            "formats": formats,
            "min_words": min_words,
            "max_words": max_words,
        }
        bad = any(k in m and v is None for k, v in read.items())
        if not self.word_limits_ok(m, where, min_words, max_words, formats):
            bad = True
        if bad or qid is None or text is None:
            return None
        self.places[qid] = value_pos(m, "formats") if "formats" in m else node_pos(m)
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

    def word_limits_ok(
        self,
        m: CommentedMap,
        where: str,
        min_words: int | None,
        max_words: int | None,
        formats: tuple[AnswerFormat, ...] | None,
    ) -> bool:
        """Check min_words/max_words against each other and the formats; report each clash."""
        ok = True
        if min_words is not None and max_words is not None and min_words > max_words:
            self.add(
                value_pos(m, "min_words"),
                f"min_words ({min_words}) in {where} is more than max_words ({max_words})",
            )
            ok = False
        words_set = min_words is not None or max_words is not None
        if words_set and formats is not None and AnswerFormat.TEXT not in formats:
            key = "min_words" if min_words is not None else "max_words"
            self.add(
                key_pos(m, key),
                f"{key} in {where} applies to text answers, but text is not in formats",
            )
            ok = False
        return ok

    def formats(self, m: CommentedMap, where: str) -> tuple[AnswerFormat, ...] | None:
        if "formats" not in m:
            return None
        seq = m["formats"]
        allowed = ", ".join(_FORMATS)
        if not isinstance(seq, CommentedSeq) or not seq:
            self.add(
                value_pos(m, "formats"),
                f"formats in {where} must be a non-empty list of {allowed}; got {type_name(seq)}",
            )
            return None
        result: list[AnswerFormat] = []
        ok = True
        for i, item in enumerate(seq):
            pos = item_pos(seq, i)
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
