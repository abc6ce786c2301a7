"""Driving the fake Telegram with a real aiogram ``Bot``, as the fake's own tests do."""

from __future__ import annotations

from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.fakes.telegram.server import FakeTelegram

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"


def make_bot(fake: FakeTelegram, token: str | None = None, timeout: float = 60) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url), timeout=timeout)
    return Bot(token or fake.token, session=session)
