"""Checks a Slack request must pass before Bolt sees it.

Bolt assumes a well-formed request: a non-numeric timestamp, a body that is not UTF-8 or
not JSON, or a nested field of the wrong type (`"event": []`) raises inside it and became
a 500 with a traceback that quoted the body. Here every such request gets a 4xx and one
log line that names what was wrong, never the body. The signature is checked first (with
slack_sdk's verifier, as Bolt does), so only Slack learns why a signed request was refused.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
# Fields Bolt and our listeners read as objects / lists of objects when present.
OBJECT_FIELDS = ("event", "user", "view", "team", "container", "channel", "message",
                 "enterprise", "state")
INTERACTIONS = ("block_actions", "view_submission", "view_closed", "shortcut",
                "message_action")
NEVER_NULL = ("event", "view")  # Bolt indexes these whenever the key is present
LIST_OF_OBJECT_FIELDS = ("actions", "authorizations")
TOP_LEVEL_STRINGS = ("type", "token", "team_id", "api_app_id", "enterprise_id", "command",
                     "text", "user_id", "channel_id", "trigger_id", "response_url",
                     "callback_id", "event_id", "challenge")
NESTED_STRINGS = {
    "event": ("type", "subtype", "channel", "ts", "thread_ts", "bot_id", "team"),
    "view": ("type", "callback_id", "id", "private_metadata", "hash", "team_id"),
    "user": ("id", "team_id", "username"),
    "team": ("id",),
    "channel": ("id",),
    "enterprise": ("id",),
    "container": ("type", "channel_id", "message_ts"),
}
ACTION_STRINGS = ("action_id", "block_id", "type", "value")


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    reason: str


def check(raw: bytes, headers: Any, signing_secret: str) -> Refusal | None:
    """None when Bolt may take the request; else the status and a reason without content."""
    timestamp = str(headers.get(TIMESTAMP_HEADER, ""))
    if not timestamp.isascii() or not timestamp.isdigit():
        return Refusal(401, "missing or non-numeric request timestamp")
    try:  # Slack signs UTF-8 text (slack_sdk's verifier decodes the body itself)
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    signature = str(headers.get(SIGNATURE_HEADER, ""))
    if not signature.isascii():  # hmac.compare_digest refuses non-ASCII text
        return Refusal(401, "bad signature")
    verifier = SignatureVerifier(signing_secret)
    if not verifier.is_valid(text, timestamp, signature):
        stale = abs(time.time() - int(timestamp)) > 60 * 5
        return Refusal(401, "stale request timestamp" if stale else "bad signature")
    body = _decode(text, str(headers.get("Content-Type", "")))
    if isinstance(body, Refusal):
        return body
    return _shape(body)


def _decode(text: str, content_type: str) -> Any:
    """The body as Bolt will read it (mirrors slack_bolt.request.internals.parse_body)."""
    if not text:
        return {}
    if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
        return _json(text, "body")
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in text:
        payload = form.get("payload")
        return _json(payload, "payload") if payload is not None else {}
    return form


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        return Refusal(400, f"{what} is nested too deeply")
    except json.JSONDecodeError:
        return Refusal(400, f"{what} is not JSON")


def _shape(body: Any) -> Refusal | None:
    if not isinstance(body, dict):
        return Refusal(400, "body is not a JSON object")
    for name in OBJECT_FIELDS:  # Bolt calls .get() on these; null only where Slack sends it
        value = body.get(name, {})
        if not isinstance(value, dict) and not (value is None and name not in NEVER_NULL):
            return Refusal(400, f"{name} is not an object")
    for name in LIST_OF_OBJECT_FIELDS:  # Bolt reads the first item when the key is present
        value = body.get(name, [{}])
        if not (isinstance(value, list) and value and all(isinstance(v, dict) for v in value)):
            return Refusal(400, f"{name} is not a non-empty list of objects")
    if body.get("type") in INTERACTIONS and not isinstance(body.get("user"), dict):
        return Refusal(400, "user is missing")
    view = body.get("view")
    if view is not None and not isinstance(view.get("type"), str):
        return Refusal(400, "view.type is missing")  # Bolt reads it unguarded
    event = body.get("event") or {}
    for name in ("message", "previous_message", "item"):
        if name in event and not isinstance(event[name], dict):
            return Refusal(400, f"event.{name} is not an object")
    return _strings(body)


def _strings(body: dict[str, Any]) -> Refusal | None:
    """Fields Bolt matches or extracts as text must be text (or absent / null)."""
    places: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        ("", body, TOP_LEVEL_STRINGS)]
    places += [(f"{name}.", body[name], fields) for name, fields in NESTED_STRINGS.items()
               if isinstance(body.get(name), dict)]
    actions = enumerate(body.get("actions", []))
    places += [(f"actions[{i}].", action, ACTION_STRINGS) for i, action in actions]
    for prefix, obj, fields in places:
        for field in fields:
            if obj.get(field) is not None and not isinstance(obj[field], str):
                return Refusal(400, f"{prefix}{field} is not a string")
    return None
