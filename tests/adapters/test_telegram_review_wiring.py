"""Composition: with Telegram on, Telegram groups are review places whether or not
TELEGRAM_REVIEW_CHAT is set (a kit may name its own group); the setting only adds the
default place; the candidate transport hands reviewers' updates to the reviewer side."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import cast

import pytest
from pydantic import SecretStr

from adapters.errors import RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.telegram.review_channel import TelegramReviewChannel
from adapters.telegram.review_inbound import ReviewInbound
from adapters.telegram.transport import TelegramChannel
from bot.cli.app import Service
from bot.cli.platform_telegram import add_telegram_reviewers
from bot.review.places import ReviewPlaces
from config.kit import Kit, Question
from config.settings import Settings

KIT = Kit(title="Screen", questions=(Question(id="q1", text="Why?"),))


@dataclass
class Composed:
    """The two parts of the Service that reviewer registration touches."""

    review_places: ReviewPlaces = field(default_factory=ReviewPlaces)
    reviewer_desk: object = None


@pytest.fixture
async def transport() -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel("1:abc", "http://127.0.0.1:9", RateLimiter(1, 1))
    yield channel
    await channel.bot.session.close()


def compose(transport: TelegramChannel, **settings: object) -> ReviewPlaces:
    service = Composed()
    config = Settings(telegram_bot_token=SecretStr("1:abc"), **settings)  # type: ignore[arg-type]
    add_telegram_reviewers(cast(Service, service), config, transport, RateLimiter(1, 1))
    return service.review_places


async def test_a_kit_names_its_group_without_the_setting(transport: TelegramChannel) -> None:
    places = compose(transport)
    channel = places.channel_for("telegram:-1001")
    assert isinstance(channel, TelegramReviewChannel) and channel.bot is transport.bot
    kit = Kit(title="x", questions=KIT.questions, review_channel="telegram:-1001")
    assert places.place_for(kit) == "telegram:-1001"
    with pytest.raises(RecipientUnavailable):
        places.place_for(KIT)  # no default while the setting is unset
    assert isinstance(transport.reviewer, ReviewInbound)


async def test_telegram_review_chat_is_the_default_place(transport: TelegramChannel) -> None:
    assert compose(transport, telegram_review_chat=-1002).place_for(KIT) == "telegram:-1002"
