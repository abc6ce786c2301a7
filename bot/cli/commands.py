"""The CLI's work, kept apart from argument parsing: campaigns, invites, transcription."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from pathlib import Path

import typer

from bot.cli.invite_links import invite_links
from bot.recruiting.invites import invite_into
from config.kit import Kit
from config.settings import Settings
from storage.db import Database
from storage.records import Campaign, CampaignStatus, CampaignSummary

SLUG_RE = re.compile(r"[^a-z0-9]+")


async def migrate_database(settings: Settings) -> None:
    db = Database.from_url(settings.database_url)
    try:
        await db.migrate()
    finally:
        await db.dispose()


def slug_from(path: Path) -> str:
    return SLUG_RE.sub("-", path.stem.lower()).strip("-") or "campaign"


async def create_campaign(
    settings: Settings, file: Path, kit: Kit, slug: str | None, draft: bool
) -> Campaign:
    db = Database.from_url(settings.database_url)
    try:
        await db.migrate()
        async with db.unit_of_work() as uow:
            base = slug or slug_from(file)
            chosen, n = base, 1
            while await uow.campaigns.by_slug(chosen) is not None:
                n += 1
                chosen = f"{base}-{n}"
            status = CampaignStatus.DRAFT if draft else CampaignStatus.LIVE
            source = await asyncio.to_thread(file.read_text, encoding="utf-8")
            campaign = await uow.campaigns.create(kit, source, chosen, status)
            await uow.commit()
        return campaign
    finally:
        await db.dispose()


async def list_campaigns(settings: Settings) -> list[str]:
    db = Database.from_url(settings.database_url)
    try:
        await db.migrate()
        async with db.unit_of_work() as uow:
            rows = await uow.campaigns.list_summaries()
    finally:
        await db.dispose()
    if not rows:
        return ["no campaigns yet: interview-bot campaign create config/kits/<kit>.yaml"]
    return [summary_line(r) for r in rows]


def summary_line(r: CampaignSummary) -> str:
    return (f"{r.id} {r.slug} {r.status} invited={r.invited} opened={r.opened} "
            f"started={r.started} submitted={r.submitted} expired={r.expired} "
            f"withdrawn={r.withdrawn}")


def read_names(path: Path) -> list[str]:
    """A CSV with a `name` column (or, without a header, names in the first column)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0]]
    if "name" in header:
        column = header.index("name")
        return [r[column].strip() for r in rows[1:] if len(r) > column and r[column].strip()]
    return [r[0].strip() for r in rows if r and r[0].strip()]


async def create_invites(
    settings: Settings, slug: str, names: list[str], channel: str | None
) -> list[str]:
    db = Database.from_url(settings.database_url)
    try:
        await db.migrate()
        async with db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                raise SystemExit(f"no campaign {slug!r} (see: interview-bot campaign list)")
            invited = await invite_into(uow, campaign, names)
            await uow.commit()
    finally:
        await db.dispose()
    links = await invite_links(settings, [s.invite_token for s in invited], channel)
    return ["\t".join([name, *each]) for name, each in zip(names, links, strict=True)]


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
