"""The file store: files users upload, ``getFile`` + download, and media the bot sends."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from tests.fakes.telegram.errors import bad_request
from tests.fakes.telegram.media import FILE_KINDS, probe_media
from tests.fakes.telegram.messages import MAX_CAPTION_LENGTH, MessagesMixin
from tests.fakes.telegram.params import Params
from tests.fakes.telegram.records import StoredFile

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024


class FilesMixin(MessagesMixin):
    """Stored files by ``file_id``, download links (``file_path``) and ``send<Media>`` methods."""

    #: When set, every file download answers with this HTTP status (a CDN failure).
    download_failure: int | None = None
    #: When set, every download serves this many bytes, whatever ``file_size`` says.
    download_body_size: int | None = None

    def new_file(
        self,
        data: bytes,
        kind: str = "document",
        *,
        file_size: int | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Register bytes so ``getFile`` + download serve them. ``file_size`` may be overridden."""
        self._file_seq += 1
        n = self._file_seq
        stored = StoredFile(
            file_id=f"FAKE{kind.upper()}-{n:06d}-{self.bot_id}",
            file_unique_id=f"uniq{kind[:2]}{n:06d}",
            kind=kind,
            data=data,
            file_size=len(data) if file_size is None else file_size,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        return stored

    def expire_file_links(self) -> None:
        """Invalidate all download links; the bot must call getFile again."""
        for stored in self.files.values():
            stored.file_path = None

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if self.download_failure is not None:
            return web.Response(status=self.download_failure, text="download failed")
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                body = stored.data
                if self.download_body_size is not None:
                    body = (body * (self.download_body_size // max(1, len(body)) + 1))[
                        : self.download_body_size]
                return web.Response(body=body, content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _m_getFile(self, p: Params) -> Any:
        file_id = p.str_("file_id")
        if not file_id:
            raise bad_request("file_id is empty")
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        if stored.file_path is None:
            folder, ext, _ = FILE_KINDS.get(stored.kind, ("documents", "bin", None))
            if stored.file_name and "." in stored.file_name:
                ext = stored.file_name.rsplit(".", 1)[1]
            self._file_seq += 1
            stored.file_path = f"{folder}/file_{self._file_seq}.{ext}"
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _send_media(self, p: Params, kind: str) -> Any:
        state = self._chat_for_send(p)
        content, markup = self._text_and_markup(p, "caption", MAX_CAPTION_LENGTH, allow_empty=True)
        source = p.file(kind)
        if source is None:
            raise bad_request(f"there is no {kind.replace('_', ' ')} in the request")
        _, _, default_mime = FILE_KINDS.get(kind, ("documents", "bin", None))
        if isinstance(source, tuple):
            data, filename = source
            mime = default_mime
            if kind in ("document", "audio") and filename:
                import mimetypes

                mime = mimetypes.guess_type(filename)[0] or default_mime
            stored = self.new_file(data, kind, mime_type=mime, file_name=filename)
        elif source in self.files:
            stored = self.files[source]
        elif re.match(r"^https?://", source):
            if kind == "video_note":
                raise bad_request("wrong file identifier/HTTP URL specified")
            stored = self.new_file(b"", kind, mime_type=default_mime)
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        probe = kind in ("voice", "video_note", "video", "audio")
        info = probe_media(stored.data) if probe else {}
        media: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        duration = p.int_("duration", info.get("duration", 0))
        if kind == "voice":
            media.update(duration=duration, mime_type=stored.mime_type or "audio/ogg")
        elif kind == "video_note":
            media.update(duration=duration, length=p.int_("length", info.get("width", 240)))
        elif kind in ("video", "animation"):
            media.update(
                duration=duration,
                width=p.int_("width", info.get("width", 0)),
                height=p.int_("height", info.get("height", 0)),
                mime_type=stored.mime_type or "video/mp4",
            )
        elif kind == "audio":
            media.update(duration=duration, mime_type=stored.mime_type or "audio/mpeg")
        elif kind == "document":
            media.update(mime_type=stored.mime_type or "application/octet-stream")
        if stored.file_name and kind in ("document", "audio", "video", "animation"):
            media["file_name"] = stored.file_name
        if kind == "photo":
            content["photo"] = [{**media, "width": 320, "height": 320}]
        else:
            content[kind] = media
        if markup is not None:
            content["reply_markup"] = markup
        content.update(self._reply_to(state, p))
        return self._public(self._store_bot_message(state, content))

    async def _m_sendVoice(self, p: Params) -> Any:
        return await self._send_media(p, "voice")

    async def _m_sendVideoNote(self, p: Params) -> Any:
        return await self._send_media(p, "video_note")

    async def _m_sendVideo(self, p: Params) -> Any:
        return await self._send_media(p, "video")

    async def _m_sendDocument(self, p: Params) -> Any:
        return await self._send_media(p, "document")

    async def _m_sendAudio(self, p: Params) -> Any:
        return await self._send_media(p, "audio")

    async def _m_sendPhoto(self, p: Params) -> Any:
        return await self._send_media(p, "photo")

    async def _m_sendAnimation(self, p: Params) -> Any:
        return await self._send_media(p, "animation")
