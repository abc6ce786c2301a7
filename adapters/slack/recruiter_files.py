"""Files between a recruiter and the bot in Slack. A slash command cannot carry a file, so a
recruiter shares the file in their direct messages with the bot, with the command as its
message (`new spring`, `edit spring`, `invite spring`); files the bot sends back (an export,
a links CSV, the funnel chart) go into that same DM. The rules are the recruiter desk's; this
module only fetches bytes (with the bot token: without it Slack serves a login page) and
uploads them.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.errors import AdapterError, MediaTooLarge, MediaUnavailable
from adapters.slack.transport import mapped_errors, private_file
from conversations.messages import Attachment

log = logging.getLogger(__name__)
JsonDict = dict[str, Any]
FILE_VERBS = frozenset({"new", "edit", "invite"})
MAX_FILE_BYTES = 1024 * 1024  # a kit or a roster; anything bigger is refused by the desk
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=30)


class RecruiterFiles(Protocol):
    """The recruiter desk's file-aware entry (`bot/recruiting/desk.py`)."""

    def is_recruiter(self, actor: str) -> bool: ...

    async def command_with_file(
        self, actor: str, text: str, prefix: str, file: Attachment | None
    ) -> tuple[str, Attachment | None]: ...


def file_command(event: JsonDict) -> tuple[str, JsonDict] | None:
    """(command text, the first file) of a DM message that shares a file with a command."""
    files = event.get("files")
    if event.get("channel_type") != "im" or event.get("bot_id") or not isinstance(files, list):
        return None
    text = str(event.get("text") or "").strip().removeprefix("/interview ").lstrip("/")
    verb = text.split(" ", 1)[0].lower()
    if verb not in FILE_VERBS or not files or not isinstance(files[0], dict):
        return None
    return text, files[0]


async def fetch(client: AsyncWebClient, file: JsonDict) -> Attachment:
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    name = str(file.get("name") or "file")
    if not url:
        raise MediaUnavailable("slack file without a download URL")
    data = bytearray()
    try:
        async for chunk in private_file(client.token, url, name, FETCH_TIMEOUT):
            data += chunk
            if len(data) > MAX_FILE_BYTES:
                break
    except TimeoutError as exc:
        raise MediaUnavailable(f"slack file download: {type(exc).__name__}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise MediaTooLarge(f"{name} is over {MAX_FILE_BYTES} bytes")
    return Attachment(name, str(file.get("mimetype") or "application/octet-stream"),
                      bytes(data))


async def send_back(client: AsyncWebClient, user_id: str, text: str,
                    file: Attachment | None) -> None:
    """Into the recruiter's DM with the bot: the text, with the file when there is one."""
    async with mapped_errors("conversations.open"):
        opened = await client.conversations_open(users=user_id)
    channel = str((opened.get("channel") or {}).get("id", ""))
    if file is None:
        async with mapped_errors("chat.postMessage"):
            await client.chat_postMessage(channel=channel, text=text)
        return
    async with mapped_errors("files.completeUploadExternal"):
        await client.files_upload_v2(channel=channel, content=file.data,
                                     filename=file.file_name, title=file.file_name,
                                     initial_comment=text, request_file_info=False)


async def answer_file_message(client: AsyncWebClient, files: RecruiterFiles, actor: str,
                              user_id: str, event: JsonDict, prefix: str) -> bool:
    """True when `event` was a recruiter's file command (answered in the DM)."""
    found = file_command(event)
    if found is None:
        return False
    text, shared = found
    if not files.is_recruiter(actor):  # refused (and audited) without fetching the file
        reply, _ = await files.command_with_file(actor, text, prefix, None)
        await send_back(client, user_id, reply, None)
        return True
    try:
        upload: Attachment | None = await fetch(client, shared)
    except AdapterError as exc:
        log.warning("slack: a recruiter's file could not be fetched: %s", exc)
        await send_back(client, user_id, "I could not download that file; please share it "
                        "again.", None)
        return True
    reply, back = await files.command_with_file(actor, text, prefix, upload)
    await send_back(client, user_id, reply, back)
    return True
