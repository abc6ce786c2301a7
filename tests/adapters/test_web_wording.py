"""The engine's chat texts as the web page says them: buttons named by their labels, no
typed commands the page cannot send, recordings instead of voice messages."""

from __future__ import annotations

from adapters.web.wording import Wording
from bot.runtime.catalogs import load_catalog
from conversations.messages import Message, ParamValue

CATALOG = load_catalog("en")
SAY = Wording(CATALOG)


def shown(text_id: str, **params: ParamValue) -> str:
    message = Message(text_id=text_id, params=tuple(sorted(params.items())))
    return SAY(CATALOG.render(message).text)


def test_typed_commands_become_the_page_buttons() -> None:
    said = shown("instructions.show", count="3", prep="1 min", answer="2 min", retakes="1",
                 formats="voice,text", deadline="2026-12-06 18:00 UTC", time_left="2 d",
                 retention_days="30")
    assert "/pause" not in said and "\u201cPause\u201d" in said
    assert "a voice answer or text" in said and "voice message" not in said


def test_help_lists_only_what_the_page_offers() -> None:
    said = shown("help")
    assert "/" not in said
    assert "\u201cWhere am I?\u201d: where you are" in said and "\u201cPause\u201d" in said
    assert "withdraw" not in said and "language" not in said


def test_whole_sentences_are_said_the_page_way_with_their_values() -> None:
    said = shown("pause.done", deadline="2026-12-06 18:00 UTC", time_left="2 d")
    assert "/start" not in said and "send any message" not in said
    assert "Press Resume" in said and "2026-12-06 18:00 UTC (2 d left)" in said
    assert shown("consent.declined").endswith("You can close this page.")
    opened = shown("answer.open", answer="1 min", formats="video_note,voice")
    assert opened.startswith("Your turn: you have 1 min. Answer with a video answer or a "
                             "voice answer, using the buttons below.")


def test_other_texts_and_slashes_are_left_alone() -> None:
    assert SAY("Tell us about CI/CD and /etc/hosts.") == "Tell us about CI/CD and /etc/hosts."
    assert SAY("Saved.") == "Saved."
    assert SAY("Type /withdraw to stop") == "Type /withdraw to stop"


def test_every_page_sentence_replaces_a_real_one_with_the_same_values() -> None:
    from conversations.texts import placeholders

    said = [i for i in CATALOG.ids if i.startswith("web.say.")]
    assert said
    for text_id in said:
        engine_id = text_id.removeprefix("web.say.")
        assert engine_id in CATALOG.ids, text_id
        assert placeholders(CATALOG.text(text_id)) <= placeholders(CATALOG.text(engine_id))
