"""Inbound Telegram updates, from a webhook body or a getUpdates batch, into the event sink.

Each update is validated alone (`updates.load_update`): a malformed one is answered and
recorded as rejected, with its reason, and never reaches the handler. Valid updates are
handled per chat in order, chats in parallel, and every callback query is answered.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramServerError
from aiogram.types import Update
from aiohttp import web

from adapters.base import EventSink, RejectedInput, RejectionSink
from adapters.safe_text import safe_text
from adapters.telegram.inbound import PLATFORM, parse_update
from adapters.telegram.updates import UpdateRejected, decode_body, load_update
from conversations.events import Event

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_KEPT_RAW = 16 * 1024  # of a rejected update, enough to see what it was


class ReviewerUpdates(Protocol):
    """The reviewer side (`review_inbound.py`): presses in review groups, group messages."""

    def takes(self, update: Update) -> bool: ...

    async def handle(self, update: Update) -> None: ...


class HandlingFailed(Exception):
    """The handler failed for at least one update; the batch must come again."""


@dataclass
class UpdateReceiver:
    bot: Bot
    sink: EventSink
    on_rejected: RejectionSink
    reviewer: ReviewerUpdates | None = None  # set when a Telegram group reviews

    async def handle_batch(self, raw_updates: list[Any]) -> int | None:
        """Handle a getUpdates batch; returns the offset that confirms it (None: nothing
        usable in it). Raises HandlingFailed if any valid update failed in the handler."""
        updates: list[Update] = []
        last_id: int | None = None
        for raw in raw_updates:
            try:
                update = load_update(raw, self.bot)
            except UpdateRejected as exc:
                await self._reject(exc, json.dumps(raw, ensure_ascii=True))
                last_id = _highest(last_id, exc.update_id)
                continue
            updates.append(update)
            last_id = _highest(last_id, update.update_id)
        await self._handle(updates)
        return last_id + 1 if last_id is not None else None

    async def webhook(
        self, request: web.Request, secret: str | None
    ) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # Bytes: a header may carry any octets (aiohttp keeps them as surrogate escapes).
        if not secret or not hmac.compare_digest(
            given.encode("utf-8", "surrogateescape"), secret.encode()
        ):
            log.warning("telegram: webhook request with a wrong secret refused")
            return web.Response(status=403, text="forbidden")
        body = await request.read()
        try:
            update = load_update(decode_body(body), self.bot)
        except UpdateRejected as exc:
            # 200: Telegram redelivers anything else, and this body will never be better.
            await self._reject(exc, body.decode("utf-8", errors="replace"))
            return web.Response(text="rejected")
        try:
            await self._handle([update])
        except HandlingFailed:
            # Logged where it failed; Telegram will deliver the update again.
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")

    async def _reject(self, exc: UpdateRejected, raw: str) -> None:
        event_id = f"{PLATFORM}:{exc.update_id}" if exc.update_id is not None else None
        log.warning("telegram: update rejected (update_id=%s): %s", exc.update_id, exc.reason)
        await self.on_rejected(RejectedInput(
            platform=PLATFORM, reason=exc.reason, raw=safe_text(raw[:MAX_KEPT_RAW]),
            event_id=event_id,
        ))

    async def _handle(self, updates: list[Update]) -> None:
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
        results = await asyncio.gather(
            *(self._handle_in_order(pairs) for pairs in by_chat.values()),
            self._handle_reviews(reviews), return_exceptions=True,
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise HandlingFailed(f"{len(failed)} chat(s) failed") from failed[0]

    async def _handle_reviews(self, updates: list[Update]) -> None:
        for update in updates:
            assert self.reviewer is not None
            await self.reviewer.handle(update)

    async def _handle_in_order(self, pairs: list[tuple[Update, Event]]) -> None:
        for update, event in pairs:
            try:
                await self.sink(event)
            finally:
                if update.callback_query is not None:
                    await self._answer_callback(update.callback_query.id)

    async def _answer_callback(self, query_id: str) -> None:
        """Always answered, or the candidate's client shows a spinner on the button."""
        try:
            await self.bot.answer_callback_query(query_id)
        except (TelegramBadRequest, TelegramNetworkError, TelegramServerError) as exc:
            log.warning("telegram: answerCallbackQuery failed: %s", exc)


def _highest(known: int | None, update_id: int | None) -> int | None:
    if update_id is None:
        return known
    return update_id if known is None else max(known, update_id)
