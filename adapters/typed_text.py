"""What a candidate types, as an event, on channels where commands and invite tokens arrive
as plain text (WhatsApp, Slack DMs): an invite token alone, or after a `start` command, opens
that invite; a command mark (`/`, and in Slack `!`) starts a command; the rest is text."""

from __future__ import annotations

import re
from typing import Any

from conversations.events import CommandReceived, Event, Started, TextReceived

# How an invite token looks: `secrets.token_urlsafe(24)`, 32 URL-safe characters.
INVITE_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def typed_event(text: str, common: dict[str, Any], marks: tuple[str, ...] = ("/",)) -> Event:
    """`common` holds the event's id, time and conversation."""
    stripped = text.strip()
    if INVITE_TOKEN.fullmatch(stripped):
        return Started(**common, invite_token=stripped)
    if stripped[:1] not in marks or len(stripped) < 2:
        return TextReceived(**common, text=text)
    name, _, args = stripped[1:].partition(" ")
    if name.lower() == "start" and INVITE_TOKEN.fullmatch(args.strip()):
        return Started(**common, invite_token=args.strip())
    return CommandReceived(**common, name=name.lower(), args=args.strip())
