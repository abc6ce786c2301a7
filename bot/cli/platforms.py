"""Platform registration, part of the composition root: each platform whose settings are
present adds its candidate channel and/or its reviewer channel to a built Service.

Adding a platform is one function here plus its adapter package (and its fake in tests).
Each chat platform's registration lives in its own module (`platform_telegram`,
`platform_slack`, `platform_whatsapp`), imported only when that platform is on: their SDKs
(aiogram above all) take seconds to import, and a first run without credentials prints
its links without waiting for them.
"""

from __future__ import annotations

import logging
import secrets

from adapters.base import Capabilities
from adapters.web.board.channel import WebReviewChannel
from adapters.web.board.routes import BoardRoutes
from adapters.web.channel import WebChannel
from adapters.web.routes import CandidatePage
from adapters.web.security import Keys
from adapters.web.uploads import Uploads
from bot.cli.app import Service
from bot.cli.roles import Role
from bot.cli.web_media import probe_recording
from bot.review.board import BoardStore
from bot.runtime.catalogs import load_catalog
from config.settings import Settings
from conversations.events import Platform
from conversations.review_board import BOARD_PLACE
from storage.blobs import private_dir
from storage.web_chunks import WebChunks
from storage.web_pages import WebPages

log = logging.getLogger(__name__)


def candidate_capabilities(settings: Settings) -> dict[str, Capabilities]:
    """What each candidate channel turned on in `settings` can show and take (for
    `kit validate`), without connecting to anything."""
    channels: dict[str, Capabilities] = {}
    if settings.telegram_enabled:
        from adapters.telegram.render import CAPABILITIES as TELEGRAM_CAPABILITIES

        channels[Platform.TELEGRAM] = TELEGRAM_CAPABILITIES
    if settings.whatsapp_enabled:
        from adapters.whatsapp.render import CAPABILITIES as WHATSAPP_CAPABILITIES

        channels[Platform.WHATSAPP] = WHATSAPP_CAPABILITIES
    return channels


def add_web(service: Service, settings: Settings) -> WebChannel:
    """The web candidate page at `/i/<token>`: always on (`run`); chat platforms' invites
    carry its link when PUBLIC_URL is set."""
    uploads = Uploads(WebChunks(service.db), settings.media_dir / "web-uploads")
    channel = WebChannel(WebPages(service.db), uploads)
    secure = bool(settings.public_url and settings.public_url.startswith("https://"))
    page = CandidatePage(channel, Keys(web_secret(settings), secure), probe_recording,
                         load_catalog, clock=service.clock)
    service.add_channel(channel)
    service.routes.update(page.routes())
    return channel


def web_secret(settings: Settings) -> bytes:
    """WEB_SECRET, else a random key kept (owner-only) in MEDIA_DIR/.web-key."""
    if settings.web_secret is not None:
        return settings.web_secret.get_secret_value().encode()
    path = settings.media_dir / ".web-key"
    if not path.exists():
        private_dir(path.parent)  # MEDIA_DIR holds answers: its folders are 0700
        path.touch(mode=0o600)
        path.write_bytes(secrets.token_bytes(32))
    return path.read_bytes()


async def build_service(settings: Settings, role: Role = Role.ALL) -> Service:
    service = await Service.create(settings, role=role)
    if role.serves:
        add_web(service, settings)
    if settings.telegram_enabled:
        from bot.cli.platform_telegram import add_telegram

        add_telegram(service, settings)
    if settings.whatsapp_enabled:
        from bot.cli.platform_whatsapp import add_whatsapp

        add_whatsapp(service, settings)
    if settings.slack_enabled:
        from bot.cli.platform_slack import add_slack

        add_slack(service, settings)
    add_web_board(service, settings)  # last: its place is the default only when none is set
    return service


def add_web_board(service: Service, settings: Settings) -> BoardStore:
    """The web reviewer board at `/review`, always on: a review place (`web:board`, the
    default when no Slack channel or Telegram group is set) and its pages. People sign in
    with `interview-bot reviewer-link` (or `bot.review.board_links.mint_reviewer_link`)."""
    store = BoardStore(db=service.db, recruiters=settings.recruiter_ids, clock=service.clock,
                       gate=service.reviewer_desk.scoring.gate)
    service.review_places.add(WebReviewChannel(store), BOARD_PLACE)
    secure = (settings.public_url or "").lower().startswith("https://")
    service.routes.update(BoardRoutes(store, service.reviewer_desk, secure).routes())
    return store
