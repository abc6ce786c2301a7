"""Structured sections of a kit: the closing texts and the rubric.

Questions and the practice question are read in `config/kit_questions.py`.
`CLOSING_KEYS` and `DEFAULT_CLOSING` are re-exported by `config.kit_loader`.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from config.kit import RubricDimension
from config.kit_yaml import FieldReader, is_int, item_pos, key_pos, type_name, value_pos

__all__ = ["ANCHOR_SCORES", "CLOSING_KEYS", "DEFAULT_CLOSING", "RUBRIC_KEYS", "SectionFields"]

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

RUBRIC_KEYS = ("id", "name", "anchors")


class SectionFields(FieldReader):
    """Readers for the closing and rubric sections of a kit."""

    # ---- closing -------------------------------------------------------------------------

    def closing(self, doc: CommentedMap) -> dict[str, str]:
        texts = dict(DEFAULT_CLOSING)
        if "closing" not in doc:
            return texts
        m = doc["closing"]
        if not isinstance(m, CommentedMap):
            self.add(
                value_pos(doc, "closing"),
                f"closing must be a mapping with advance, reject and hold texts, "
                f"got {type_name(m)}",
            )
            return texts
        self.unknown_keys(m, CLOSING_KEYS, "closing")
        for key in CLOSING_KEYS:
            value = self.text(m, key, "closing")
            if value is not None:
                if value.strip():
                    texts[key] = value
                else:
                    self.add(value_pos(m, key), f"{key} in closing must not be empty")
        return texts

    # ---- rubric --------------------------------------------------------------------------

    def rubric(self, doc: CommentedMap) -> tuple[RubricDimension, ...] | None:
        if "rubric" not in doc:
            return None
        seq = doc["rubric"]
        if not isinstance(seq, CommentedSeq) or not seq:
            self.add(
                value_pos(doc, "rubric"),
                f"rubric must be a non-empty list of dimensions (id, name, anchors), "
                f"got {type_name(seq) if seq is not None else 'nothing'}",
            )
            return None
        dims: list[RubricDimension] = []
        seen: set[str] = set()
        for i, item in enumerate(seq):
            where = f"rubric item {i + 1}"
            if not isinstance(item, CommentedMap):
                self.add(item_pos(seq, i), f"{where} must be a mapping, got {type_name(item)}")
                continue
            self.unknown_keys(item, RUBRIC_KEYS, where)
            dim_id = self.identifier(item, where)
            name = self.text(item, "name", where, required=True)
            anchors = self.anchors(item, where)
            if dim_id is not None:
                if dim_id in seen:
                    self.add(value_pos(item, "id"), f'rubric id "{dim_id}" is used twice')
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
                value_pos(item, "anchors"),
                f"anchors in {where} must map scores 1-4 to descriptions, got {type_name(m)}",
            )
            return None
        result: dict[int, str] = {}
        ok = True
        for key, value in m.items():
            score = int(key) if is_int(key) else None
            if score is None and isinstance(key, str) and key.strip().isdigit():
                score = int(key)
            if score not in ANCHOR_SCORES:
                self.add(key_pos(m, key), f"anchor score must be 1, 2, 3 or 4, got {key!r}")
                ok = False
                continue
            if not isinstance(value, str) or not value.strip():
                self.add(value_pos(m, key), f"anchor {score} in {where} needs a description")
                ok = False
                continue
            result[score] = str(value)
        missing = [s for s in ANCHOR_SCORES if s not in result]
        if ok and missing:
            self.add(
                value_pos(item, "anchors"),
                f"anchors in {where} must describe every score 1-4; missing "
                + ", ".join(str(s) for s in missing),
            )
            ok = False
        return dict(sorted(result.items(), reverse=True)) if ok else None
