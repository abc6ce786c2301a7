"""WHATSAPP_TEMPLATE_*: `name:language`, or `name:lang1,lang2` when the template is approved
in several languages (the candidate's language picks one; the first is the fallback)."""

from __future__ import annotations

import pytest

from config.settings import SettingInvalid, Settings


def test_one_language_or_several_per_template() -> None:
    settings = Settings(whatsapp_template_reminder="interview_reminder:en,es",
                        whatsapp_template_decision=" interview_news:pt_BR ")
    assert settings.whatsapp_templates == {
        "reminder": ("interview_reminder", ("en", "es")),
        "decision": ("interview_news", ("pt_BR",)),
    }


@pytest.mark.parametrize("value", ["interview_reminder", "interview_reminder:",
                                   "interview_reminder:en,", "interview_reminder:en,,es",
                                   ":en", "bad name:en", "interview_reminder:e n"])
def test_a_malformed_template_setting_is_named(value: str) -> None:
    settings = Settings(whatsapp_template_reminder=value)
    with pytest.raises(SettingInvalid, match="WHATSAPP_TEMPLATE_REMINDER must be name:language"):
        _ = settings.whatsapp_templates
