"""Slack's registration (review channel, recruiter commands, candidates' DMs), imported by
`bot/cli/platforms.py` only when Slack is on (the Bolt SDK is slow to import)."""

from __future__ import annotations

import logging

from adapters.ratelimit import RateLimiter
from adapters.slack.app import SocketMode, aiohttp_handler, build_app
from adapters.slack.dm_channel import SlackDmChannel
from adapters.slack.review_channel import SlackReviewChannel
from adapters.slack.transport import SlackWeb, build_client
from bot.cli.app import Service
from bot.review.places import ReviewPlaces
from config.settings import Settings

log = logging.getLogger(__name__)
# Slack: chat.postMessage about one message a second per conversation, short bursts allowed;
# a workspace-wide limit above that (Slack publishes no number: kept well under it).
SLACK_GLOBAL_RATE = 20.0
SLACK_DM_RATE = 1.0


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
