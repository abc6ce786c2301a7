"""The WhatsApp adapter's pure steps: webhook bodies (Cloud API JSON, as PLATFORMS.md 4.1
shows them) through `parse_body`, neutral messages through `render`, checked against what
the fake API accepts (the real API's limits)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pywa_async import _helpers as pywa_helpers

from adapters.whatsapp.inbound import MalformedUpdate, parse_body
from adapters.whatsapp.render import CAPABILITIES, ELLIPSIS, clip, render
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    MediaKind,
    MediaReceived,
    Started,
    TextReceived,
    UnsupportedReceived,
)
from tests.fakes.whatsapp.validation import Refused, validate_message

PHONE_ID = "109876543210"
ANN = "447700900123"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012_-9"  # 32 URL-safe characters, like our invite tokens


def body(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None,
         phone_id: str = PHONE_ID) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001234", "phone_number_id": phone_id},
        "contacts": [{"profile": {"name": "Ann Example"}, "wa_id": ANN}],
        "messages": list(messages),
    }
    if statuses is not None:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]}


def message(kind: str, content: Any, n: int = 1, **extra: Any) -> dict[str, Any]:
    return {"from": ANN, "id": f"wamid.HBgM{n}", "timestamp": "1764806400", "type": kind,
            kind: content, **extra}


def one(data: dict[str, Any]) -> Any:
    [event] = parse_body(data, PHONE_ID).events
    return event


def test_a_text_is_text_from_the_number_with_the_message_id_as_event_id() -> None:
    event = one(body(message("text", {"body": "Hello there"})))
    assert isinstance(event, TextReceived) and event.text == "Hello there"
    assert event.event_id == "whatsapp:wamid.HBgM1"
    assert (event.conversation.chat_id, event.conversation.user_id) == (ANN, ANN)
    assert event.display_name == "Ann Example"
    assert event.occurred_at.timestamp() == 1764806400 and event.occurred_at.tzinfo


@pytest.mark.parametrize(("text", "expected"), [
    (TOKEN, Started), (f"  {TOKEN}\n", Started), (f"/start {TOKEN}", Started),
    (f"my code is {TOKEN}", TextReceived), (TOKEN[:-1], TextReceived),
    ("/status", CommandReceived), ("/withdraw now", CommandReceived),
])
def test_an_invite_token_alone_starts_the_invite(text: str, expected: type) -> None:
    event = one(body(message("text", {"body": text})))
    assert type(event) is expected
    if isinstance(event, Started):
        assert event.invite_token == TOKEN
    if isinstance(event, CommandReceived):
        assert event.name == text.split()[0][1:]


def test_media_keep_their_id_mime_hash_and_kind() -> None:
    voice = one(body(message("audio", {"id": "M1", "mime_type": "audio/ogg; codecs=opus",
                                       "sha256": "abc", "voice": True})))
    assert isinstance(voice, MediaReceived) and voice.kind is MediaKind.VOICE
    assert (voice.file_ref, voice.mime, voice.file_unique_id) == (
        "M1", "audio/ogg; codecs=opus", "abc")
    assert voice.duration_s is None and voice.size_bytes is None  # WhatsApp sends neither
    audio = one(body(message("audio", {"id": "M2", "mime_type": "audio/mpeg"})))
    assert audio.kind is MediaKind.AUDIO
    video = one(body(message("video", {"id": "M3", "mime_type": "video/mp4", "caption": "hi"})))
    assert video.kind is MediaKind.VIDEO and video.file_ref == "M3"
    doc = one(body(message("document", {"id": "M4", "mime_type": "application/pdf",
                                        "filename": "cv.pdf"})))
    assert doc.kind is MediaKind.DOCUMENT and doc.file_name == "cv.pdf"


@pytest.mark.parametrize("kind", ["image", "sticker", "location", "contacts", "unsupported"])
def test_other_kinds_are_kept_as_unsupported_so_the_engine_answers(kind: str) -> None:
    event = one(body(message(kind, {"id": "M9"})))
    assert isinstance(event, UnsupportedReceived) and event.description == kind
    assert event.raw["type"] == kind


def test_a_reaction_is_not_an_answer() -> None:
    inbound = parse_body(body(message("reaction", {"message_id": "x", "emoji": "👍"})))
    assert inbound.events == () and inbound.ignored


@pytest.mark.parametrize("reply", ["button_reply", "list_reply"])
def test_a_button_or_list_row_is_a_press_of_its_payload(reply: str) -> None:
    content = {"type": reply, reply: {"id": "kp|iv1|3", "title": "Keep"}}
    event = one(body(message("interactive", content, context={"from": "1555", "id": "wamid.B"})))
    assert isinstance(event, ButtonPressed)
    assert (event.payload, event.message_ref) == ("kp|iv1|3", "wamid.B")


def test_a_template_quick_reply_is_a_press_too() -> None:
    event = one(body(message("button", {"payload": "resume|iv1", "text": "Continue"})))
    assert isinstance(event, ButtonPressed) and event.payload == "resume|iv1"


def test_a_batch_keeps_every_message_and_status_in_order() -> None:
    statuses: list[dict[str, Any]] = [
        {"id": "wamid.OUT1", "status": "delivered", "timestamp": "1", "recipient_id": ANN},
        {"id": "wamid.OUT2", "status": "failed", "timestamp": "2", "recipient_id": ANN,
         "errors": [{"code": 131026, "title": "Message undeliverable"}]},
    ]
    inbound = parse_body(body(message("text", {"body": "one"}, 1),
                              message("text", {"body": "two"}, 2), statuses=statuses))
    assert [e.text for e in inbound.events] == ["one", "two"]  # type: ignore[attr-defined]
    assert [(s.message_id, s.status) for s in inbound.statuses] == [
        ("wamid.OUT1", "delivered"), ("wamid.OUT2", "failed")]
    assert inbound.statuses[1].errors == ((131026, "Message undeliverable"),)


def test_changes_for_another_number_of_the_app_are_ignored() -> None:
    inbound = parse_body(body(message("text", {"body": "hi"}), phone_id="999"), PHONE_ID)
    assert inbound.events == () and inbound.ignored == ("phone number id 999",)


@pytest.mark.parametrize("data", [
    [], "text", {"object": "page", "entry": []}, {"object": "whatsapp_business_account"},
    {"object": "whatsapp_business_account", "entry": [{"changes": "x"}]},
    body({"from": ANN, "type": "text", "text": {"body": "no id"}}),
    body(message("text", {"body": "bad time"}) | {"timestamp": "yesterday"}),
])
def test_what_is_not_a_webhook_envelope_is_malformed(data: Any) -> None:
    with pytest.raises(MalformedUpdate):
        parse_body(data, PHONE_ID)


# -- render ------------------------------------------------------------------------------


def api_payload(text: str, buttons: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """What pywa's `send_message` posts for a rendered message (its own helpers), as JSON."""
    out = render(text, buttons)
    if out.keyboard is None:
        return {"messaging_product": "whatsapp", "to": ANN, "type": "text",
                "text": {"body": out.text}}
    typ, action = pywa_helpers.resolve_buttons_param(out.keyboard)
    interactive = pywa_helpers.get_interactive_msg(typ=typ, action=action, body=out.text)
    return {"messaging_product": "whatsapp", "to": ANN, "type": "interactive",
            "interactive": json.loads(json.dumps(interactive))}


