"""Recruiter commands: list campaigns and invite candidates, from Slack or Telegram.

Slack: `/interview campaigns`, `/interview invite …` (a slash command, acked at once, the
reply ephemeral through its response_url; `adapters/slack/app.py`). Telegram: `/campaigns`,
`/invite …` in the recruiter's own chat with the bot (`bot/recruiting/chat.py`). The reply is
plain text, readable on both. Only `RECRUITERS` (`slack:<id>`, `telegram:<id>`) may run
these commands: invites are personal links, and anyone holding one can take the interview.
Each invite made here is in the audit log with the recruiter who made it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from adapters.base import DirectInvites, InviteLinks
from bot.recruiting import direct
from bot.recruiting.chart import render_chart
from bot.recruiting.file_commands import FileDesk
from bot.recruiting.invites import invite_into, invite_links
from bot.recruiting.lifecycle import CampaignDesk, Upload
from bot.recruiting.replies import Reply
from bot.recruiting.reports import (
    SHORTLIST_DEFAULT,
    funnel_of,
    load_facts,
    shortlist_text,
    status_text,
)
from bot.recruiting.usage import SLACK_PREFIX, usage
from bot.runtime.clock import Clock
from config.kit_loader import parse_duration
from config.settings import Settings
from conversations.events import (
    Accommodated,
    ConversationRef,
    DeadlineExtended,
    EraseRequested,
    Event,
    ReminderRequested,
)
from conversations.messages import Attachment
from conversations.recruiter_actions import not_running
from conversations.state import InterviewState, Phase
from storage.db import Database
from storage.records import CampaignSummary

MAX_NAMES = 50  # one reply stays readable; the CLI takes a CSV for more
NAME_SEPARATORS = re.compile(r"[,;\n]")



NOT_A_RECRUITER = (
    "Only recruiters can run these commands. To review, use the Score button on a "
    "submission in the review channel."
)


@dataclass
class RecruiterDesk:
    db: Database
    settings: Settings
    clock: Clock
    emit: Callable[[Event], Awaitable[None]]  # the runtime: erasure goes through the engine
    invite_makers: Sequence[InviteLinks] = ()  # the candidate channels that make links
    # Channels that deliver an invite to a user id themselves (Slack DMs), and the catalogs.
    direct_inviters: list[DirectInvites] = field(default_factory=list)
    render: direct.Render | None = None
    in_review: direct.ReviewMembership | None = None

    def is_recruiter(self, actor: str) -> bool:
        """`actor` is `<platform>:<user id>`, as in RECRUITERS."""
        return actor in self.settings.recruiter_ids

    async def command(self, actor: str, text: str, prefix: str = SLACK_PREFIX,
                      upload: Upload | None = None) -> str:
        """The reply as text only (where no file can go back: Slack's slash commands)."""
        return (await self.answer(actor, text, prefix, upload)).as_text()

    async def command_with_file(self, actor: str, text: str, prefix: str,
                                file: Attachment | None) -> tuple[str, Attachment | None]:
        """For adapters (Slack): a file in, the reply and maybe a file out."""
        upload = Upload(file.file_name, file.data) if file is not None else None
        reply = await self.answer(actor, text, prefix, upload)
        return reply.text, reply.attachment

    async def answer(self, actor: str, text: str, prefix: str = SLACK_PREFIX,
                     upload: Upload | None = None) -> Reply:
        """The reply to `text` ("invite support Ann, Bo"), with the file sent along, if any;
        `prefix` is how the platform spells a command in the usage text. Every command a
        recruiter gives is in the audit log (who, when, what, and the file's name), and so is
        every refused attempt."""
        allowed = self.is_recruiter(actor)
        verb, _, rest = text.strip().partition(" ")
        async with self.db.unit_of_work() as uow:
            await uow.audit.log(
                actor, f"{'command' if allowed else 'refused'}:{verb.lower()[:40]}", None,
                {"text": text.strip()[:500], "file": upload.file_name[:200] if upload else None},
                self.clock())
            await uow.commit()
        if not allowed:
            return Reply(NOT_A_RECRUITER)
        files = FileDesk(self.db, self.clock, self.invite_makers)
        match verb.lower():
            case "export":
                return await files.export(rest, prefix)
            case "invite" if upload is not None:
                return await files.invite_csv(actor, rest.strip(), upload, prefix)
            case "status":
                return await self.report("status", rest, prefix)
        return Reply(await self._run(actor, verb, rest, prefix, upload))

    async def _run(self, actor: str, verb: str, rest: str, prefix: str,
                   upload: Upload | None) -> str:
        campaigns = CampaignDesk(self.db, self.clock, self.emit)
        match verb.lower():
            case "new":
                return await campaigns.new(rest, upload, prefix)
            case "edit":
                return await campaigns.edit(rest, upload, prefix)
            case "launch" | "pause":
                return await campaigns.set_status(verb.lower(), rest.strip(), prefix)
            case "close":
                return await campaigns.close(actor, rest.strip(), prefix)
            case "clone":
                return await campaigns.clone(rest, prefix)
            case "" | "help":
                return usage(prefix)
            case "campaigns" | "list":
                return await self._campaigns()
            case "invite":
                return await self._invite(actor, rest, prefix)
            case "erase":
                return await self._erase(actor, rest.strip())
            case "shortlist":
                return (await self.report("shortlist", rest, prefix)).text
            case "extend":
                return await self._extend(actor, rest, prefix)
            case "remind":
                return await self._remind(actor, rest.strip(), prefix)
            case "accommodate":
                return await self._accommodate(actor, rest, prefix)
            case _:
                return f"I don't know “{verb}”.\n{usage(prefix)}"

    async def _campaigns(self) -> str:
        async with self.db.unit_of_work(read_only=True) as uow:
            rows = await uow.campaigns.list_summaries()
        if not rows:
            return ("No campaigns yet. Create one from a kit file: "
                    "interview-bot campaign create KIT.yaml")
        return "\n".join(["Campaigns:", *(_summary(r) for r in rows)])

    async def _invite(self, actor: str, rest: str, prefix: str) -> str:
        slug, _, names_text = rest.strip().partition(" ")
        names = [n.strip() for n in NAME_SEPARATORS.split(names_text) if n.strip()]
        if not slug or not names:
            return ("Give the campaign and at least one name, e.g. "
                    f"{prefix}invite support-screen Ann Lee, Bo Chen")
        users = self._addressed(actor, names_text)
        if users is not None and self.render is not None:
            return await direct.reply_for_chat(self.db, users[0], self.render, slug, users[1],
                                               actor, self.clock, self.in_review)
        if len(names) > MAX_NAMES:
            return (f"At most {MAX_NAMES} names at once (you gave {len(names)}); for more, "
                    "use: interview-bot invite SLUG --csv FILE")
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                return f"There is no campaign “{slug}”. {prefix}campaigns lists them."
            invited = await invite_into(uow, campaign, names)
            for name, state in zip(names, invited, strict=True):
                await uow.audit.log(actor, "invited", state.interview_id,
                                    {"name": name, "campaign": slug}, self.clock())
            await uow.commit()
        links = await invite_links(self.invite_makers, [s.invite_token for s in invited], None)
        lines = [f"• {name}: {' '.join(each)}" for name, each in zip(names, links, strict=True)]
        if any(actor.startswith(f"{i.platform}:") for i in self.direct_inviters):
            lines.append(f"Tip: {prefix}invite {slug} @name sends each person the invite in "
                         "a direct message instead.")
        return "\n".join([f"Invites for {campaign.title} (send each link to its candidate "
                          "only):", *lines])

    def _addressed(self, actor: str, names_text: str
                   ) -> tuple[DirectInvites, list[str]] | None:
        """People named by user id, on the recruiter's own platform (`@ann` in Slack)."""
        for inviter in self.direct_inviters:
            if actor.startswith(f"{inviter.platform}:"):
                ids = direct.addressed(inviter, names_text)
                if ids:
                    return inviter, ids[:MAX_NAMES]
        return None

    async def report(self, verb: str, rest: str, prefix: str) -> Reply:
        """`status` (text, and the funnel chart as a PNG) or `shortlist`."""
        slug, _, count = rest.strip().partition(" ")
        if not slug or (count.strip() and not count.strip().isdigit()):
            return Reply(f"Give the campaign, e.g. {prefix}{verb} support-screen" + (
                " 5" if verb == "shortlist" else ""))
        async with self.db.unit_of_work(read_only=True) as uow:
            campaign = await uow.campaigns.by_slug(slug)
            if campaign is None:
                return Reply(f"There is no campaign “{slug}”. {prefix}campaigns lists them.")
            facts = await load_facts(uow, campaign.id, campaign.kit_version_id)
        if verb != "status":
            return Reply(shortlist_text(campaign.title, facts, int(count or SHORTLIST_DEFAULT)))
        text = status_text(campaign.title, facts)
        chart = await render_chart(campaign.title, funnel_of(facts))
        return Reply(text, Attachment(f"{slug}-funnel.png", "image/png", chart),
                     without_file=text)

    async def _extend(self, actor: str, rest: str, prefix: str) -> str:
        interview_id, _, more = rest.strip().partition(" ")
        length, _, reason = more.strip().partition(" ")
        seconds = parse_duration(length) if length else None
        if not interview_id or not seconds or not reason.strip():
            return ("Give the interview, the extra time and the reason, e.g. "
                    f"{prefix}extend 3f2a9c 2d internet outage at home")
        state = await self._interview(interview_id)
        if state is None:
            return f"There is no interview “{interview_id}”."
        refusal = not_running(state)
        if refusal:
            return refusal
        await self.emit(DeadlineExtended(
            event_id=f"extend:{interview_id}:{uuid.uuid4().hex}", occurred_at=self.clock(),
            conversation=state.candidate or ConversationRef.of_interview(interview_id),
            interview_id=interview_id, seconds=seconds, requested_by=actor,
            reason=reason.strip()))
        who = state.candidate_name or "the candidate"
        return f"{who} has {length} more; they have been told. Logged with your reason."

    async def _remind(self, actor: str, target: str, prefix: str) -> str:
        if not target:
            return (f"Give a campaign (everyone still answering) or one interview, e.g. "
                    f"{prefix}remind support-screen")
        async with self.db.unit_of_work(read_only=True) as uow:
            campaign = await uow.campaigns.by_slug(target)
            states = (await uow.interviews.list_for_campaign(campaign.id) if campaign
                      else [s for s in [await uow.interviews.get(target)] if s])
        if not states:
            return f"There is no campaign or interview “{target}”."
        running = [s for s in states if not_running(s) is None]
        if not running:
            if campaign is None:
                return not_running(states[0]) or "Nothing to remind."
            return "Nobody in this campaign is still answering."
        for st in running:
            await self.emit(ReminderRequested(
                event_id=f"remind:{st.interview_id}:{uuid.uuid4().hex}",
                occurred_at=self.clock(),
                conversation=st.candidate or ConversationRef.of_interview(st.interview_id),
                interview_id=st.interview_id, requested_by=actor))
        return (f"Reminded {len(running)} candidate(s) still answering (after their quiet "
                "hours where it is night for them).")

    async def _accommodate(self, actor: str, rest: str, prefix: str) -> str:
        interview_id, _, more = rest.strip().partition(" ")
        extra, reason = parse_accommodation(more)
        if not interview_id or extra is None or not any(extra) or not reason:
            return ("Give the interview, what to add and the reason, e.g. "
                    f"{prefix}accommodate 3f2a9c prep=1m answer=2m retakes=1 screen reader")
        state = await self._interview(interview_id)
        if state is None:
            return f"There is no interview “{interview_id}”."
        refusal = not_running(state)
        if refusal:
            return refusal
        prep, answer, retakes = extra
        await self.emit(Accommodated(
            event_id=f"accommodate:{interview_id}:{uuid.uuid4().hex}",
            occurred_at=self.clock(),
            conversation=state.candidate or ConversationRef.of_interview(interview_id),
            interview_id=interview_id, extra_prep_s=prep, extra_answer_s=answer,
            extra_retakes=retakes, requested_by=actor, reason=reason))
        who = state.candidate_name or "The candidate"
        return (f"{who} gets {prep} s more to prepare, {answer} s more to answer and "
                f"{retakes} extra retake(s) from the next question on; they have been told. "
                "Logged with your reason.")

    async def _interview(self, interview_id: str) -> InterviewState | None:
        async with self.db.unit_of_work(read_only=True) as uow:
            return await uow.interviews.get(interview_id)

    async def _erase(self, actor: str, interview_id: str) -> str:
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(interview_id) if interview_id else None
        if state is None:
            return (f"There is no interview “{interview_id}”. The id is at the bottom of the "
                    "candidate's review post.")
        if state.phase == Phase.ERASED:
            return f"Interview {interview_id} is already erased."
        who = state.candidate_name or "the candidate"  # read before the erasure clears it
        await self.emit(EraseRequested(
            event_id=f"erase:{interview_id}", occurred_at=self.clock(),
            conversation=state.candidate or ConversationRef.of_interview(interview_id),
            interview_id=interview_id, requested_by=actor,
        ))
        told = ("They have been told." if state.candidate is not None
                else "Their invite no longer works.")
        return (f"Erased interview {interview_id} ({who}): answers, transcripts and media are "
                f"deleted, and so are the copies in the review channel. {told}")


ADJUSTMENTS = ("prep", "answer", "retakes")


def parse_accommodation(text: str) -> tuple[tuple[int, int, int] | None, str]:
    """`prep=1m answer=90s retakes=1 reason…` -> ((60, 90, 1), "reason…"); None when a
    `key=value` is malformed."""
    given = dict.fromkeys(ADJUSTMENTS, 0)
    words = text.split()
    while words and "=" in words[0]:
        key, _, value = words.pop(0).partition("=")
        amount = _amount(key.lower(), value.lstrip("+"))
        if key.lower() not in given or amount is None:
            return None, ""
        given[key.lower()] = amount
    return (given["prep"], given["answer"], given["retakes"]), " ".join(words)


def _amount(key: str, value: str) -> int | None:
    """Retakes are a count; times are durations (`90s`, `2m`)."""
    if key == "retakes":
        return int(value) if value.isdigit() else None
    return parse_duration(value)


def _summary(r: CampaignSummary) -> str:
    return (f"• {r.slug}: {r.title} ({r.status}): {r.invited} invited, {r.opened} opened, "
            f"{r.submitted} submitted, {r.expired} expired, {r.withdrawn} withdrawn")
