"""`kit validate` warns when a kit asks for video notes and a channel without them is on."""

from __future__ import annotations

from pathlib import Path

from bot.cli.kit_warnings import format_warnings
from bot.cli.platforms import candidate_capabilities
from config.kit_loader import load_kit
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
    assert all(w.startswith(f"{E2E_KIT}: warning: ") and "whatsapp" in w and "a video" in w
               for w in warnings)
