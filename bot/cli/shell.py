"""`interview-bot shell SLUG`: a real interview in the terminal on the real engine and storage.

The same Service as `run` (runtime, outbox, APScheduler timers that really tick), with the
terminal as the only channel. It ends when the interview reaches a final phase and every
message has been shown, or when stdin closes.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from adapters.shell.channel import ShellChannel
from bot.cli.app import Service
from bot.transcription.errors import MediaUndecodable
from bot.transcription.probe import probe_media
from config.settings import Settings
from conversations.events import Started
from conversations.state import InterviewState
from storage.records import CampaignStatus

log = logging.getLogger(__name__)


def probe_duration(path: Path) -> float | None:
    try:
        return probe_media(path).duration_s
    except MediaUndecodable:
        return None  # the engine asks for a file it can use


async def run_shell(settings: Settings, slug: str, name: str) -> int:
    service = await Service.create(settings)
    channel = ShellChannel(probe=probe_duration)
    service.add_channel(channel)
    try:
        state = await _invite(service, slug, name)
        if state is None:
            sys.stderr.write(
                f"no live campaign with slug {slug!r} (see: interview-bot campaign list)\n"
            )
            return 2
        await service.start(serve_http=False)
        await service.handle(Started(
            event_id=f"shell:start:{state.interview_id}", occurred_at=datetime.now(UTC),
            conversation=channel.conversation, language="en", display_name=name,
            invite_token=state.invite_token,
        ))
        await _converse(service, channel, state.interview_id)
        return 0
    finally:
        await service.stop()


async def _invite(service: Service, slug: str, name: str) -> InterviewState | None:
    async with service.db.unit_of_work() as uow:
        campaign = await uow.campaigns.by_slug(slug)
        if campaign is None or campaign.status != CampaignStatus.LIVE:
            return None
        state = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, name)
        await uow.commit()
    return state


async def _converse(service: Service, channel: ShellChannel, interview_id: str) -> None:
    while not await _finished(service, interview_id):
        line = await channel.lines.get()
        if line is None:
            break
        # Show every pending message first, so a typed number means the buttons on screen.
        await service.dispatcher.drain()
        event = channel.event_for(line)
        if event is not None:
            await service.handle(event)
    await service.dispatcher.drain()


async def _finished(service: Service, interview_id: str) -> bool:
    async with service.db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.get(interview_id)
    return state is not None and state.is_final
