"""Slack DM payloads from candidates -> neutral events (pure, unit-tested).

Candidates talk to the bot in its direct message (`im`) channel. A `message` event there is
text, or (`subtype: file_share`) one or more files: clips recorded in Slack (audio or video,
MP4/WebM) or uploads. A `block_actions` click on one of our candidate buttons (action id
`cand_<n>`, the engine's payload as the value) is a button press; the invite button of the
welcome message (action id `cand_open`, the invite token as the value) opens the invite.

Event ids: a message is `slack:<team event id>` (Slack's `event_id`, the same on every
`X-Slack-Retry-Num` redelivery, so the runtime's processed-ids table handles it once); its
n-th file adds `:<n>`. A click is `slack:click:<channel>:<message ts>:<action ts>`.
"""

from __future__ import annotations

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
    Started,
    UnsupportedReceived,
)

PLATFORM = Platform.SLACK
BUTTON_PREFIX = "cand_"  # candidate buttons: cand_0, cand_1 ... (unique in their block)
COMMAND_MARKS = ("!", "/")
OPEN_INVITE = "cand_open"  # the welcome's button; its value is the invite token
# Message subtypes that are not something the candidate said (edits, deletions, joins, ...).
SAID = frozenset({None, "", "file_share", "thread_broadcast"})
JsonDict = dict[str, Any]


def is_candidate_message(event: JsonDict) -> bool:
    """A message in a DM with the bot, written by a person (not by a bot, ours included)."""
    return (event.get("type") == "message" and event.get("channel_type") == "im"
            and event.get("subtype") in SAID and not event.get("bot_id")
            and bool(event.get("user")))


def parse_message(body: JsonDict) -> list[Event]:
    """An `event_callback` envelope of a DM message -> its events, files first."""
    event: JsonDict = body["event"]
    user, channel = str(event["user"]), str(event["channel"])
    base_id = f"{PLATFORM}:{body.get('event_id') or event.get('client_msg_id') or event['ts']}"
    common: JsonDict = {
        "occurred_at": _moment(event.get("ts")),
        "conversation": ConversationRef(PLATFORM, channel, user),
    }
    files = [f for f in event.get("files") or [] if isinstance(f, dict)]
    events: list[Event] = [_file(f, {**common, "event_id": f"{base_id}:{n}"})
                           for n, f in enumerate(files)]
    text = str(event.get("text") or "")
    if text.strip() or not files:
        events.append(parse_text(text, {**common, "event_id": base_id}))
    return events


def parse_text(text: str, common: JsonDict) -> Event:
    """Commands are `!status` (Slack keeps `/word` typed in a DM for its own slash commands;
    `/status` is read too, for clients that send it); an invite token typed alone (or after
    `!start`) opens that invite, as in WhatsApp; anything else is text."""
    return typed_event(text, common, COMMAND_MARKS)


def _file(file: JsonDict, common: JsonDict) -> Event:
    if file.get("mode") in ("tombstone", "hidden_by_limit") or not file.get("id"):
        return UnsupportedReceived(**common, description="file", raw=file)
    mime = str(file.get("mimetype") or "application/octet-stream")
    duration = file.get("duration_ms")
    return MediaReceived(
        **common, kind=media_kind(file), file_ref=str(file["id"]), mime=mime,
        size_bytes=int(file["size"]) if isinstance(file.get("size"), int) else None,
        duration_s=duration / 1000 if isinstance(duration, int | float) else None,
        file_name=str(file["name"]) if file.get("name") else None,
    )


def media_kind(file: JsonDict) -> MediaKind:
    """A clip recorded in Slack (`subtype: slack_audio` / `slack_video`) is a voice note or a
    video; an uploaded file is audio, video or a document by its mime type."""
    mime = str(file.get("mimetype") or "")
    subtype = file.get("subtype")
    if subtype == "slack_audio":
        return MediaKind.VOICE
    if subtype == "slack_video" or mime.startswith("video/"):
        return MediaKind.VIDEO
    if mime.startswith("audio/"):
        return MediaKind.AUDIO
    return MediaKind.DOCUMENT


def parse_click(body: JsonDict) -> Event | None:
    """A `block_actions` payload on a candidate button -> Started / ButtonPressed; None when
    the click is not on one of ours."""
    action = (body.get("actions") or [{}])[0]
    action_id = str(action.get("action_id") or "")
    if not action_id.startswith(BUTTON_PREFIX):
        return None
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    # The payload names the person only by handle: the name the recruiter gave stays.
    user = str((body.get("user") or {}).get("id") or "")
    message_ts = str(container.get("message_ts") or "")
    if not channel or not user:
        return None
    action_ts = str(action.get("action_ts") or message_ts)
    common: JsonDict = {
        "event_id": f"{PLATFORM}:click:{channel}:{message_ts}:{action_ts}",
        "occurred_at": _moment(action_ts),
        "conversation": ConversationRef(PLATFORM, channel, user),
    }
    value = str(action.get("value") or "")
    if action_id == OPEN_INVITE:
        return Started(**common, invite_token=value)
    return ButtonPressed(**common, payload=value, message_ref=message_ts or None)


def _moment(ts: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)
