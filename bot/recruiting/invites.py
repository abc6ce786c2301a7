"""Invites: personal links for named candidates, one per enabled candidate channel (each
channel says how its links look: `adapters.base.InviteLinks`)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.base import InviteLinks
from conversations.state import InterviewState
from storage.db import UnitOfWork
from storage.records import Campaign


async def invite_links(
    makers: Sequence[InviteLinks], tokens: list[str], channel: str | None
) -> list[list[str]]:
    """Per token, one invite link per enabled channel (or the bare token when none is on);
    `channel` keeps only that platform's links."""
    chosen = [m for m in makers if channel in (None, m.platform)]
    per_channel = [await maker.links(tokens) for maker in chosen]  # one call per batch
    return [[links[i] for links in per_channel] or [token]
            for i, token in enumerate(tokens)]


async def invite_into(
    uow: UnitOfWork, campaign: Campaign, names: list[str]
) -> list[InterviewState]:
    """Creates one invite per name, in order."""
    return [await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, name)
            for name in names]
