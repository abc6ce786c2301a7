"""Telegram over aiogram 3: long polling or webhook in, rate-limited Bot API calls out."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

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
from aiogram.types import BotCommand, BotCommandScopeChat, Update
from aiohttp import web

from adapters.base import EventSink, SentMessage
from adapters.errors import DeliveryFailed, MediaTooLarge, MediaUnavailable, RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.telegram.inbound import parse_update
from adapters.telegram.render import CAPABILITIES, fit_text, keyboard
from conversations.events import ConversationRef, Event, Platform
from conversations.messages import RenderedMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_TIMEOUT = 25
ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
COMMANDS = {
    "start": "Open your interview or continue it",
    "help": "How this works",
    "status": "Where you are and how much time is left",
    "pause": "Take a break and come back later",
    "withdraw": "Withdraw your application",
    "language": "Change the language",
}
RECRUITER_COMMANDS = {
    "campaigns": "Campaigns and how far their candidates are",
    "invite": "Invite candidates: /invite <campaign> <name>, <name>",
    "erase": "Erase an interview now: /erase <interview id>",
}


class ReviewerUpdates(Protocol):
    """The reviewer side (`review_inbound.py`): presses in review groups, group messages."""

    def takes(self, update: Update) -> bool: ...

    async def handle(self, update: Update) -> None: ...


class TelegramChannel:
    platform = Platform.TELEGRAM
    capabilities = CAPABILITIES

    def __init__(
        self, token: str, api_url: str, limiter: RateLimiter,
        webhook_url: str | None = None, webhook_secret: str | None = None,
        recruiter_chats: tuple[int, ...] = (),
    ) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
        self.bot = Bot(token=token, session=session)
        self._limiter = limiter
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret
        self._recruiter_chats = recruiter_chats
        self._sink: EventSink | None = None
        self._poller: asyncio.Task[None] | None = None
        self._offset: int | None = None
        self.username: str | None = None
        self.reviewer: ReviewerUpdates | None = None  # set when a Telegram group reviews

    async def start(self, sink: EventSink) -> None:
        self._sink = sink
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
            self._poller = asyncio.create_task(self._poll(), name="telegram-poll")
            log.info("telegram: long polling as @%s", self.username)

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
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        await self.bot.session.close()

    # -- inbound -------------------------------------------------------------------------

    async def _poll(self) -> None:
        """At-least-once: the offset moves past a batch only after every update is handled."""
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=self._offset, timeout=POLL_TIMEOUT,
                    allowed_updates=ALLOWED_UPDATES, request_timeout=POLL_TIMEOUT + 10,
                )
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as exc:
                log.warning("telegram: getUpdates failed (%s); retrying in 1 s", exc)
                await asyncio.sleep(1)
                continue
            if not updates:
                continue
            try:
                await self._handle_batch(updates)
            except Exception:
                # Not confirmed: the same updates come again (handled ones are skipped as
                # duplicates), so a failure never drops what a candidate sent.
                log.exception("telegram: handling a batch failed; fetching it again in 1 s")
                await asyncio.sleep(1)
                continue
            self._offset = updates[-1].update_id + 1

    async def _handle_batch(self, updates: list[Update]) -> None:
        """Chats in parallel, each chat's updates in order; reviewers' updates in order."""
        by_chat: dict[str, list[tuple[Update, Event]]] = {}
        reviews: list[Update] = []
        for update in updates:
            if self.reviewer is not None and self.reviewer.takes(update):
                reviews.append(update)
                continue
            event = parse_update(update)
            if event is not None:
                by_chat.setdefault(event.conversation.key, []).append((update, event))
            else:
                log.info("telegram: update %s of no interest skipped", update.update_id)
        await asyncio.gather(*(self._handle_in_order(pairs) for pairs in by_chat.values()),
                             self._handle_reviews(reviews))

    async def _handle_reviews(self, updates: list[Update]) -> None:
        for update in updates:
            assert self.reviewer is not None
            await self.reviewer.handle(update)

    async def _handle_in_order(self, pairs: list[tuple[Update, Event]]) -> None:
        assert self._sink is not None
        for update, event in pairs:
            try:
                await self._sink(event)
            finally:
                if update.callback_query is not None:
                    await self._answer_callback(update.callback_query.id)

    async def _answer_callback(self, query_id: str) -> None:
        """Always answered, or the candidate's client shows a spinner on the button."""
        try:
            await self.bot.answer_callback_query(query_id)
        except (TelegramBadRequest, TelegramNetworkError, TelegramServerError) as exc:
            log.warning("telegram: answerCallbackQuery failed: %s", exc)

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not self._webhook_secret or not hmac.compare_digest(given, self._webhook_secret):
            log.warning("telegram: webhook request with a wrong secret refused")
            return web.Response(status=403, text="forbidden")
        data: dict[str, Any] = await request.json()
        update = Update.model_validate(data, context={"bot": self.bot})
        await self._handle_batch([update])
        return web.Response(text="ok")

    # -- outbound ------------------------------------------------------------------------

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        await self._limiter.acquire(to.chat_id)
        sent = await _call(lambda: self.bot.send_message(
            chat_id=int(to.chat_id), text=fit_text(message.text),
            reply_markup=keyboard(message.buttons),
            message_thread_id=int(to.thread_id) if to.thread_id else None,
        ))
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
            raise MediaUnavailable(f"download of {file_ref} failed: {exc!r}") from exc


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
