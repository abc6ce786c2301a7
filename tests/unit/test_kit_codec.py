"""Kit codec: a lossless, JSON-safe round trip for stored kit versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config.kit import Kit, Question
from config.kit_codec import KIT_SCHEMA_VERSION, kit_from_dict, kit_to_dict
from config.kit_loader import load_kit

KITS = Path(__file__).resolve().parents[2] / "config" / "kits"
EXAMPLES = sorted(KITS.glob("*.yaml"))


def test_examples_exist() -> None:
    assert {p.name for p in EXAMPLES} >= {"engineering-screen.yaml", "support-screen.yaml"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_round_trip_through_json(path: Path) -> None:
    kit = load_kit(path)
    encoded = json.dumps(kit_to_dict(kit), sort_keys=True)
    decoded = kit_from_dict(json.loads(encoded))
    assert decoded == kit
    assert json.dumps(kit_to_dict(decoded), sort_keys=True) == encoded


def test_round_trip_of_a_bare_kit() -> None:
    kit = Kit(title="T", questions=(Question("q1", "Why?"),), quiet_hours=None)
    assert kit_from_dict(json.loads(json.dumps(kit_to_dict(kit)))) == kit


def test_types_are_restored() -> None:
    kit = load_kit(KITS / "engineering-screen.yaml")
    decoded = kit_from_dict(json.loads(json.dumps(kit_to_dict(kit))))
    assert isinstance(decoded.questions, tuple)
    assert isinstance(decoded.questions[0].formats, tuple)
    assert all(isinstance(score, int) for score in decoded.rubric[0].anchors)


def test_missing_optional_fields_take_defaults() -> None:
    kit = kit_from_dict({"title": "T", "questions": [{"id": "q1", "text": "Why?"}]})
    assert kit == Kit(title="T", questions=(Question("q1", "Why?"),))


def test_newer_schema_and_malformed_data_are_refused() -> None:
    with pytest.raises(ValueError, match="newer"):
        kit_from_dict({"schema": KIT_SCHEMA_VERSION + 1, "title": "T", "questions": []})
    with pytest.raises(ValueError, match="malformed"):
        kit_from_dict({"title": "T"})
