"""Telegram's registration (candidates, review groups, recruiter chats), imported by
`bot/cli/platforms.py` only when TELEGRAM_BOT_TOKEN is set: aiogram is the slowest import
of the service, and a first run without credentials should not wait for it."""

from __future__ import annotations

import logging

from adapters.base import Leadership
from adapters.ratelimit import RateLimiter
from adapters.telegram.review_channel import TelegramReviewChannel
from adapters.telegram.review_inbound import ReviewInbound
from adapters.telegram.transport import TelegramChannel
from bot.cli.app import Service
from config.settings import Settings
from conversations.events import Platform
from storage.db import Database
from storage.leader import AdvisoryLeadership

log = logging.getLogger(__name__)


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
