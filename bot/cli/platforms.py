"""Platform registration, part of the composition root: each platform whose settings are
present adds its candidate channel and/or its reviewer channel to a built Service.

Adding a platform is one function here plus its adapter package (and its fake in tests).
"""

from __future__ import annotations

import logging
import secrets

from adapters.base import Capabilities, Leadership
from adapters.ratelimit import RateLimiter
from adapters.slack.app import SocketMode, aiohttp_handler, build_app
from adapters.slack.dm_channel import SlackDmChannel
from adapters.slack.review_channel import SlackReviewChannel
from adapters.slack.transport import SlackWeb, build_client
from adapters.telegram.render import CAPABILITIES as TELEGRAM_CAPABILITIES
from adapters.telegram.review_channel import TelegramReviewChannel
from adapters.telegram.review_inbound import ReviewInbound
from adapters.telegram.transport import TelegramChannel
from adapters.web.board.channel import WebReviewChannel
from adapters.web.board.routes import BoardRoutes
from adapters.web.channel import WebChannel
from adapters.web.routes import CandidatePage
from adapters.web.security import Keys
from adapters.web.uploads import Uploads
from adapters.whatsapp.inbound import DeliveryStatus
from adapters.whatsapp.render import CAPABILITIES as WHATSAPP_CAPABILITIES
from adapters.whatsapp.transport import WhatsAppChannel
from adapters.whatsapp.webhook import WhatsAppWebhook
from bot.cli.app import Service
from bot.cli.roles import Role
from bot.cli.web_media import probe_recording
from bot.review.board import BoardStore
from bot.review.places import ReviewPlaces
from bot.runtime.catalogs import load_catalog
from bot.runtime.statuses import DeliveryReports
from config.settings import Settings
from conversations.events import Platform
from conversations.review_board import BOARD_PLACE
from conversations.texts import DEFAULT_LANGUAGE
from storage.blobs import private_dir
from storage.db import Database
from storage.leader import AdvisoryLeadership
from storage.web_pages import WebPages

log = logging.getLogger(__name__)
# WhatsApp Cloud API: 80 messages/s per business number by default; per candidate a short
# burst, then about one a second; the pair rate limit (error 131056) slows that candidate's
# lane down further (bot/runtime/delivery.py), without losing or reordering anything.
WHATSAPP_GLOBAL_RATE = 80.0
WHATSAPP_CHAT_RATE = 1.0
WHATSAPP_CHAT_BURST = 5.0
# Slack: chat.postMessage about one message a second per conversation, short bursts allowed;
# a workspace-wide limit above that (Slack publishes no number: kept well under it).
SLACK_GLOBAL_RATE = 20.0
SLACK_DM_RATE = 1.0


def candidate_capabilities(settings: Settings) -> dict[str, Capabilities]:
    """What each candidate channel turned on in `settings` can show and take (for
    `kit validate`), without connecting to anything."""
    channels: dict[str, Capabilities] = {}
    if settings.telegram_enabled:
        channels[Platform.TELEGRAM] = TELEGRAM_CAPABILITIES
    if settings.whatsapp_enabled:
        channels[Platform.WHATSAPP] = WHATSAPP_CAPABILITIES
    return channels


def add_telegram(service: Service, settings: Settings) -> TelegramChannel:
    assert settings.telegram_bot_token is not None
    secret = settings.telegram_webhook_secret
    webhook_url = None
    if settings.telegram_webhook_mode and settings.public_url:
        webhook_url = settings.public_url.rstrip("/") + "/telegram/webhook"
    limiter = RateLimiter(settings.telegram_global_rate, settings.telegram_chat_rate)
    channel = TelegramChannel(
        token=settings.telegram_bot_token.get_secret_value(),
        api_url=settings.telegram_api_url,
        limiter=limiter,
        webhook_url=webhook_url,
        webhook_secret=secret.get_secret_value() if secret else None,
        recruiter_chats=telegram_recruiters(settings.recruiter_ids),
        on_rejected=service.dead_letters.reject,
        leadership=None if webhook_url else polling_leadership(service.db, settings),
    )
    service.add_channel(channel)
    service.routes["/telegram/webhook"] = channel.webhook
    add_telegram_reviewers(service, settings, channel, limiter)
    return channel


def polling_leadership(db: Database, settings: Settings) -> Leadership | None:
    """Long polling takes one poller per bot: on PostgreSQL (several replicas possible) the
    replica holding the bot's advisory lock polls; SQLite is one process, always the leader.
    Webhook mode needs no leader: Telegram spreads the requests over the replicas."""
    if db.backend != "postgresql":
        return None
    assert settings.telegram_bot_token is not None
    bot_id = settings.telegram_bot_token.get_secret_value().split(":", 1)[0]  # not secret
    return AdvisoryLeadership(db.engine, f"telegram-polling:{bot_id}")


