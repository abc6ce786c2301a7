"""Adds the Slack reviewer side to a built Service (called from `bot/cli/serve.py`).

`attach_slack(service, settings)`: the Bolt app on `/slack/events` (or Socket Mode when
SLACK_APP_TOKEN is set), the outbox handlers for review posts, uploads, refreshes,
aggregates and decision webhooks, and the background objects started with the service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from adapters.slack.app import (
    Click,
    DecisionSubmitted,
    ScoresSubmitted,
    SlashCommand,
    SocketMode,
    aiohttp_handler,
    build_app,
)
from adapters.slack.transport import SlackWeb, build_client
from bot.cli.app import Service
from bot.recruiting.desk import SLACK_PREFIX, RecruiterDesk
from bot.review.decisions import Decisions
from bot.review.permissions import Gate
from bot.review.scoring_desk import ScoringDesk
from bot.review.service import ReviewService
from config.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Desk:
    """The `ReviewDesk` the Bolt app talks to: scoring, decisions, recruiter commands."""

    scoring: ScoringDesk
    decisions: Decisions
    recruiters: RecruiterDesk

    async def open_scoring(self, click: Click) -> None:
        await self.scoring.open_scoring(click)

    async def save_scores(self, submitted: ScoresSubmitted) -> str | None:
        return await self.scoring.save_scores(submitted)

    async def open_decision(self, click: Click, decision: str) -> None:
        await self.decisions.open_decision(click, decision)

    async def decide(self, submitted: DecisionSubmitted) -> str | None:
        return await self.decisions.decide(submitted)

    async def command(self, cmd: SlashCommand) -> str:
        return await self.recruiters.command(f"slack:{cmd.user}", cmd.text, SLACK_PREFIX)


def attach_slack(service: Service, settings: Settings) -> None:
    if settings.slack_bot_token is None:
        raise ValueError("attach_slack needs SLACK_BOT_TOKEN")
    client = build_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    web = SlackWeb(client)
    gate = Gate(web, settings.recruiter_ids)
    wake = service.dispatcher.wake
    review = ReviewService(
        db=service.db, slack=web, clock=service.clock, wake_outbox=wake,
        default_channel=settings.slack_review_channel,
    )
    scoring = ScoringDesk(db=service.db, slack=web, gate=gate, clock=service.clock,
                          wake_outbox=wake)
    secret = settings.decision_webhook_secret
    decisions = Decisions(
        db=service.db, slack=web, gate=gate, clock=service.clock,
        render=service.catalogs.render, wake_outbox=wake,
        webhook_url=settings.decision_webhook_url,
        webhook_secret=secret.get_secret_value() if secret else None,
    )
    signing = settings.slack_signing_secret
    desk = Desk(scoring, decisions, service.recruiter_desk)
    signing_secret = signing.get_secret_value() if signing else ""
    app = build_app(client, signing_secret, desk)
    service.dispatcher.handlers.update({
        "review": review.post,
        "review_upload": review.upload,
        "review_refresh": review.refresh,
        "review_aggregate": review.post_aggregate,
        "review_erase": review.erase,
        "decision_webhook": decisions.deliver_webhook,
    })
    service.background.extend([review, scoring, decisions])
    if settings.slack_app_token is not None:
        service.background.append(SocketMode(app, settings.slack_app_token.get_secret_value()))
        log.info("slack: socket mode (SLACK_APP_TOKEN set)")
    else:
        service.routes["/slack/events"] = aiohttp_handler(app, signing_secret)
        log.info("slack: events, interactivity and commands at /slack/events")