def test_capabilities_declare_lists_and_no_video_notes() -> None:
    assert CAPABILITIES.max_buttons == 10 and CAPABILITIES.max_button_label == 20
    assert CAPABILITIES.max_text_length == 4096 and CAPABILITIES.max_text_with_buttons == 1024
    assert CAPABILITIES.video_notes is False


def test_up_to_three_buttons_are_reply_buttons_with_their_payloads() -> None:
    payload = api_payload("Keep it?", (("Keep", "kp|1"), ("Retake", "rt|1")))
    assert validate_message(payload) == "interactive"
    buttons = payload["interactive"]["action"]["buttons"]
    assert [(b["reply"]["title"], b["reply"]["id"]) for b in buttons] == [
        ("Keep", "kp|1"), ("Retake", "rt|1")]


def test_four_to_ten_options_are_a_list() -> None:
    options = tuple((f"Option number {n} with a long label", f"p|{n}") for n in range(1, 11))
    payload = api_payload("Pick one", options)
    assert validate_message(payload) == "interactive"
    interactive = payload["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [p for _, p in options]
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rows[0]["description"] == options[0][0]  # the full wording stays readable
    with pytest.raises(ValueError):
        render("Too many", (*options, ("Eleven", "p|11")))


def test_long_labels_are_clipped_at_a_word_and_stay_unique() -> None:
    assert clip("Answer by voice message instead", 20) == "Answer by voice" + ELLIPSIS
    assert len(clip("Supercalifragilisticexpialidocious", 20)) == 20
    out = render("Choose", (("Continue with the interview", "a"),
                            ("Continue with the practice", "b")))
    titles = [b.title for b in out.keyboard]  # type: ignore[union-attr]
    assert len(set(titles)) == 2 and all(len(t) <= 20 for t in titles)
    assert validate_message(api_payload("Choose", (("Continue with the interview", "a"),
                                                   ("Continue with the practice", "b"))))


def test_an_empty_text_is_never_sent_empty() -> None:
    assert render("  ", ()).text == ELLIPSIS
    assert validate_message(api_payload("", (("Ok", "ok"),))) == "interactive"


@pytest.mark.parametrize(("payload", "details"), [
    ({"type": "interactive", "interactive": {"type": "button", "body": {"text": "x"},
      "action": {"buttons": [{"type": "reply", "reply": {"id": str(n), "title": str(n)}}
                             for n in range(4)]}}}, "1 to 3"),
    ({"type": "interactive", "interactive": {"type": "button", "body": {"text": "x"},
      "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "x" * 21}}]}}},
     "Max length: 20"),
    ({"type": "text", "text": {"body": ""}}, "non-empty"),
    ({"type": "interactive", "interactive": {"type": "button", "body": {"text": "x" * 1025},
      "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "A"}}]}}},
     "Max length: 1024"),
])
def test_the_fake_refuses_what_the_api_refuses(payload: dict[str, Any], details: str) -> None:
    with pytest.raises(Refused) as refused:
        validate_message({"messaging_product": "whatsapp", "to": ANN, **payload})
    assert details in refused.value.details
