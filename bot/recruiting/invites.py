"""Invites: personal links for named candidates, one per enabled candidate channel."""

from __future__ import annotations

from config.settings import Settings
from conversations.state import InterviewState
from storage.db import UnitOfWork
from storage.records import Campaign


async def telegram_username(settings: Settings) -> str | None:
    if settings.telegram_bot_username:
        return settings.telegram_bot_username
    if settings.telegram_bot_token is None:
        return None
    # aiogram takes ~3 s to import (pydantic models): only pay for it when needed.
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(settings.telegram_bot_token.get_secret_value(), session=session)
    try:
        return (await bot.get_me()).username
    finally:
        await session.close()


async def invite_links(
    settings: Settings, tokens: list[str], channel: str | None
) -> list[list[str]]:
    """Per token, one invite link per enabled channel (or the bare token when none is on)."""
    username = None
    if channel in (None, "telegram") and settings.telegram_enabled:
        username = await telegram_username(settings)  # one getMe for the whole batch
    number = settings.whatsapp_number if settings.whatsapp_enabled else None
    result = []
    for token in tokens:
        links = []
        if username is not None:
            links.append(f"https://t.me/{username}?start={token}")
        if channel in (None, "whatsapp") and number:
            links.append(f"https://wa.me/{number.lstrip('+')}?text={token}")
        result.append(links or [token])
    return result


async def invite_into(
    uow: UnitOfWork, campaign: Campaign, names: list[str]
) -> list[InterviewState]:
    """Creates one invite per name, in order."""
    return [await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, name)
            for name in names]
