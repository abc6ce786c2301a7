"""WhatsApp Cloud API webhook bodies -> neutral events and delivery statuses (pure).

The envelope is walked here rather than through pywa's typed updates: those read only the first
entry / change / message of a body and need a live client to be built, while Meta batches
several messages and statuses into one POST. Each message keeps what the engine and the
download need (media id, mime, sha256, voice flag, file name); WhatsApp sends no durations or
sizes with a message (the size comes with the media URL, before download).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.typed_text import typed_event
from conversations.events import (
    ButtonPressed,
    ConversationRef,
    Event,
    MediaKind,
    MediaReceived,
    Platform,
    UnsupportedReceived,
)

PLATFORM = Platform.WHATSAPP
# A wa.me link types the invite token in as the candidate's first message (`?text=<token>`).
MEDIA_KINDS = {"video": MediaKind.VIDEO, "document": MediaKind.DOCUMENT}
DEFAULT_MIME = {"audio": "audio/ogg", "video": "video/mp4",
                "document": "application/octet-stream"}
# A reaction is a tap on one of our messages, not something said to the interview.
IGNORED_TYPES = frozenset({"reaction"})


class MalformedUpdate(ValueError):
    """The body is not a WhatsApp webhook envelope (answered 400; never processed)."""


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """A status callback about a message we sent: sent / delivered / read / failed / played."""

    message_id: str
    status: str
    recipient_id: str
    errors: tuple[tuple[int, str], ...] = ()  # (code, title): why a message failed


@dataclass(frozen=True, slots=True)
class Inbound:
    events: tuple[Event, ...] = ()
    statuses: tuple[DeliveryStatus, ...] = ()
    ignored: tuple[str, ...] = field(default=())  # what was not for us, for the log


def parse_body(body: Any, phone_number_id: str | None = None) -> Inbound:
    """A decoded webhook body -> its events and statuses, in order. Changes addressed to
    another phone number of the same app are ignored (the app may serve several numbers)."""
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        raise MalformedUpdate("not a whatsapp_business_account webhook")
    events: list[Event] = []
    statuses: list[DeliveryStatus] = []
    ignored: list[str] = []
    for change in _changes(body):
        value = _dict(change.get("value"), "value")
        if change.get("field") != "messages":
            ignored.append(f"field {change.get('field')!r}")
            continue
        number = _dict(value.get("metadata", {}), "metadata").get("phone_number_id")
        if phone_number_id is not None and number is not None and str(number) != phone_number_id:
            ignored.append(f"phone number id {number}")
            continue
        names = _names(value.get("contacts", []))
        for message in _list(value.get("messages", []), "messages"):
            event = parse_message(_dict(message, "message"), names)
            if event is None:
                ignored.append(f"message type {message.get('type')!r}")
            else:
                events.append(event)
        statuses.extend(parse_status(_dict(s, "status"))
                        for s in _list(value.get("statuses", []), "statuses"))
    return Inbound(tuple(events), tuple(statuses), tuple(ignored))


def _changes(body: dict[str, Any]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    for entry in _list(body.get("entry"), "entry"):
        changes.extend(_dict(c, "change") for c in _list(_dict(entry, "entry").get("changes"),
                                                         "changes"))
    return changes


def _names(contacts: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for contact in _list(contacts, "contacts"):
        profile = _dict(contact, "contact").get("profile") or {}
        if isinstance(profile, dict) and profile.get("name") and contact.get("wa_id"):
            names[str(contact["wa_id"])] = str(profile["name"])
    return names


def parse_message(message: dict[str, Any], names: dict[str, str]) -> Event | None:
    """One inbound message -> one event; None only for reactions (nothing to answer)."""
    try:
        sender, message_id, kind = str(message["from"]), str(message["id"]), str(message["type"])
        moment = datetime.fromtimestamp(int(message["timestamp"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise MalformedUpdate(f"message without from/id/type/timestamp ({exc!r})") from exc
    if kind in IGNORED_TYPES:
        return None
    common: dict[str, Any] = {
        "event_id": f"{PLATFORM}:{message_id}",  # a redelivered webhook is processed once
        "occurred_at": moment,
        "conversation": ConversationRef(PLATFORM, sender, sender),
        "display_name": names.get(sender),
    }
    content = message.get(kind)
    if kind == "text" and isinstance(content, dict) and isinstance(content.get("body"), str):
        return parse_text(content["body"], common)
    if kind in ("audio", "video", "document") and isinstance(content, dict) and content.get("id"):
        return _media(kind, content, common)
    pressed = _pressed(kind, content, message.get("context"))
    if pressed is not None:
        return ButtonPressed(**common, payload=pressed[0], message_ref=pressed[1])
    # images, stickers, locations, contacts, "unsupported"...: the engine says what it takes
    return UnsupportedReceived(**common, description=kind, raw=message)


def parse_text(text: str, common: dict[str, Any]) -> Event:
    """An invite token alone starts that invite; `/name args` is a command, as on Telegram."""
    return typed_event(text, common)


def _media(kind: str, content: dict[str, Any], common: dict[str, Any]) -> MediaReceived:
    if kind == "audio":  # a voice note recorded in the app carries voice: true (OGG/Opus)
        media_kind = MediaKind.VOICE if content.get("voice") else MediaKind.AUDIO
    else:
        media_kind = MEDIA_KINDS[kind]
    return MediaReceived(
        **common, kind=media_kind, file_ref=str(content["id"]),
        mime=str(content.get("mime_type") or DEFAULT_MIME[kind]),
        file_unique_id=str(content["sha256"]) if content.get("sha256") else None,
        file_name=str(content["filename"]) if content.get("filename") else None,
    )


def _pressed(kind: str, content: Any, context: Any) -> tuple[str, str | None] | None:
    """(payload, the message the button was on) for a reply button, a list row, or a
    template's quick-reply button."""
    if not isinstance(content, dict):
        return None
    on = str(context["id"]) if isinstance(context, dict) and context.get("id") else None
    if kind == "button" and content.get("payload") is not None:
        return str(content["payload"]), on
    if kind != "interactive":
        return None
    reply = content.get(str(content.get("type")))
    if content.get("type") in ("button_reply", "list_reply") and isinstance(reply, dict) \
            and reply.get("id") is not None:
        return str(reply["id"]), on
    return None


def parse_status(status: dict[str, Any]) -> DeliveryStatus:
    errors = tuple(
        (_code(e.get("code")), str(e.get("title") or e.get("message") or ""))
        for e in _list(status.get("errors") or [], "errors") if isinstance(e, dict)
    )
    return DeliveryStatus(
        message_id=str(status.get("id", "")), status=str(status.get("status", "")),
        recipient_id=str(status.get("recipient_id", "")), errors=errors,
    )


def _code(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedUpdate(f"{what} is not a list")
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedUpdate(f"{what} is not an object")
    return value
