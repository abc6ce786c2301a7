"""Recruiter commands that answer with a file: `export SLUG [csv|jsonl]` and `invite SLUG`
with a roster CSV attached (a CSV of personal links back, bad rows reported by line).
The file goes back into the recruiter's chat (`conversations.messages.Attachment`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.base import InviteLinks
from bot.recruiting.export import ExportFormat, campaign_records, csv_cell, render
from bot.recruiting.invites import invite_links
from bot.recruiting.lifecycle import Upload, no_campaign
from bot.recruiting.replies import Reply
from bot.recruiting.roster import Candidate, read_roster
from bot.runtime.clock import Clock
from conversations.messages import Attachment
from storage.db import Database

MAX_FILE_BYTES = 20 * 1024 * 1024  # Telegram bots may send documents up to 50 MB
MAX_ROSTER_BYTES = 1024 * 1024
MIME = {ExportFormat.CSV: "text/csv", ExportFormat.JSONL: "application/x-ndjson"}


@dataclass
class FileDesk:
    db: Database
    clock: Clock
    invite_makers: Sequence[InviteLinks] = ()

    async def export(self, rest: str, prefix: str) -> Reply:
        slug, _, fmt = rest.strip().partition(" ")
        fmt = fmt.strip().lower() or ExportFormat.CSV.value
        if not slug or fmt not in set(ExportFormat):
            return Reply(f"Give the campaign and, if you like, the format, e.g. "
                         f"{prefix}export support-screen jsonl (csv by default)")
        async with self.db.unit_of_work(read_only=True) as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                return Reply(no_campaign(slug, prefix))
            records = await campaign_records(uow, campaign)
        data = render(records, ExportFormat(fmt)).encode("utf-8")
        on_server = f"On the server: interview-bot export {slug} --format {fmt} > {slug}.{fmt}"
        if len(data) > MAX_FILE_BYTES:
            return Reply(f"The export of {slug} is too big to send here. {on_server}")
        return Reply(f"{campaign.title}: {len(records)} candidate(s), as {fmt.upper()}.",
                     Attachment(f"{slug}.{fmt}", MIME[ExportFormat(fmt)], data),
                     without_file=f"Files cannot be sent back here. {on_server}")

    async def invite_csv(self, actor: str, slug: str, upload: Upload, prefix: str) -> Reply:
        if len(upload.data) > MAX_ROSTER_BYTES:
            return Reply(f"{upload.file_name} is too big for a list of names; nobody was "
                         "invited.")
        try:
            roster = read_roster(upload.data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return Reply(f"{upload.file_name} is not a UTF-8 text file (save the CSV as "
                         "UTF-8); nobody was invited.")
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                return Reply(no_campaign(slug, prefix))
            made = []
            for who in roster.candidates:
                state = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                           who.name)
                await uow.audit.log(actor, "invited", state.interview_id,
                                    {"name": who.name, "campaign": slug, "line": who.line},
                                    self.clock())
                made.append((who, state.interview_id, state.invite_token))
            await uow.commit()
        problems = "\n".join(f"• {p}" for p in roster.problems)
        if not made:
            return Reply(f"Nobody was invited:\n{problems}")
        data = await self._links_csv(made)
        text = f"{len(made)} invite(s) for {campaign.title}: the links are in the file " \
            "(send each link to its candidate only)."
        return Reply(text + (f"\nSkipped:\n{problems}" if problems else ""),
                     Attachment(f"{slug}-invites.csv", "text/csv", data))

    async def _links_csv(self, made: list[tuple[Candidate, str, str]]) -> bytes:
        links: dict[str, list[str]] = {}
        for channel in {who.channel for who, _, _ in made}:
            chosen = [token for who, _, token in made if who.channel == channel]
            for token, each in zip(chosen, await invite_links(self.invite_makers, chosen,
                                                              channel), strict=True):
                links[token] = each
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["line", "name", "channel", "contact", "interview_id", "link"])
        for who, interview_id, token in made:
            writer.writerow([who.line, csv_cell(who.name), who.channel or "",
                             csv_cell(who.contact), interview_id, " ".join(links[token])])
        return out.getvalue().encode("utf-8")
