"""First run: with no chat platform configured, `run` offers the product in a browser. A
demo campaign is made once from a kit in `config/kits/`, and each start prints a fresh
(or still unopened) invite to try as a candidate, plus a one-time sign-in link to the
reviewer board (`reviewer_board_link`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import config
from adapters.web.invites import WebInvites
from bot.review.board_links import mint_reviewer_link
from config.kit_loader import load_kit
from config.settings import Settings
from conversations.state import Phase
from storage.db import Database
from storage.records import CampaignStatus

log = logging.getLogger(__name__)
DEMO_SLUG = "demo"
DEMO_KIT = Path(config.__file__).parent / "kits" / "support-screen.yaml"
DEMO_CANDIDATE = "Demo candidate"
DEMO_REVIEWER = "Demo reviewer"

Echo = Callable[[str], None]


async def demo_invite(db: Database) -> str:
    """The demo campaign's unopened invite (made, with the campaign, when there is none)."""
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.by_slug(DEMO_SLUG)
        if campaign is None:
            kit = load_kit(DEMO_KIT)
            campaign = await uow.campaigns.create(
                kit, DEMO_KIT.read_text(encoding="utf-8"), DEMO_SLUG, CampaignStatus.LIVE)
            log.info("first run: demo campaign %r made from %s", DEMO_SLUG, DEMO_KIT.name)
        unopened = [s for s in await uow.interviews.list_for_campaign(campaign.id)
                    if s.phase == Phase.INVITED]
        if unopened:
            return unopened[-1].invite_token
        invite = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                    DEMO_CANDIDATE)
        await uow.commit()
        return invite.invite_token


async def reviewer_board_link(settings: Settings, db: Database) -> str:
    """A one-time sign-in link to `/review` for whoever runs the demo: as a recruiter, so
    they can score and also decide (a fresh link each start: links are used once)."""
    return await mint_reviewer_link(db, settings, DEMO_REVIEWER, recruiter=True)


async def announce(settings: Settings, db: Database, echo: Echo) -> None:
    """Prints the first-run links (only when no chat platform reaches candidates)."""
    if settings.candidate_platforms_enabled or not settings.web_demo:
        return
    token = await demo_invite(db)
    echo(f"try the interview as a candidate: {WebInvites(settings.web_base_url).link(token)}")
    echo(f"review it as a reviewer: {await reviewer_board_link(settings, db)}")
