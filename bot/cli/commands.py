"""The CLI's work, kept apart from argument parsing: campaigns, the database, transcription.

Every mistake a user can make is a `CliError` with the words to print (see `errors.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import typer

from bot.cli.errors import EXIT_INVALID, CliError
from config.kit import Kit
from config.settings import Settings
from conversations.slugs import SLUG_MAX, is_slug, suggest_slug
from storage.db import Database, UnitOfWork
from storage.records import Campaign, CampaignStatus, CampaignSummary


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The migrated database, disposed afterwards."""
    db = Database.from_url(settings.database_url)
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()


async def migrate_database(settings: Settings) -> None:
    async with database(settings):
        return


def slug_from(path: Path) -> str:
    return suggest_slug(path.stem)


def check_slug(slug: str) -> str:
    """A slug is part of links and commands: lowercase letters, digits, single dashes."""
    if is_slug(slug):
        return slug
    raise CliError(
        f"slug {slug!r} may only have lowercase letters, digits and single dashes "
        f"(at most {SLUG_MAX} characters), e.g. {suggest_slug(slug)}", EXIT_INVALID)


@dataclass(frozen=True, slots=True)
class Created:
    campaign: Campaign
    version_no: int


async def create_campaign(
    settings: Settings, file: Path, kit: Kit, slug: str | None, draft: bool, new_version: bool
) -> Created:
    chosen = check_slug(slug) if slug is not None else slug_from(file)
    source = await asyncio.to_thread(file.read_text, encoding="utf-8")
    async with database(settings) as db, db.unit_of_work() as uow:
        existing = await uow.campaigns.by_slug(chosen)
        if existing is not None and not new_version:
            raise CliError(
                f"campaign {chosen!r} already exists; to give it this kit as a new version:\n"
                f"  interview-bot campaign create {file} --slug {chosen} --new-version")
        if existing is None and new_version:
            raise CliError(f"no campaign {chosen!r} to add a version to "
                           f"(see: interview-bot campaign list)")
        if existing is not None:
            await uow.campaigns.add_version(existing.id, kit, source)
            created = await _reloaded(uow, existing.id)
        else:
            status = CampaignStatus.DRAFT if draft else CampaignStatus.LIVE
            campaign = await uow.campaigns.create(kit, source, chosen, status)
            created = Created(campaign, 1)
        await uow.commit()
    return created


async def _reloaded(uow: UnitOfWork, campaign_id: str) -> Created:
    campaign = await uow.campaigns.get(campaign_id)
    assert campaign is not None
    return Created(campaign, len(await uow.campaigns.versions(campaign_id)))


async def publish_campaign(settings: Settings, slug: str) -> str:
    """A draft goes live; says what happened in one line."""
    async with database(settings) as db, db.unit_of_work() as uow:
        campaign = await campaign_or_error(uow, slug)
        if campaign.status is CampaignStatus.LIVE:
            return f"{slug} is already live"
        if campaign.status is CampaignStatus.CLOSED:
            raise CliError(f"campaign {slug!r} is closed; it cannot be published again")
        await uow.campaigns.set_status(campaign.id, CampaignStatus.LIVE)
        await uow.commit()
    return f"{slug} is live: invite candidates with  interview-bot invite {slug} --name NAME"


async def campaign_or_error(uow: UnitOfWork, slug: str) -> Campaign:
    campaign = await uow.campaigns.by_slug(slug)
    if campaign is None:
        raise CliError(f"no campaign {slug!r} (see: interview-bot campaign list)")
    return campaign


async def list_campaigns(settings: Settings) -> list[str]:
    async with database(settings) as db, db.unit_of_work(read_only=True) as uow:
        rows = await uow.campaigns.list_summaries()
    if not rows:
        return ["no campaigns yet: interview-bot campaign create config/kits/<kit>.yaml"]
    return [summary_line(r) for r in rows]


def summary_line(r: CampaignSummary) -> str:
    return (f"{r.id} {r.slug} {r.status} invited={r.invited} opened={r.opened} "
            f"started={r.started} submitted={r.submitted} expired={r.expired} "
            f"withdrawn={r.withdrawn} waiting_for_candidate={r.waiting} "
            f"undeliverable={r.undeliverable}")


def transcribe_files(settings: Settings, files: list[Path], as_json: bool) -> int:
    from bot.cli.app import build_transcriber
    from bot.transcription.errors import TranscriptionFailed

    transcriber = build_transcriber(settings)
    failures = 0
    for path in files:
        try:
            result = transcriber.transcribe(path, None)
        except TranscriptionFailed as exc:
            failures += 1
            typer.echo(json.dumps({"file": str(path), "error": exc.reason}) if as_json
                       else f"{path}: failed: {exc.reason}")
            continue
        if as_json:
            typer.echo(json.dumps({
                "file": str(path), "text": result.text, "language": result.language,
                "audio_seconds": result.audio_seconds, "wall_seconds": result.processing_seconds,
                "model": result.model_name,
                "segments": [{"start": s.start, "end": s.end, "text": s.text}
                             for s in result.segments],
            }))
        else:
            typer.echo(f"{path}: {result.text}")
    return 1 if failures else 0
