"""`interview-bot run`: the service with every platform whose credentials are set."""

from __future__ import annotations

import asyncio
import logging
import signal

from adapters.base import RejectionSink
from adapters.ratelimit import RateLimiter
from adapters.telegram.transport import TelegramChannel
from bot.cli.app import Service
from bot.cli.slack_wiring import attach_slack
from config.settings import Settings

log = logging.getLogger(__name__)

NO_PLATFORM_HELP = """\
No messaging platform is configured, so no candidate can reach the bot yet.
  Telegram: set TELEGRAM_BOT_TOKEN (webhook mode also needs PUBLIC_URL and
            TELEGRAM_WEBHOOK_SECRET; otherwise long polling).
  Slack:    set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode).
  WhatsApp: set WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and
            WHATSAPP_VERIFY_TOKEN.
Try a kit right now in this terminal:  interview-bot shell <campaign-slug>
(create a campaign first: interview-bot campaign create config/kits/support-screen.yaml)"""


def telegram_channel(
    settings: Settings, on_rejected: RejectionSink | None = None
) -> TelegramChannel:
    assert settings.telegram_bot_token is not None
    secret = settings.telegram_webhook_secret
    webhook_url = None
    if settings.telegram_webhook_mode and settings.public_url:
        webhook_url = settings.public_url.rstrip("/") + "/telegram/webhook"
    return TelegramChannel(
        token=settings.telegram_bot_token.get_secret_value(),
        api_url=settings.telegram_api_url,
        limiter=RateLimiter(settings.telegram_global_rate, settings.telegram_chat_rate),
        webhook_url=webhook_url,
        webhook_secret=secret.get_secret_value() if secret else None,
        recruiter_chats=telegram_recruiters(settings.recruiter_ids),
        on_rejected=on_rejected,
    )


def telegram_recruiters(recruiter_ids: frozenset[str]) -> tuple[int, ...]:
    """The Telegram user ids in RECRUITERS (a private chat's id is the user's id)."""
    ids = (r.removeprefix("telegram:") for r in recruiter_ids if r.startswith("telegram:"))
    return tuple(sorted(int(i) for i in ids if i.isdigit()))


async def build_service(settings: Settings) -> Service:
    service = await Service.create(settings)
    if settings.telegram_enabled:
        channel = telegram_channel(settings, service.dead_letters.reject)
        service.add_channel(channel)
        service.routes["/telegram/webhook"] = channel.webhook
    if settings.slack_enabled:
        attach_slack(service, settings)
    return service


async def serve(settings: Settings) -> None:
    service = await build_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await service.start()
        if not service.channels:  # Slack alone reviews; candidates need a channel
            log.warning(NO_PLATFORM_HELP)
        log.info("interview-bot is running; platforms: %s",
                 ", ".join(sorted(service.channels)) or "none")
        await stop.wait()
    finally:
        log.info("shutting down")
        await service.stop()
