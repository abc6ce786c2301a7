"""Raw Telegram updates -> validated aiogram `Update`s, or a rejection that says why.

Both receiving modes pass every update through `load_update`, one at a time, so a malformed
update (from a webhook body or inside a getUpdates batch) is rejected alone: it never fails
its batch, never reaches the handler half-parsed, and its reason never quotes its content
(pydantic's messages repeat the input, which may be a candidate's answer).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.methods.base import TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

from adapters.safe_text import is_int64, safe_json

MAX_REASON_ERRORS = 3
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_\[\]-]{0,40}$|^[0-9]{1,6}$")


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates that returns the updates as plain JSON objects, so that each one is
    validated on its own (aiogram's own GetUpdates fails the whole batch on one bad update)."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


@dataclass(frozen=True, slots=True)
class UpdateRejected(Exception):
    """A malformed update. `reason` names what is wrong, never the content."""

    reason: str
    update_id: int | None = None

    def __str__(self) -> str:
        return self.reason


def decode_body(body: bytes) -> Any:
    """A webhook body -> JSON value; UpdateRejected if it is not UTF-8 JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UpdateRejected("body is not UTF-8") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise UpdateRejected("body is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise UpdateRejected(f"body is not JSON (line {exc.lineno}, column {exc.colno})") from None


def load_update(data: Any, bot: Bot) -> Update:
    """A decoded JSON value -> a validated Update whose every string is safe to store."""
    if not isinstance(data, dict):
        raise UpdateRejected(f"update is a JSON {_json_kind(data)}, not an object")
    raw_id = data.get("update_id")
    update_id = raw_id if isinstance(raw_id, int) and is_int64(raw_id) and raw_id >= 0 else None
    if update_id is None:
        raise UpdateRejected("update_id: missing, not an integer, or out of range")
    too_big = _first_oversized_int(data, "")
    if too_big is not None:
        raise UpdateRejected(f"{too_big}: number beyond 64 bits", update_id)
    try:
        return Update.model_validate(safe_json(data), context={"bot": bot})
    except ValidationError as exc:
        raise UpdateRejected(_summary(exc), update_id) from None
    except RecursionError:
        raise UpdateRejected("update is nested too deeply", update_id) from None


def _summary(exc: ValidationError) -> str:
    """Where and what kind of error, e.g. "message.chat: missing" (no input values)."""
    parts = [
        f"{'.'.join(_name(p) for p in err['loc']) or 'update'}: {err['type']}"
        for err in exc.errors(include_input=False, include_url=False)[:MAX_REASON_ERRORS]
    ]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def _first_oversized_int(value: Any, path: str) -> str | None:
    """The path of the first integer that no 64-bit id column could hold."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:  # iterative: the depth of the body is not ours to choose
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{_name(k)}" if where else _name(k))
                         for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, int) and not isinstance(item, bool) and not is_int64(item):
            return where or "update"
    return None


def _name(part: object) -> str:
    """A path element as it may be logged: field names and indexes, never free text."""
    text = str(part)
    return text if _FIELD.match(text) else "?"


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"