def add_telegram_reviewers(
    service: Service, settings: Settings, channel: TelegramChannel, limiter: RateLimiter
) -> None:
    """Telegram groups as review places, whenever Telegram is on: a kit's
    `review_channel: telegram:<chat id>` works without TELEGRAM_REVIEW_CHAT, which only sets
    the default. Same bot, same rate limits as the candidates' side."""
    reviewers = TelegramReviewChannel(bot=channel.bot, limiter=limiter)
    service.review_places.add(reviewers, settings.telegram_review_place)
    channel.reviewer = ReviewInbound(desk=service.reviewer_desk, channel=reviewers)
    if settings.telegram_review_place:
        log.info("telegram: reviewers in group %s by default", settings.telegram_review_chat)


def telegram_recruiters(recruiter_ids: frozenset[str]) -> tuple[int, ...]:
    """The Telegram user ids in RECRUITERS (a private chat's id is the user's id)."""
    prefix = f"{Platform.TELEGRAM}:"
    ids = (r.removeprefix(prefix) for r in recruiter_ids if r.startswith(prefix))
    return tuple(sorted(int(i) for i in ids if i.isdigit()))


def add_slack(service: Service, settings: Settings) -> SlackDmChannel:
    """Slack: the Bolt app on `/slack/events` (or Socket Mode when SLACK_APP_TOKEN is set)
    shared by the reviewer channel, recruiter commands and the candidates' DM channel."""
    if settings.slack_bot_token is None:
        raise ValueError("add_slack needs SLACK_BOT_TOKEN")
    client = build_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    service.review_places.add(SlackReviewChannel(SlackWeb(client)),
                              settings.slack_review_channel)
    signing = settings.slack_signing_secret
    signing_secret = signing.get_secret_value() if signing else ""
    candidates = SlackDmChannel(client, RateLimiter(SLACK_GLOBAL_RATE, SLACK_DM_RATE))
    service.add_channel(candidates)
    service.recruiter_desk.direct_inviters.append(candidates)
    app = build_app(client, signing_secret, service.reviewer_desk, service.recruiter_desk,
                    candidates)
    if settings.slack_app_token is not None:
        service.background.append(SocketMode(app, settings.slack_app_token.get_secret_value()))
        log.info("slack: socket mode (SLACK_APP_TOKEN set)")
    else:
        service.routes["/slack/events"] = aiohttp_handler(app, signing_secret)
        log.info("slack: events, interactivity and commands at /slack/events")
    return candidates


def slack_inviter(settings: Settings) -> tuple[SlackDmChannel, ReviewPlaces] | None:
    """The Slack DM channel and the Slack review place, for the CLI's `invite --slack`
    (None: Slack is off)."""
    if not settings.slack_enabled or settings.slack_bot_token is None:
        return None
    client = build_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    places = ReviewPlaces()
    places.add(SlackReviewChannel(SlackWeb(client)), settings.slack_review_channel)
    return SlackDmChannel(client, RateLimiter(SLACK_GLOBAL_RATE, SLACK_DM_RATE)), places


def add_whatsapp(service: Service, settings: Settings) -> WhatsAppChannel:
    """WhatsApp candidates: the Cloud API channel and its webhook at `/whatsapp/webhook`
    (GET verification, signed POSTs). Needs the app secret and verify token as well."""
    token, secret, verify = (settings.whatsapp_token, settings.whatsapp_app_secret,
                             settings.whatsapp_verify_token)
    if token is None or settings.whatsapp_phone_number_id is None:
        raise ValueError("add_whatsapp needs WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID")
    if secret is None or verify is None:
        raise ValueError("WhatsApp needs WHATSAPP_APP_SECRET (webhook signatures) and "
                         "WHATSAPP_VERIFY_TOKEN (webhook verification) as well")
    statuses = service.metrics.delivery_statuses
    reports = DeliveryReports(db=service.db, clock=service.clock,
                              wake_outbox=service.dispatcher.wake,
                              max_attempts=settings.delivery_max_attempts)

    async def report(status: DeliveryStatus) -> None:
        statuses.labels(Platform.WHATSAPP, status.status or "unknown").inc()
        await reports.record(status.message_id, status.status, status.errors)

    channel = WhatsAppChannel(
        token=token.get_secret_value(), phone_number_id=settings.whatsapp_phone_number_id,
        api_url=settings.whatsapp_api_url, app_secret=secret.get_secret_value(),
        limiter=RateLimiter(WHATSAPP_GLOBAL_RATE, WHATSAPP_CHAT_RATE, WHATSAPP_CHAT_BURST),
        on_status=report, templates=settings.whatsapp_templates,
    )
    service.add_channel(channel)
    webhook = WhatsAppWebhook(channel, verify.get_secret_value())
    service.routes["/whatsapp/webhook"] = webhook.handle
    return channel


def add_web(service: Service, settings: Settings) -> WebChannel:
    """The web candidate page at `/i/<token>`: always on (`run`); chat platforms' invites
    carry its link when PUBLIC_URL is set."""
    channel = WebChannel(WebPages(service.db), Uploads(settings.media_dir / "web-uploads"))
    secure = bool(settings.public_url and settings.public_url.startswith("https://"))
    page = CandidatePage(channel, Keys(web_secret(settings), secure), probe_recording,
                         load_catalog(DEFAULT_LANGUAGE), clock=service.clock)
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
        add_telegram(service, settings)
    if settings.whatsapp_enabled:
        add_whatsapp(service, settings)
    if settings.slack_enabled:
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
