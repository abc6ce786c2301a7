"""Telegram over aiogram 3: long polling or webhook in, rate-limited Bot API calls out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import TypeVar

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BotCommand, BotCommandScopeChat, BufferedInputFile
from aiohttp import web

from adapters.base import EventSink, Leadership, RejectedInput, RejectionSink, SentMessage
from adapters.errors import DeliveryFailed, MediaTooLarge, MediaUnavailable, RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.telegram.polling import ALLOWED_UPDATES, LongPoller
from adapters.telegram.receiving import ReviewerUpdates, UpdateReceiver
from adapters.telegram.render import CAPABILITIES, fit_text, keyboard
from conversations.events import ConversationRef, Platform
from conversations.messages import Attachment, RenderedMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_CAPTION = 1024  # Bot API: captions of photos and documents
COMMANDS = {
    "start": "Open your interview or continue it",
    "help": "How this works",
    "status": "Where you are and how much time is left",
    "pause": "Take a break and come back later",
    "withdraw": "Withdraw your application",
    "language": "Change the language",
}
RECRUITER_COMMANDS = {
    "new": "New campaign: send a kit file with the caption /new <slug>",
    "edit": "New kit version: send the file with the caption /edit <campaign>",
    "launch": "Start a campaign: /launch <campaign>",
    "close": "End a campaign now: /close <campaign>",
    "clone": "Copy a campaign's kit: /clone <campaign> <new-campaign>",
    "export": "Everything of a campaign as a file: /export <campaign> [csv|jsonl]",
    "campaigns": "Campaigns and how far their candidates are",
    "invite": "Invite candidates: /invite <campaign> <name>, <name>",
    "erase": "Erase an interview now: /erase <interview id>",
}


async def _log_only(rejected: RejectedInput) -> None:
    """Without a place to keep rejected updates (tests), the log line is all there is."""


class TelegramChannel:
    platform = Platform.TELEGRAM
    capabilities = CAPABILITIES

    def __init__(
        self, token: str, api_url: str, limiter: RateLimiter,
        webhook_url: str | None = None, webhook_secret: str | None = None,
        recruiter_chats: tuple[int, ...] = (),
        on_rejected: RejectionSink | None = None,
        leadership: Leadership | None = None,
    ) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
        self.bot = Bot(token=token, session=session)
        self._limiter = limiter
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret
        self._recruiter_chats = recruiter_chats
        self._on_rejected = on_rejected or _log_only
        self._leadership = leadership  # several replicas: only the leader polls
        self._receiver: UpdateReceiver | None = None
        self._poller: LongPoller | None = None
        self._polling: asyncio.Task[None] | None = None
        self.username: str | None = None
        self.reviewer: ReviewerUpdates | None = None  # set when a Telegram group reviews

    async def start(self, sink: EventSink) -> None:
        self._receiver = UpdateReceiver(self.bot, sink, self._on_rejected, self.reviewer)
        me = await self.bot.get_me()
        self.username = me.username
        await self.bot.set_my_commands(
            [BotCommand(command=c, description=d) for c, d in COMMANDS.items()]
        )
        await self._recruiter_menus()
        if self._webhook_url:
            await self.bot.set_webhook(
                self._webhook_url, secret_token=self._webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("telegram: webhook mode at %s", self._webhook_url)
        else:
            await self.bot.delete_webhook()
            self._poller = LongPoller(self.bot, self._receiver.handle_batch)
            polling = self._poller.run if self._leadership is None else \
                partial(self._leadership.lead, self._poller.run)
            self._polling = asyncio.create_task(polling(), name="telegram-poll")
            log.info("telegram: long polling as @%s%s", self.username,
                     "" if self._leadership is None else " (by the replica that leads)")

    async def _recruiter_menus(self) -> None:
        """Recruiters see their commands in the menu of their own chat with the bot."""
        everything = {**COMMANDS, **RECRUITER_COMMANDS}
        commands = [BotCommand(command=c, description=d) for c, d in everything.items()]
        for chat_id in self._recruiter_chats:
            try:
                await self.bot.set_my_commands(commands, BotCommandScopeChat(chat_id=chat_id))
            except TelegramBadRequest as exc:  # they have not opened a chat with the bot yet
                log.warning("telegram: no recruiter menu for chat %s (%s); the commands "
                            "work anyway", chat_id, exc.message)

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        await self.bot.session.close()

    # -- inbound -------------------------------------------------------------------------

    def degraded(self) -> str | None:
        """Why this channel cannot receive right now (for /healthz); None when it can."""
        return self._poller.degraded if self._poller is not None else None

    def polling_role(self) -> str | None:
        """For /healthz: which replica polls (several replicas on PostgreSQL)."""
        if self._poller is None:
            return None
        return "leader" if self._leadership is None or self._leadership.leading \
            else "standby"

    async def webhook(self, request: web.Request) -> web.Response:
        if self._receiver is None:  # not started yet: Telegram will deliver again
            return web.Response(status=503, text="starting")
        return await self._receiver.webhook(request, self._webhook_secret)

    # -- outbound ------------------------------------------------------------------------

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        if message.attachment is not None:
            return await self._send_file(to, message, message.attachment)
        await self._limiter.acquire(to.chat_id)
        sent = await _call(lambda: self.bot.send_message(
            chat_id=int(to.chat_id), text=fit_text(message.text),
            reply_markup=keyboard(message.buttons),
            message_thread_id=int(to.thread_id) if to.thread_id else None,
        ))
        return SentMessage(message_id=str(sent.message_id))

    async def _send_file(
        self, to: ConversationRef, message: RenderedMessage, file: Attachment
    ) -> SentMessage:
        """A PNG as a photo (seen at once in the chat), anything else as a document; the text
        is its caption, or a message of its own before it when too long for one."""
        caption: str | None = message.text
        if len(message.text) > MAX_CAPTION:
            await self.send(to, replace(message, attachment=None))
            caption = None
        upload = BufferedInputFile(file.data, filename=file.file_name)
        thread = int(to.thread_id) if to.thread_id else None
        await self._limiter.acquire(to.chat_id)
        if file.mime == "image/png":
            sent = await _call(lambda: self.bot.send_photo(
                chat_id=int(to.chat_id), photo=upload, caption=caption,
                message_thread_id=thread))
        else:
            sent = await _call(lambda: self.bot.send_document(
                chat_id=int(to.chat_id), document=upload, caption=caption,
                message_thread_id=thread))
        return SentMessage(message_id=str(sent.message_id))

    async def edit(
        self, to: ConversationRef, message_id: str, message: RenderedMessage
    ) -> None:
        await self._limiter.acquire(to.chat_id)
        try:
            await _call(lambda: self.bot.edit_message_text(
                chat_id=int(to.chat_id), message_id=int(message_id),
                text=fit_text(message.text), reply_markup=keyboard(message.buttons),
            ))
        except RecipientUnavailable as exc:
            if "message is not modified" not in str(exc):
                raise

    async def download(self, file_ref: str) -> AsyncIterator[bytes]:
        try:
            file = await _call(lambda: self.bot.get_file(file_ref))
        except RecipientUnavailable as exc:
            if "too big" in str(exc):
                raise MediaTooLarge(str(exc)) from exc
            raise MediaUnavailable(str(exc)) from exc
        if not file.file_path:
            raise MediaUnavailable(f"no file_path for {file_ref}")
        url = self.bot.session.api.file_url(self.bot.token, file.file_path)
        try:
            async for chunk in self.bot.session.stream_content(
                url=url, timeout=120, chunk_size=65536, raise_for_status=True
            ):
                yield chunk
        except Exception as exc:  # aiohttp errors surface raw from stream_content
            raise MediaUnavailable(
                f"download of {file_ref} failed: {_without_url(exc)}") from None


def _without_url(exc: BaseException) -> str:
    """What went wrong, never the exception's text: aiohttp's errors quote the file URL,
    and a Bot API file URL contains the bot token."""
    status = exc.status if isinstance(exc, aiohttp.ClientResponseError) else None
    return type(exc).__name__ + (f" (HTTP {status})" if status is not None else "")


async def _call(make: Callable[[], Awaitable[T]]) -> T:
    """Run one Bot API call, mapping aiogram errors to ours."""
    try:
        return await make()
    except TelegramRetryAfter as exc:
        raise DeliveryFailed("telegram 429", retry_after=float(exc.retry_after)) from exc
    except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
        raise DeliveryFailed(f"telegram transient error: {exc}") from exc
    except (TelegramForbiddenError, TelegramNotFound, TelegramBadRequest) as exc:
        raise RecipientUnavailable(f"telegram refused: {exc.message}") from exc
