"""Slack Web API calls the reviewer side makes, with SDK failures mapped to ours.

429 / 5xx / network trouble -> `DeliveryFailed(retry_after=...)` (the outbox retries);
anything Slack says will never work (`channel_not_found`, `not_in_channel`, `invalid_auth`,
bad blocks) -> `RecipientUnavailable`. The SDK type stays inside this package.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.errors import DeliveryFailed, MediaUnavailable, RecipientUnavailable

log = logging.getLogger(__name__)

RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
FILE_GONE = frozenset({"file_not_found", "file_deleted"})


def build_client(token: str, api_url: str) -> AsyncWebClient:
    base = api_url if api_url.endswith("/") else api_url + "/"
    # No SDK retries: slack_sdk retries a call whose connection broke, which posts a
    # message twice when Slack had accepted it. The outbox retries instead, and looks a
    # review post up by its metadata before posting it again.
    return AsyncWebClient(token=token, base_url=base, timeout=30, retry_handlers=[])


@asynccontextmanager
async def mapped_errors(method: str) -> AsyncIterator[None]:
    try:
        yield
    except SlackApiError as exc:
        status = exc.response.status_code
        error = str(exc.response.get("error", "")) if exc.response is not None else ""
        if status == 429 or error in RETRYABLE_ERRORS or status >= 500:
            retry = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                "retry-after"
            )
            raise DeliveryFailed(
                f"slack {method}: {status} {error}",
                retry_after=float(retry) if retry else None,
            ) from exc
        raise RecipientUnavailable(f"slack {method}: {error or status}") from exc
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryFailed(f"slack {method}: {exc!r}") from exc


@dataclass
class SlackWeb:
    client: AsyncWebClient

    async def post(
        self, channel: str, message: dict[str, Any], thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        async with mapped_errors("chat.postMessage"):
            resp = await self.client.chat_postMessage(
                channel=channel, text=message["text"], blocks=message.get("blocks"),
                thread_ts=thread_ts, unfurl_links=False, unfurl_media=False,
                metadata=metadata,
            )
        return str(resp["ts"])

    async def find_by_metadata(
        self, channel: str, event_type: str, key: str, value: str, oldest: float
    ) -> str | None:
        """The ts of the newest top-level message since `oldest` (epoch seconds) whose
        metadata says `event_type` with `key` = `value`. One conversations.history call:
        it is rate-limited hard for new apps, so only recovery after a crash uses it."""
        async with mapped_errors("conversations.history"):
            resp = await self.client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True,
            )
        for message in resp.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == event_type and str(payload.get(key)) == value:
                return str(message["ts"])
        return None

    async def update(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        async with mapped_errors("chat.update"):
            await self.client.chat_update(
                channel=channel, ts=ts, text=message["text"], blocks=message.get("blocks"),
            )

    async def ephemeral(
        self, channel: str, user: str, text: str, response_url: str = ""
    ) -> None:
        """Only `user` sees it. chat.postEphemeral, or, for someone outside the channel
        (Slack answers user_not_in_channel), the interaction's response_url. Best effort:
        a note that cannot be shown is logged, never raised."""
        try:
            async with mapped_errors("chat.postEphemeral"):
                await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except (DeliveryFailed, RecipientUnavailable) as exc:
            if not response_url:
                log.warning("ephemeral to %s in %s not shown: %s", user, channel, exc)
                return
        try:
            resp = await AsyncWebhookClient(response_url).send(
                text=text, response_type="ephemeral", replace_original=False
            )
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("ephemeral to %s via response_url not shown: %r", user, exc)
            return
        if resp.status_code != 200:
            log.warning("ephemeral to %s via response_url: %s", user, resp.status_code)

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        async with mapped_errors("views.open"):
            await self.client.views_open(trigger_id=trigger_id, view=view)

    async def members(self, channel: str) -> frozenset[str]:
        found: set[str] = set()
        cursor: str | None = None
        async with mapped_errors("conversations.members"):
            while True:
                resp = await self.client.conversations_members(
                    channel=channel, cursor=cursor, limit=1000
                )
                found.update(str(m) for m in resp.get("members") or [])
                cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return frozenset(found)

    async def delete_file(self, file_id: str) -> None:
        """Delete a file the bot uploaded; one already gone counts as deleted."""
        async with mapped_errors("files.delete"):
            try:
                await self.client.files_delete(file=file_id)
            except SlackApiError as exc:
                if exc.response.get("error") not in FILE_GONE:
                    raise

    async def upload(
        self, channel: str, thread_ts: str, path: Path, filename: str, title: str
    ) -> str:
        """External upload flow (files.getUploadURLExternal, POST bytes,
        files.completeUploadExternal) via slack_sdk's `files_upload_v2`, into the thread."""
        content = await asyncio.to_thread(path.read_bytes)
        async with mapped_errors("files.completeUploadExternal"):
            resp = await self.client.files_upload_v2(
                channel=channel, thread_ts=thread_ts, content=content, filename=filename,
                title=title, request_file_info=False,
            )
        files = resp.get("files") or [resp.get("file") or {}]
        return str(files[0].get("id", "")) if files else ""


DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=120, sock_connect=10)
DOWNLOAD_CHUNK = 65536


async def private_file(token: str | None, url: str, label: str,
                       limits: aiohttp.ClientTimeout = DOWNLOAD_TIMEOUT
                       ) -> AsyncIterator[bytes]:
    """The bytes of a Slack file at its `url_private(_download)`, with the bot token (without
    it Slack answers with its HTML sign-in page, which is refused, never taken for the file).
    `label` names the file in errors; aiohttp's own text may quote the URL, so it is left out
    (the token is only in a header)."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession(timeout=limits) as session, \
                session.get(url, headers=headers) as resp:
            if resp.status != 200 or resp.content_type == "text/html":
                raise MediaUnavailable(f"slack file {label}: HTTP {resp.status} "
                                       f"{resp.content_type}")
            async for chunk in resp.content.iter_chunked(DOWNLOAD_CHUNK):
                yield chunk
    except aiohttp.ClientError as exc:
        raise MediaUnavailable(f"download of slack file {label} failed: "
                               f"{type(exc).__name__}") from None
