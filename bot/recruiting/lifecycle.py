"""A campaign's life from chat: `new` (a kit file; without one, a starter kit to edit),
`edit SLUG` (a new kit version: running interviews keep theirs), `launch`, `pause` (no new
starts; running interviews go on), `close` (their deadline is now; they are told) and
`clone SLUG NEW-SLUG`. The kit rules are the CLI's (`config.kit_loader`): every problem comes
back with its line and column, and nothing is created.

Each method returns the plain-text reply; the desk checks the role and writes the audit log.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

import config
from bot.runtime.clock import Clock
from config.kit import Kit
from config.kit_loader import KitInvalid, parse_kit
from conversations.events import CampaignClosed, ConversationRef, Event
from conversations.recruiter_actions import not_running
from conversations.slugs import SLUG_MAX, is_slug, suggest_slug
from storage.db import Database, UnitOfWork
from storage.records import Campaign, CampaignStatus

STARTER_KIT = "support-screen.yaml"  # in config/kits: short, warm, every format welcome
MAX_KIT_BYTES = 256 * 1024  # a kit is a page of text; anything bigger is not one
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Upload:
    """A file the recruiter sent with the command (already downloaded)."""

    file_name: str
    data: bytes


@dataclass
class CampaignDesk:
    db: Database
    clock: Clock
    emit: Callable[[Event], Awaitable[None]]

    async def new(self, rest: str, upload: Upload | None, prefix: str) -> str:
        if upload is None:
            return starter_kit(prefix)
        kit, source, problem = read_kit(upload)
        if kit is None:
            return problem
        slug = rest.strip() or suggest_slug(PurePath(upload.file_name).stem or kit.title)
        if not is_slug(slug):
            return bad_slug(slug)
        async with self.db.unit_of_work() as uow:
            if await uow.campaigns.by_slug(slug) is not None:
                return (f"There is already a campaign “{slug}”. Send the file again with "
                        f"{prefix}new <another-slug>, or {prefix}edit {slug} to change it.")
            await uow.campaigns.create(kit, source, slug, CampaignStatus.DRAFT)
            await uow.commit()
        return (f"Created {slug} ({kit.title}, {len(kit.questions)} question(s)) as a draft. "
                f"Invite people with {prefix}invite {slug} …, and start it with "
                f"{prefix}launch {slug}.")

    async def edit(self, rest: str, upload: Upload | None, prefix: str) -> str:
        slug = rest.strip()
        if not slug or upload is None:
            return (f"Send the new kit file with the caption {prefix}edit <campaign>; "
                    "interviews already started keep the version they began with.")
        kit, source, problem = read_kit(upload)
        if kit is None:
            return problem
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                return no_campaign(slug, prefix)
            await uow.campaigns.add_version(campaign.id, kit, source)
            number = len(await uow.campaigns.versions(campaign.id))
            await uow.commit()
        return (f"{slug} now has kit version {number} ({kit.title}). Invites opened from now "
                "on get it (those already made too); interviews already started keep theirs.")

    async def set_status(self, verb: str, slug: str, prefix: str) -> str:
        """`launch` / `pause` (a closed campaign stays closed)."""
        target = CampaignStatus.LIVE if verb == "launch" else CampaignStatus.PAUSED
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug) if slug else None
            if campaign is None:
                return no_campaign(slug, prefix) if slug else f"Give the campaign, e.g. " \
                    f"{prefix}{verb} support-screen"
            if campaign.status is CampaignStatus.CLOSED:
                return f"{slug} is closed; {prefix}clone {slug} <new-slug> starts a new round."
            if campaign.status is target:
                return f"{slug} is already {target.value}."
            await uow.campaigns.set_status(campaign.id, target)
            await uow.commit()
        if target is CampaignStatus.LIVE:
            return f"{slug} is live: invites open, {prefix}invite {slug} <names> makes more."
        return (f"{slug} is paused: nobody new can start; interviews already started go on. "
                f"{prefix}launch {slug} resumes it.")

    async def close(self, actor: str, slug: str, prefix: str) -> str:
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug) if slug else None
            if campaign is None:
                return no_campaign(slug, prefix) if slug else f"Give the campaign, e.g. " \
                    f"{prefix}close support-screen"
            if campaign.status is CampaignStatus.CLOSED:
                return f"{slug} is already closed."
            await uow.campaigns.set_status(campaign.id, CampaignStatus.CLOSED)
            running = [s for s in await uow.interviews.list_for_campaign(campaign.id)
                       if not_running(s) is None]
            await uow.commit()
        for st in running:  # each through the runtime: the candidate is told, answers kept
            await self.emit(CampaignClosed(
                event_id=f"close:{st.interview_id}:{uuid.uuid4().hex}", occurred_at=self.clock(),
                conversation=st.candidate or ConversationRef.of_interview(st.interview_id),
                interview_id=st.interview_id, requested_by=actor))
        return (f"{slug} is closed: no invite opens any more, and the {len(running)} "
                "candidate(s) still answering were told; what they sent goes to review.")

    async def clone(self, rest: str, prefix: str) -> str:
        words = rest.split()
        if len(words) != 2:
            return f"Give the campaign and the new one's slug, e.g. {prefix}clone support-q1 " \
                "support-q2"
        slug, new_slug = words
        if not is_slug(new_slug):
            return bad_slug(new_slug)
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                return no_campaign(slug, prefix)
            if await uow.campaigns.by_slug(new_slug) is not None:
                return f"There is already a campaign “{new_slug}”."
            kit, source = await _current_kit(uow, campaign)
            await uow.campaigns.create(kit, source, new_slug, CampaignStatus.DRAFT)
            await uow.commit()
        return (f"Created {new_slug} from {slug}'s current kit, as a draft with no candidates. "
                f"{prefix}launch {new_slug} starts it.")


async def _current_kit(uow: UnitOfWork, campaign: Campaign) -> tuple[Kit, str]:
    version = await uow.campaigns.kit_version(campaign.kit_version_id)
    kit = await uow.campaigns.kit(campaign.kit_version_id)
    return kit, version.source_yaml if version is not None else ""


def read_kit(upload: Upload) -> tuple[Kit | None, str, str]:
    """(kit, its source text, "") or (None, "", the reply listing every problem)."""
    name = PurePath(upload.file_name).name or "kit.yaml"
    if len(upload.data) > MAX_KIT_BYTES:
        return None, "", (f"{name} is {len(upload.data) // 1024} KB; a kit is a short text "
                          "file (YAML). Nothing was created.")
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        return None, "", (f"{name} is not a text file; a kit is plain text (YAML, saved as "
                          "UTF-8). Nothing was created.")
    try:
        return parse_kit(text, name), text, ""
    except KitInvalid as exc:
        return None, "", problems_text(name, exc)


def problems_text(name: str, exc: KitInvalid) -> str:
    shown = exc.problems[:MAX_PROBLEMS_SHOWN]
    lines = [f"{name} has {len(exc.problems)} problem(s); nothing was created. Fix them and "
             "send the file again:"]
    lines += [f"• line {p.line}, column {p.col}: {p.message}" for p in shown]
    if len(exc.problems) > len(shown):
        lines.append(f"… and {len(exc.problems) - len(shown)} more "
                     "(interview-bot kit validate FILE lists them all)")
    return "\n".join(lines)


def starter_kit(prefix: str) -> str:
    return (f"Here is a starter kit. Save it as a .yaml file, change the texts and questions, "
            f"and send the file to me with the caption {prefix}new <campaign-slug>:\n\n"
            + _starter_text())


@functools.cache
def _starter_text() -> str:
    return (Path(config.__file__).parent / "kits" / STARTER_KIT).read_text(encoding="utf-8")


def no_campaign(slug: str, prefix: str) -> str:
    return f"There is no campaign “{slug}”. {prefix}campaigns lists them."


def bad_slug(slug: str) -> str:
    return (f"“{slug[:80]}” cannot be a campaign name: use lowercase letters, digits and single "
            f"dashes (at most {SLUG_MAX}), e.g. {suggest_slug(slug)}")
