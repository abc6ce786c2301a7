"""Slack direct messages as a candidate channel (`adapters.base.Channel`).

Inbound: the shared Bolt app (`app.py`) hands DM message events and clicks on candidate
buttons to `receive_message` / `receive_click`, after its ack (Slack wants one within 3 s);
they become neutral events (`dm_inbound.py`) for the service's sink. Outbound: Block Kit
through chat.postMessage, countdowns edited in place with chat.update (`dm_render.py`),
paced at about one message a second per DM (Slack's limit for chat.postMessage). Downloads:
files.info first (the size is checked before any byte is fetched), then the file's
`url_private_download` with the bot token as a bearer; Slack answers a request without it
with its HTML sign-in page and status 200, which is refused, never stored as an answer.
Invites: `open_invite` opens the DM (conversations.open) and posts the welcome with the
button that opens the interview; the invite thereby goes to that one person.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.base import EventSink, SentMessage
from adapters.errors import MediaTooLarge, MediaUnavailable, RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.slack import dm_inbound
from adapters.slack.dm_render import CAPABILITIES, render, welcome
from adapters.slack.transport import SlackWeb, mapped_errors, private_file
from conversations.events import ConversationRef, Event, Platform
from conversations.messages import RenderedMessage

log = logging.getLogger(__name__)
JsonDict = dict[str, Any]
# More than DEAD_LETTER_AFTER_FAILURES (3 by default): the sink sets the event aside first.
HANDLING_ATTEMPTS = 5
RETRY_PAUSE_S = 0.5
USER_ID = re.compile(r"<?@?([UW][A-Z0-9]{6,})(?:\|[^>]*)?>?")
REDIRECT = "https://slack.com/app_redirect?channel={channel}&team={team}"


class SlackDmChannel:
    platform = Platform.SLACK
    capabilities = CAPABILITIES

    def __init__(self, client: AsyncWebClient, limiter: RateLimiter,
                 retry_pause_s: float = RETRY_PAUSE_S) -> None:
        self.client = client
        self.web = SlackWeb(client)
        self._limiter = limiter
        self._sink: EventSink | None = None
        self._team: str | None = None
        self._retry_pause_s = retry_pause_s

    async def start(self, sink: EventSink) -> None:
        self._sink = sink
        log.info("slack: candidates in direct messages (events at /slack/events)")

    async def stop(self) -> None:
        self._sink = None

    # -- inbound -------------------------------------------------------------------------

    async def receive_message(self, body: JsonDict) -> None:
        """A DM `message` event envelope (already acked). A candidate's message that cannot
        be read is kept in the log with its event id, never silently dropped."""
        try:
            events = dm_inbound.parse_message(body)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("slack: unreadable DM message event_id=%s: %r",
                        body.get("event_id"), exc)
            return
        for event in events:
            await self._deliver(event)

    async def receive_click(self, body: JsonDict) -> bool:
        """A `block_actions` payload; False when the button is not a candidate button."""
        event = dm_inbound.parse_click(body)
        if event is None:
            return False
        await self._deliver(event)
        return True

    async def _deliver(self, event: Event) -> None:
        """Slack had its ack already and will not deliver this again, so a failed handling
        is retried here; the service's sink sets an event aside as a dead letter once it
        has failed often enough (it then returns normally), so nothing is lost quietly."""
        if self._sink is None:
            log.warning("slack: event %s arrived before the channel started", event.event_id)
            return
        for attempt in range(1, HANDLING_ATTEMPTS + 1):
            try:
                await self._sink(event)
                return
            except Exception:
                if attempt == HANDLING_ATTEMPTS:
                    raise
                log.warning("slack: handling event %s failed (attempt %d); trying again",
                            event.event_id, attempt)
                await asyncio.sleep(self._retry_pause_s * attempt)  # a backoff, not a timer

    # -- outbound ------------------------------------------------------------------------

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        await self._limiter.acquire(to.chat_id)
        ts = await self.web.post(to.chat_id, render(message.text, message.buttons))
        return SentMessage(message_id=ts)

    async def edit(
        self, to: ConversationRef, message_id: str, message: RenderedMessage
    ) -> None:
        await self._limiter.acquire(to.chat_id)
        await self.web.update(to.chat_id, message_id, render(message.text, message.buttons))

    async def download(self, file_ref: str) -> AsyncIterator[bytes]:
        info = await self._file_info(file_ref)
        cap = CAPABILITIES.max_download_bytes or 0
        size = info.get("size")
        if isinstance(size, int) and size > cap:
            raise MediaTooLarge(f"slack file {file_ref}: {size} bytes")
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        if not url:
            raise MediaUnavailable(f"slack file {file_ref} has no download URL")
        async for chunk in private_file(self.client.token, url, file_ref):
            yield chunk

    async def _file_info(self, file_ref: str) -> JsonDict:
        try:
            async with mapped_errors("files.info"):
                resp = await self.client.files_info(file=file_ref)
        except RecipientUnavailable as exc:
            raise MediaUnavailable(str(exc)) from exc
        file = resp.get("file")
        if not isinstance(file, dict):
            raise MediaUnavailable(f"files.info gave no file for {file_ref}")
        return file

    # -- invites -------------------------------------------------------------------------

    def user_id(self, written: str) -> str | None:
        """`U0123ABCD`, `@U0123ABCD` or a mention as Slack writes it (`<@U0123ABCD|ann>`)."""
        match = USER_ID.fullmatch(written.strip())
        return match.group(1) if match else None

    async def open_invite(self, user_id: str, welcome_message: RenderedMessage) -> str:
        """Opens the DM with `user_id`, posts the welcome with the button that opens the
        invite (its one button's payload is the token); returns the app_redirect link to
        that DM."""
        if len(welcome_message.buttons) != 1:
            raise ValueError("the welcome has exactly one button: the one that opens it")
        (label, token), = welcome_message.buttons
        async with mapped_errors("conversations.open"):
            resp = await self.client.conversations_open(users=user_id)
        channel = str((resp.get("channel") or {}).get("id") or "")
        if not channel:
            raise RecipientUnavailable(f"slack: no DM could be opened with {user_id}")
        await self._limiter.acquire(channel)
        await self.web.post(channel, welcome(welcome_message.text, label, token))
        return REDIRECT.format(channel=channel, team=await self._team_id())

    async def _team_id(self) -> str:
        if self._team is None:
            async with mapped_errors("auth.test"):
                resp = await self.client.auth_test()
            self._team = str(resp.get("team_id") or "")
        return self._team
