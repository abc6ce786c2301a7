"""The InterviewState JSON codec is lossless (pure: no backend needed)."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_type_hints

import pytest

from conversations.effects import AnswerPart
from conversations.events import ConversationRef
from conversations.state import Accommodation, InterviewState, KeptAnswer, Phase
from storage.state_codec import state_from_json, state_to_dict, state_to_json

T = datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)


def full_state() -> InterviewState:
    """Every field set to a non-default value (fields added later are filled by type)."""
    state = InterviewState(
        interview_id="i" * 16,
        campaign_id="c" * 16,
        kit_version_id="k" * 16,
        invite_token="tok_-123",
        phase=Phase.CONFIRMING,
        candidate=ConversationRef("slack", "C1", "U1", thread_id="1700000000.0001"),
        candidate_name="Zoë Ünicode",
        language="de",
        opened_at=T,
        deadline_at=T + timedelta(hours=72),
        question_index=2,
        attempt_no=1,
        parts=(
            AnswerPart("p1", "voice", 12.5, 2048, "audio/ogg", "file-1", True, False, None),
            AnswerPart("p2", "text", None, None, None, None, True, True, "hello\nworld"),
        ),
        answer_started_at=T + timedelta(minutes=1),
        prep_ends_at=T + timedelta(minutes=2),
        answer_ends_at=T + timedelta(minutes=4),
        paused=True,
        withdraw_pending=True,
        kept=(KeptAnswer("q1", 0, 33.0, False), KeptAnswer("q2", 1, 59.5, True)),
        retakes_used=3,
        next_part_no=7,
        submitted_at=T + timedelta(hours=1),
        flags=frozenset({"late", "partial"}),
        accommodation=Accommodation(extra_prep_s=30, extra_answer_s=60, extra_retakes=1),
    )
    return replace(state, **_fill_new_fields(state))


def _fill_new_fields(state: InterviewState) -> dict[str, Any]:
    default = InterviewState(interview_id="", campaign_id="", kit_version_id="", invite_token="")
    hints = get_type_hints(InterviewState)
    out: dict[str, Any] = {}
    for f in fields(InterviewState):
        value = getattr(state, f.name)
        if value != getattr(default, f.name):
            continue
        tp = hints[f.name]
        if tp is bool:
            out[f.name] = not value
        elif tp is int:
            out[f.name] = value + 5
        elif tp in (str, str | None):
            out[f.name] = f"{value or ''}-set"
        elif tp == datetime | None:
            out[f.name] = T + timedelta(days=1)
        elif tp == frozenset[str]:
            out[f.name] = frozenset({"x", "y"})
        else:
            raise AssertionError(f"full_state(): give the new field {f.name} a value")
    return out


def test_round_trip_all_fields() -> None:
    state = full_state()
    again = state_from_json(state_to_json(state))
    assert again == state
    assert isinstance(again.parts, tuple) and isinstance(again.kept, tuple)
    assert isinstance(again.flags, frozenset) and again.phase is Phase.CONFIRMING
    assert again.opened_at is not None and again.opened_at.tzinfo is not None


def test_every_field_differs_from_default_and_is_encoded() -> None:
    state = full_state()
    default = InterviewState(interview_id="", campaign_id="", kit_version_id="", invite_token="")
    names = {f.name for f in fields(InterviewState)}
    assert names <= set(state_to_dict(state)), "state_codec misses a new InterviewState field"
    for name in names - {"interview_id", "campaign_id", "kit_version_id", "invite_token"}:
        assert getattr(state, name) != getattr(default, name), name


def test_default_state_round_trips() -> None:
    state = InterviewState(interview_id="a", campaign_id="b", kit_version_id="c",
                           invite_token="d")
    assert state_from_json(state_to_json(state)) == state


def test_other_offsets_normalise_to_utc() -> None:
    plus2 = timezone(timedelta(hours=2))
    state = InterviewState("a", "b", "c", "d", opened_at=datetime(2025, 1, 1, 12, tzinfo=plus2))
    encoded = json.loads(state_to_json(state))
    assert encoded["opened_at"] == "2025-01-01T10:00:00+00:00"
    again = state_from_json(state_to_json(state))
    assert again == state and again.opened_at is not None
    assert again.opened_at.utcoffset() == timedelta(0)


def test_naive_datetime_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        state_to_json(InterviewState("a", "b", "c", "d", opened_at=datetime(2025, 1, 1)))
