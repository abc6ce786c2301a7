"""`interview-bot run`: the service with every platform whose credentials are set."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.cli.first_run import announce
from bot.cli.platforms import build_service
from bot.cli.roles import Role
from config.settings import Settings

log = logging.getLogger(__name__)

NO_PLATFORM_HELP = """\
No messaging platform is configured: candidates answer on the web page (links below).
  Telegram: set TELEGRAM_BOT_TOKEN (webhook mode also needs PUBLIC_URL and
            TELEGRAM_WEBHOOK_SECRET; otherwise long polling).
  Slack:    set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode).
  WhatsApp: set WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and
            WHATSAPP_VERIFY_TOKEN.
Try a kit right now in this terminal:  interview-bot shell <campaign-slug>
(create a campaign first: interview-bot campaign create config/kits/support-screen.yaml)"""


async def serve(settings: Settings, role: Role = Role.ALL) -> None:
    service = await build_service(settings, role)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await service.start()
        if role is Role.WORKER:
            log.info("interview-bot worker is running: transcription jobs")
        else:
            if not settings.candidate_platforms_enabled:
                log.info(NO_PLATFORM_HELP)
            await announce(settings, service.db, _say)
            log.info("interview-bot is running (role %s); platforms: %s", role.value,
                     ", ".join(sorted(service.channels)) or "none")
        await stop.wait()
    finally:
        log.info("shutting down")
        await service.stop()


def _say(line: str) -> None:
    """The first-run links, on stdout (log lines go to stderr)."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()
