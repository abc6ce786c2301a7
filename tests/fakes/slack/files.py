"""Files: the external upload flow, ``files.info``, upload URLs and ``url_private`` downloads."""

from __future__ import annotations

import mimetypes
import secrets

from aiohttp import web

from tests.fakes.slack.dispatch import bearer_token
from tests.fakes.slack.messages import MessageStoreMixin
from tests.fakes.slack.records import ApiHandler, FakeFile, JsonDict, SlackApiFailure, require

LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Slack</title></head>"
    "<body><h1>Sign in to your workspace</h1><form action='/signin'></form></body></html>"
)


class FilesMixin(MessageStoreMixin):
    """``files.getUploadURLExternal`` -> POST upload_url -> ``files.completeUploadExternal``.

    Downloads of ``url_private`` without a valid bot token get Slack's login page (HTTP 200),
    which is what a bot that forgets the ``Authorization`` header really receives.
    """

    def _api_handlers(self) -> dict[str, ApiHandler]:
        return {
            **super()._api_handlers(),
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
            "files.delete": self._files_delete,
        }

    def add_file(
        self,
        content: bytes,
        *,
        name: str = "file.bin",
        mimetype: str | None = None,
        user: str = "U0USER001",
        title: str | None = None,
    ) -> FakeFile:
        """Register a file uploaded by a user (e.g. for ``message`` events with ``files``)."""
        f = self._new_file(name=name, title=title or name, length=len(content), user=user)
        f.content = content
        if mimetype:
            f.mimetype = mimetype
        return f

    def uploaded_files(self, channel: str | None = None) -> list[FakeFile]:
        """Files shared into ``channel`` (all completed uploads if None)."""
        files = [f for f in self._files.values() if f.uploaded]
        if channel is None:
            return files
        ch = self._resolve_channel(channel)
        return [f for f in files if ch in f.channels]

    def file(self, file_id: str) -> FakeFile:
        return self._files[file_id]

    def deleted_files(self) -> set[str]:
        """Ids of files removed with ``files.delete``."""
        return set(self._deleted_files)

    def _new_file(self, *, name: str, title: str, length: int, user: str) -> FakeFile:
        fid = self._new_id("F")
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        f = FakeFile(
            id=fid,
            name=name,
            title=title,
            length=length,
            user=user,
            created=int(self.now()),
            mimetype=mimetype,
        )
        f.url_private = f"{self.base_url}/files-pri/{self.team_id}-{fid}/{name}"
        f.url_private_download = f"{self.base_url}/files-pri/{self.team_id}-{fid}/download/{name}"
        self._files[fid] = f
        return f

    # ------------------------------------------------------------------ Web API methods

    async def _files_get_upload_url(self, params: JsonDict, token: str) -> JsonDict:
        require(params, "filename", "length")
        try:
            length = int(params["length"])
        except (TypeError, ValueError):
            raise SlackApiFailure("invalid_arguments") from None
        if length <= 0:
            raise SlackApiFailure("invalid_arguments")
        name = str(params["filename"])
        f = self._new_file(name=name, title=name, length=length, user=self.bot_user_id)
        upload_id = secrets.token_hex(12)
        self._uploads[upload_id] = f.id
        return {
            "ok": True,
            "upload_url": f"{self.base_url}/upload/v1/{upload_id}",
            "file_id": f.id,
        }

    async def _files_complete_upload(self, params: JsonDict, token: str) -> JsonDict:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise SlackApiFailure("invalid_arguments", needed="files")
        channels: list[str] = []
        if params.get("channel_id"):
            channels.append(self._resolve_channel(str(params["channel_id"])))
        if params.get("channels"):
            channels += [
                self._resolve_channel(c.strip())
                for c in str(params["channels"]).split(",")
                if c.strip()
            ]
        thread_ts = params.get("thread_ts")
        if thread_ts and len(channels) != 1:
            raise SlackApiFailure("invalid_arguments")
        fakes: list[FakeFile] = []
        for entry in files:
            f = self._files.get(str(entry.get("id")))
            if f is None:
                raise SlackApiFailure("file_not_found")
            if not f.uploaded:
                raise SlackApiFailure("file_upload_incomplete")
            if entry.get("title"):
                f.title = str(entry["title"])
            fakes.append(f)
        comment = params.get("initial_comment")
        for channel in channels:
            for f in fakes:
                if channel not in f.channels:
                    f.channels.append(channel)
                f.thread_ts = str(thread_ts) if thread_ts else None
                f.initial_comment = comment
            msg_params: JsonDict = {"text": comment or "", "thread_ts": thread_ts}
            if not comment and params.get("blocks"):
                msg_params["blocks"] = params["blocks"]
            msg = self._bot_message(channel, msg_params)
            msg["subtype"] = "file_share"
            msg["files"] = [f.to_api() for f in fakes]
            self._store_message(channel, msg)
        return {"ok": True, "files": [f.to_api() for f in fakes]}

    async def _files_info(self, params: JsonDict, token: str) -> JsonDict:
        require(params, "file")
        f = self._files.get(str(params["file"]))
        if f is None:
            raise SlackApiFailure("file_not_found")
        return {"ok": True, "file": f.to_api()}

    async def _files_delete(self, params: JsonDict, token: str) -> JsonDict:
        """Deletes the file; messages that shared it keep a tombstone, as in Slack."""
        require(params, "file")
        fid = str(params["file"])
        if fid in self._deleted_files:
            raise SlackApiFailure("file_deleted")
        f = self._files.get(fid)
        if f is None:
            raise SlackApiFailure("file_not_found")
        if f.user != self.bot_user_id:
            raise SlackApiFailure("cant_delete_file")
        del self._files[fid]
        self._deleted_files.add(fid)
        for msgs in self._messages.values():
            for msg in msgs:
                if "files" in msg:
                    msg["files"] = [{"id": fid, "mode": "tombstone"} if e.get("id") == fid
                                    else e for e in msg["files"]]
        return {"ok": True}

    # ------------------------------------------------------------------ non-API endpoints

    async def _handle_upload(self, request: web.Request) -> web.Response:
        upload_id = request.match_info["upload_id"]
        fid = self._uploads.get(upload_id)
        if fid is None:
            await self._record("file.upload", {"upload_id": upload_id}, None, 404, {})
            return web.Response(status=404, text="upload_url_not_found")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = next((v for v in form.values() if isinstance(v, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        f = self._files[fid]
        f.content = data
        params = {"upload_id": upload_id, "file_id": fid, "size": len(data)}
        await self._record("file.upload", params, None, 200, {})
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def _handle_download(self, request: web.Request) -> web.Response:
        team_file = request.match_info["team_file"]
        fid = team_file.split("-", 1)[-1]
        f = self._files.get(fid)
        token = bearer_token(request)
        authed = token is not None and token in self.valid_tokens
        params = {"file_id": fid, "authorized": authed}
        if not authed:
            await self._record("file.download", params, token, 200, {"login_page": True})
            return web.Response(text=LOGIN_PAGE, content_type="text/html")
        if f is None or f.content is None:
            await self._record("file.download", params, token, 404, {})
            return web.Response(status=404, text="file_not_found")
        await self._record("file.download", params, token, 200, {"size": len(f.content)})
        return web.Response(body=f.content, content_type=f.mimetype)
