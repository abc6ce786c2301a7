"""Telegram invite links: `https://t.me/<bot username>?start=<token>` (a deep link; the token
comes back as `/start <token>`). Telegram user ids are numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.errors import RecipientUnavailable
from conversations.events import Platform


@dataclass
class TelegramInvites:
    token: str
    api_url: str
    username: str | None = None  # TELEGRAM_BOT_USERNAME, else learnt from getMe once
    platform: str = Platform.TELEGRAM

    async def links(self, tokens: Sequence[str]) -> list[str]:
        username = self.username or await self._username()
        self.username = username
        return [f"https://t.me/{username}?start={token}" for token in tokens]

    def user_id(self, written: str) -> str | None:
        text = written.strip()
        return text if text.isdigit() else None

    async def _username(self) -> str:
        # aiogram takes ~3 s to import (pydantic models): only pay for it when needed.
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.api_url.rstrip("/")))
        try:
            me = await Bot(self.token, session=session).get_me()
        finally:
            await session.close()
        if not me.username:
            raise RecipientUnavailable("the Telegram bot has no username (getMe)")
        return me.username
