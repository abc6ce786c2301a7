"""Lossless, JSON-safe encoding of a `Kit` (storage keeps immutable kit versions this way).

`kit_from_dict(kit_to_dict(kit)) == kit`, also after a `json.dumps`/`json.loads` trip: the only
non-JSON detail, the integer anchor scores of the rubric, is written as string keys.
"""

from __future__ import annotations

from typing import Any

from config.kit import (
    AnswerFormat,
    Kit,
    LatePolicy,
    Question,
    QuietHours,
    RubricDimension,
)

__all__ = ["KIT_SCHEMA_VERSION", "kit_from_dict", "kit_to_dict"]

KIT_SCHEMA_VERSION = 1


def _question_to_dict(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "text": q.text,
        "prep_seconds": q.prep_seconds,
        "answer_seconds": q.answer_seconds,
        "formats": [f.value for f in q.formats],
        "retakes": q.retakes,
        "min_words": q.min_words,
        "max_words": q.max_words,
    }


def _question_from_dict(d: dict[str, Any]) -> Question:
    base = Question(str(d["id"]), str(d["text"]))
    formats = d.get("formats")
    return Question(
        id=base.id,
        text=base.text,
        prep_seconds=int(d.get("prep_seconds", base.prep_seconds)),
        answer_seconds=int(d.get("answer_seconds", base.answer_seconds)),
        formats=(tuple(AnswerFormat(f) for f in formats) if formats is not None else base.formats),
        retakes=int(d.get("retakes", base.retakes)),
        min_words=_opt_int(d.get("min_words")),
        max_words=_opt_int(d.get("max_words")),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def kit_to_dict(kit: Kit) -> dict[str, Any]:
    """A plain dict of JSON types (str, int, list, dict, None) describing `kit` completely."""
    quiet = kit.quiet_hours
    return {
        "schema": KIT_SCHEMA_VERSION,
        "title": kit.title,
        "role": kit.role,
        "language": kit.language,
        "intro": kit.intro,
        "consent": kit.consent,
        "closing": dict(kit.closing),
        "deadline_hours": kit.deadline_hours,
        "reminders_seconds": list(kit.reminders_seconds),
        "quiet_hours": (
            None
            if quiet is None
            else {"start_minute": quiet.start_minute, "end_minute": quiet.end_minute}
        ),
        "late_answers": kit.late_answers.value,
        "reviewers_required": kit.reviewers_required,
        "retention_days": kit.retention_days,
        "review_channel": kit.review_channel,
        "rubric": [
            {
                "id": dim.id,
                "name": dim.name,
                "anchors": {str(score): text for score, text in dim.anchors.items()},
            }
            for dim in kit.rubric
        ],
        "practice": None if kit.practice is None else _question_to_dict(kit.practice),
        "questions": [_question_to_dict(q) for q in kit.questions],
    }


def kit_from_dict(d: dict[str, Any]) -> Kit:
    """Inverse of `kit_to_dict`; absent optional fields take the `Kit` defaults.

    Raises `ValueError` for a newer schema version or malformed data.
    """
    schema = int(d.get("schema", KIT_SCHEMA_VERSION))
    if schema > KIT_SCHEMA_VERSION:
        raise ValueError(f"kit schema {schema} is newer than this version ({KIT_SCHEMA_VERSION})")
    try:
        questions = tuple(_question_from_dict(q) for q in d["questions"])
        base = Kit(title=str(d["title"]), questions=questions)
        quiet: QuietHours | None = base.quiet_hours
        if "quiet_hours" in d:
            raw = d["quiet_hours"]
            quiet = (
                None
                if raw is None
                else QuietHours(int(raw["start_minute"]), int(raw["end_minute"]))
            )
        rubric = base.rubric
        if "rubric" in d:
            rubric = tuple(
                RubricDimension(
                    str(dim["id"]),
                    str(dim["name"]),
                    {int(score): str(text) for score, text in dim["anchors"].items()},
                )
                for dim in d["rubric"]
            )
        practice = d.get("practice")
        review_channel = d.get("review_channel")
        return Kit(
            title=base.title,
            questions=questions,
            role=str(d.get("role", base.role)),
            language=str(d.get("language", base.language)),
            intro=str(d.get("intro", base.intro)),
            consent=str(d.get("consent", base.consent)),
            closing={str(k): str(v) for k, v in d.get("closing", {}).items()},
            deadline_hours=_hours(d.get("deadline_hours", base.deadline_hours)),
            reminders_seconds=tuple(
                int(s) for s in d.get("reminders_seconds", base.reminders_seconds)
            ),
            quiet_hours=quiet,
            late_answers=LatePolicy(d.get("late_answers", base.late_answers)),
            reviewers_required=int(d.get("reviewers_required", base.reviewers_required)),
            retention_days=int(d.get("retention_days", base.retention_days)),
            review_channel=None if review_channel is None else str(review_channel),
            rubric=rubric,
            practice=None if practice is None else _question_from_dict(practice),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed kit data: {exc!r}") from exc


def _hours(value: object) -> float:
    """Whole hours stay ints so a round trip gives back the same JSON."""
    hours = float(value)  # type: ignore[arg-type]
    return int(hours) if hours.is_integer() else hours
