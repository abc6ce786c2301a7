"""Media messages a simulated user sends: files are registered in the fake's file store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import telegram

from tests.fakes.telegram.media import probe_media
from tests.fakes.telegram.records import StoredFile
from tests.fakes.telegram.user_chat import UserChat

MediaSource = str | Path | bytes


def _read(source: MediaSource) -> bytes:
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def _file_name(source: MediaSource, default: str | None = None) -> str | None:
    return default if isinstance(source, bytes) else (default or Path(source).name)


class UserMediaMixin(UserChat):
    """``send_voice``, ``send_video_note``, ``send_video``, ``send_audio``, ``send_document``..."""

    def _register(
        self,
        source: MediaSource,
        kind: str,
        *,
        file_size: int | None,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> tuple[StoredFile, dict[str, int]]:
        data = _read(source)
        info = probe_media(data) if kind in ("voice", "video_note", "video", "audio") else {}
        stored = self.fake.new_file(
            data, kind, file_size=file_size, mime_type=mime_type, file_name=file_name
        )
        return stored, info

    async def send_voice(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        file_size: int | None = None,
        mime_type: str = "audio/ogg",
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored, info = self._register(path, "voice", file_size=file_size, mime_type=mime_type)
        voice = telegram.Voice(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            duration=duration if duration is not None else info.get("duration", 0),
            mime_type=mime_type,
            file_size=stored.file_size,
        )
        return self._emit_message(voice=voice, caption=caption)

    async def send_video_note(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        length: int | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        stored, info = self._register(path, "video_note", file_size=file_size)
        note = telegram.VideoNote(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            length=length if length is not None else info.get("width", 384),
            duration=duration if duration is not None else info.get("duration", 0),
            file_size=stored.file_size,
        )
        return self._emit_message(video_note=note)

    async def send_video(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        width: int | None = None,
        height: int | None = None,
        file_size: int | None = None,
        mime_type: str = "video/mp4",
        file_name: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        name = _file_name(path, file_name)
        stored, info = self._register(
            path, "video", file_size=file_size, mime_type=mime_type, file_name=name
        )
        video = telegram.Video(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=width if width is not None else info.get("width", 0),
            height=height if height is not None else info.get("height", 0),
            duration=duration if duration is not None else info.get("duration", 0),
            mime_type=mime_type,
            file_name=name,
            file_size=stored.file_size,
        )
        return self._emit_message(video=video, caption=caption)

    async def send_audio(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        file_size: int | None = None,
        performer: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        name = _file_name(path, file_name)
        if mime_type is None:
            mime_type = _guess_mime(name, "audio/mpeg")
        stored, info = self._register(
            path, "audio", file_size=file_size, mime_type=mime_type, file_name=name
        )
        audio = telegram.Audio(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            duration=duration if duration is not None else info.get("duration", 0),
            performer=performer,
            title=title,
            file_name=name,
            mime_type=mime_type,
            file_size=stored.file_size,
        )
        return self._emit_message(audio=audio)

    async def send_document(
        self,
        path: MediaSource,
        mime: str | None = None,
        *,
        file_name: str | None = None,
        file_size: int | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        name = _file_name(path, file_name)
        mime = mime or _guess_mime(name, "application/octet-stream")
        stored, _ = self._register(
            path, "document", file_size=file_size, mime_type=mime, file_name=name
        )
        document = telegram.Document(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            file_name=name,
            mime_type=mime,
            file_size=stored.file_size,
        )
        return self._emit_message(document=document, caption=caption)

    async def send_sticker(self, emoji: str = "\N{THUMBS UP SIGN}") -> dict[str, Any]:
        stored, _ = self._register(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "sticker", file_size=None)
        sticker = telegram.Sticker(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            type="regular",
            emoji=emoji,
            file_size=stored.file_size,
        )
        return self._emit_message(sticker=sticker)

    async def send_photo(
        self, path: MediaSource = b"\xff\xd8\xff\xd9", *, caption: str | None = None
    ) -> dict[str, Any]:
        stored, _ = self._register(path, "photo", file_size=None)
        photo = telegram.PhotoSize(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=320,
            height=320,
            file_size=stored.file_size,
        )
        return self._emit_message(photo=[photo], caption=caption)


def _guess_mime(name: str | None, default: str) -> str:
    import mimetypes

    if not name:
        return default
    return mimetypes.guess_type(name)[0] or default
