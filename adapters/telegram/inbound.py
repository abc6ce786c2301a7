"""Telegram updates -> neutral events (lossless: media keeps duration, size and mime)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.types import CallbackQuery, Message, Update

from conversations.events import (
    ButtonPressed,
    CommandReceived,
    ConversationRef,
    Event,
    MediaKind,
    MediaReceived,
    Platform,
    Started,
    TextReceived,
    UnsupportedReceived,
)

PLATFORM = Platform.TELEGRAM
VIDEO_NOTE_MIME = "video/mp4"  # video notes carry no mime_type: they are always MP4
VOICE_MIME = "audio/ogg"
# Telegram keeps names to 64 characters each; a forged update must not overflow the
# varchar columns these end up in (PostgreSQL refuses, SQLite would not notice).
MAX_NAME = 200
MAX_MIME = 100


def parse_update(update: Update) -> Event | None:
    """One update -> one event; None only for update kinds a candidate bot never needs
    (edited messages, channel posts, chat member changes)."""
    if update.message is not None:
        return parse_message(update.update_id, update.message)
    if update.callback_query is not None:
        return parse_callback(update.update_id, update.callback_query)
    return None


def _common(update_id: int, message: Message) -> dict[str, Any]:
    user = message.from_user
    ref = ConversationRef(
        platform=PLATFORM,
        chat_id=str(message.chat.id),
        user_id=str(user.id if user else message.chat.id),
        thread_id=str(message.message_thread_id) if message.message_thread_id else None,
    )
    return {
        "event_id": f"{PLATFORM}:{update_id}",
        "occurred_at": _aware(message.date),
        "conversation": ref,
        "language": user.language_code if user else None,
        "display_name": user.full_name[:MAX_NAME] if user else None,
        "private": message.chat.type == "private",
    }


def parse_message(update_id: int, message: Message) -> Event:
    common = _common(update_id, message)
    if message.text is not None:
        return _parse_text(message.text, common)
    media = _media_fields(message)
    if media is not None:
        return MediaReceived(**common, **media, caption=message.caption)
    return UnsupportedReceived(
        **common,
        description=str(message.content_type),
        raw=message.model_dump(mode="json", exclude_none=True),
    )


def _parse_text(text: str, common: dict[str, Any]) -> Event:
    if not text.startswith("/"):
        return TextReceived(**common, text=text)
    command, _, args = text[1:].partition(" ")
    name = command.split("@", 1)[0].lower()  # "/start@interview_bot" in groups
    args = args.strip()
    if name == "start" and args:
        return Started(**common, invite_token=args)
    return CommandReceived(**common, name=name, args=args)


def _media_fields(message: Message) -> dict[str, Any] | None:
    if message.voice is not None:
        v = message.voice
        return _media(MediaKind.VOICE, v.file_id, v.file_unique_id, v.duration, v.file_size,
                      v.mime_type or VOICE_MIME)
    if message.video_note is not None:
        n = message.video_note
        return _media(MediaKind.VIDEO_NOTE, n.file_id, n.file_unique_id, n.duration,
                      n.file_size, VIDEO_NOTE_MIME)
    if message.video is not None:
        d = message.video
        return _media(MediaKind.VIDEO, d.file_id, d.file_unique_id, d.duration, d.file_size,
                      d.mime_type or "video/mp4", d.file_name)
    if message.audio is not None:
        a = message.audio
        return _media(MediaKind.AUDIO, a.file_id, a.file_unique_id, a.duration, a.file_size,
                      a.mime_type or "audio/mpeg", a.file_name)
    if message.document is not None:
        doc = message.document
        return _media(MediaKind.DOCUMENT, doc.file_id, doc.file_unique_id, None,
                      doc.file_size, doc.mime_type or "application/octet-stream",
                      doc.file_name)
    return None


def _media(
    kind: MediaKind, file_id: str, unique_id: str, duration: int | None,
    size: int | None, mime: str, file_name: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "file_ref": file_id,
        "file_unique_id": unique_id,
        "duration_s": float(duration) if duration is not None else None,
        "size_bytes": size,
        "mime": mime[:MAX_MIME],
        "file_name": file_name,
    }


def parse_callback(update_id: int, query: CallbackQuery) -> Event:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    message_id = query.message.message_id if query.message is not None else None
    return ButtonPressed(
        event_id=f"{PLATFORM}:{update_id}",
        occurred_at=datetime.now(UTC),  # callback queries carry no date
        conversation=ConversationRef(PLATFORM, str(chat_id), str(query.from_user.id)),
        language=query.from_user.language_code,
        display_name=query.from_user.full_name[:MAX_NAME],
        payload=query.data or "",
        message_ref=str(message_id) if message_id is not None else None,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
