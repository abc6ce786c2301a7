"""Issue 16 building blocks: text made safe, updates validated alone, secrets redacted."""

from __future__ import annotations

import json
import logging

import pytest
from aiogram import Bot

from adapters.safe_text import safe_json, safe_text
from adapters.telegram.updates import UpdateRejected, decode_body, load_update
from bot.runtime.redaction import RedactingFilter, Redactor, error_text, redact_text

TOKEN = "123456789:AAE-realistic_secret-part-0123456789"
MESSAGE = {"message_id": 1, "date": 1_700_000_000, "chat": {"id": 5, "type": "private"},
           "from": {"id": 5, "is_bot": False, "first_name": "Ro\x00bert\ud800"}, "text": "a\x00b"}


@pytest.mark.parametrize(("raw", "clean"), [
    ("plain", "plain"), ("a\x00b", "ab"), ("x\ud800y", "x\ufffdy"), ("\udfff", "\ufffd"),
    ("emoji 😀 stays", "emoji 😀 stays"),
])
def test_safe_text(raw: str, clean: str) -> None:
    assert safe_text(raw) == clean
    safe_text(raw).encode("utf-8")  # always encodable


def test_safe_json_cleans_keys_and_nested_values() -> None:
    assert safe_json({"k\x00": ["\ud800", {"x": "a\x00"}], "n": 1}) == {
        "k": ["\ufffd", {"x": "a"}], "n": 1}


def test_a_valid_update_comes_out_safe() -> None:
    bot = Bot(TOKEN)
    update = load_update({"update_id": 10, "message": MESSAGE}, bot)
    assert update.message is not None and update.message.text == "ab"
    assert update.message.from_user is not None
    assert update.message.from_user.first_name == "Robert\ufffd"


@pytest.mark.parametrize(("data", "reason"), [
    ([1], "update is a JSON array, not an object"),
    ({}, "update_id: missing, not an integer, or out of range"),
    ({"update_id": "7"}, "update_id: missing, not an integer, or out of range"),
    ({"update_id": 2**64}, "update_id: missing, not an integer, or out of range"),
    ({"update_id": 7, "message": {**MESSAGE, "chat": {"id": 2**64, "type": "private"}}},
     "message.chat.id: number beyond 64 bits"),
    ({"update_id": 7, "message": {k: v for k, v in MESSAGE.items() if k != "chat"}},
     "message.chat: missing"),
])
def test_malformed_updates_are_rejected_with_a_reason_that_quotes_nothing(
    data: object, reason: str
) -> None:
    with pytest.raises(UpdateRejected) as caught:
        load_update(data, Bot(TOKEN))
    assert caught.value.reason == reason


@pytest.mark.parametrize(("body", "reason"), [
    (b"\xff", "body is not UTF-8"), (b"[" * 100_000, "body is nested too deeply"),
    (b"nope", "body is not JSON (line 1, column 1)"),
])
def test_bodies_that_are_not_json(body: bytes, reason: str) -> None:
    with pytest.raises(UpdateRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        decode_body(body)


def test_redact_text_masks_tokens_in_urls_and_query_secrets() -> None:
    text = (f"GET http://api.example/file/bot{TOKEN}/voice/1.oga failed; "
            "https://u:p4ss@db.example/x?token=abc&x=1 xoxb-1234-5678-abcdefgh")
    clean = redact_text(text)
    assert TOKEN.split(":")[1] not in clean
    assert "p4ss" not in clean and "token=abc" not in clean and "xoxb-1234" not in clean
    assert "x=1" in clean


def test_the_log_filter_masks_configured_secrets_in_messages_and_tracebacks() -> None:
    secret = "signing-secret-value-42"
    handler = logging.Handler()
    records: list[str] = []
    handler.emit = lambda record: records.append(  # type: ignore[method-assign]
        logging.Formatter().format(record))
    handler.addFilter(RedactingFilter(Redactor([secret])))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        log.warning("secret is %s", secret)
        try:
            raise RuntimeError(json.dumps({"url": f"http://h/bot{TOKEN}/getMe", "s": secret}))
        except RuntimeError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    assert records and all(secret not in r and TOKEN not in r for r in records)
    assert "Traceback" in records[1]
    assert TOKEN not in error_text(RuntimeError(f"http://h/bot{TOKEN}/x"))
