"""Telegram JSON as the script client sees it: PTB objects to JSON, reading message dicts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import telegram

Matcher = str | re.Pattern[str] | Callable[[dict[str, Any]], bool] | None

# PTB serialises these as explicit ``false``; Telegram omits them.
_FALSE_FLAGS = frozenset(
    {"channel_chat_created", "delete_chat_photo", "group_chat_created", "supergroup_chat_created"}
)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not (k in _FALSE_FLAGS and v is False)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def to_json(obj: telegram.TelegramObject) -> dict[str, Any]:
    """PTB object -> plain JSON dict (enums become strings, PTB-only false flags removed)."""
    return _clean(json.loads(json.dumps(obj.to_dict())))  # type: ignore[no-any-return]


def message_text(msg: dict[str, Any]) -> str:
    return str(msg.get("text") or msg.get("caption") or "")


def matches(msg: dict[str, Any], contains: Matcher) -> bool:
    if contains is None:
        return True
    if isinstance(contains, str):
        return contains in message_text(msg)
    if isinstance(contains, re.Pattern):
        return contains.search(message_text(msg)) is not None
    return bool(contains(msg))


def buttons_of(msg: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def describe(msg: dict[str, Any], bot_id: int) -> str:
    who = "bot " if (msg.get("from") or {}).get("id") == bot_id else "user"
    body = message_text(msg)
    for kind in ("voice", "video_note", "video", "audio", "document", "sticker", "photo"):
        if kind in msg:
            media = msg[kind]
            extra = ""
            if isinstance(media, dict) and "duration" in media:
                extra = f" {media['duration']}s"
            body = f"<{kind}{extra}> {body}".rstrip()
    labels = [b.get("text", "") for b in buttons_of(msg)]
    line = f"[{who} #{msg.get('message_id')}] {body!r}"
    if labels:
        line += " buttons=" + " | ".join(labels)
    if "edit_date" in msg:
        line += " (edited)"
    return line
