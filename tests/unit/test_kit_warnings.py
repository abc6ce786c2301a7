"""`kit validate` warns when a kit asks for video notes and a channel without them is on,
at the LINE:COL of the question's formats, like its errors."""

from __future__ import annotations

from pathlib import Path

from bot.cli.kit_warnings import format_warnings
from bot.cli.platforms import candidate_capabilities
from config.kit_loader import load_kit, load_kit_with_places
from config.settings import Settings

E2E_KIT = Path(__file__).resolve().parents[1] / "e2e" / "kits" / "e2e-short.yaml"


def test_only_enabled_channels_without_video_notes_warn() -> None:
    kit = load_kit(E2E_KIT)
    telegram = candidate_capabilities(Settings.model_validate(
        {"telegram_bot_token": "1:x"}))
    assert format_warnings(E2E_KIT, kit, telegram) == []
    both = candidate_capabilities(Settings.model_validate(
        {"telegram_bot_token": "1:x", "whatsapp_token": "t", "whatsapp_phone_number_id": "1"}))
    warnings = format_warnings(E2E_KIT, kit, both)
    # practice and q2 take video notes but not videos; q1 takes both; q3 is text only
    assert [w.split("question ")[1].split(" ")[0] for w in warnings] == ["practice", "q2"]
    assert all("whatsapp" in w and "a video" in w for w in warnings)
    _, places = load_kit_with_places(E2E_KIT)
    located = format_warnings(E2E_KIT, kit, both, places)
    # the formats lists: `  formats: [voice, video_note, text]` and `    formats: [video_note, …`
    assert [w.split(" warning: ")[0] for w in located] == [f"{E2E_KIT}:17:12:",
                                                            f"{E2E_KIT}:29:14:"]


def test_a_question_without_formats_is_placed_at_its_item(tmp_path: Path) -> None:
    kit_file = tmp_path / "kit.yaml"
    kit_file.write_text("title: T\nconsent: C\nquestions:\n  - id: q1\n    text: Why?\n")
    kit, places = load_kit_with_places(kit_file)
    assert places == {"q1": (4, 5)} and kit.questions[0].id == "q1"
