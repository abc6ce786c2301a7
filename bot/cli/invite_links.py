"""Which candidate channels make invite links, from Settings (part of the composition root:
it builds adapters). Used by the CLI's `invite` and by recruiters' chat commands."""

from __future__ import annotations

from adapters.base import InviteLinks
from adapters.telegram.invites import TelegramInvites
from adapters.web.invites import WebInvites
from adapters.whatsapp.invites import WhatsAppInvites
from bot.recruiting import invites
from config.settings import Settings


def invite_makers(settings: Settings, channel: str | None = None) -> list[InviteLinks]:
    """A web link joins the others when PUBLIC_URL is set (a fallback for every invite),
    when no chat platform reaches candidates (the web page is the way in), or on request
    (`--channel web`)."""
    makers: list[InviteLinks] = []
    if settings.telegram_enabled and settings.telegram_bot_token is not None:
        makers.append(TelegramInvites(settings.telegram_bot_token.get_secret_value(),
                                      settings.telegram_api_url,
                                      settings.telegram_bot_username))
    if settings.whatsapp_enabled and settings.whatsapp_number:
        makers.append(WhatsAppInvites(settings.whatsapp_number))
    if settings.public_url or not settings.candidate_platforms_enabled or channel == "web":
        makers.append(WebInvites(settings.web_base_url))
    return makers


async def invite_links(
    settings: Settings, tokens: list[str], channel: str | None
) -> list[list[str]]:
    return await invites.invite_links(invite_makers(settings, channel), tokens, channel)
