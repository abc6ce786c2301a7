"""Invites the bot delivers itself, to one user id (Slack DMs: `adapters.base.DirectInvites`).

Used by `interview-bot invite SLUG --slack U0123` and by `/interview invite SLUG @user`. The
invites are saved (and audited) first; then each person's conversation is opened and the
welcome sent, its one button carrying the invite token: only that person sees it, so the
invite is theirs. A welcome that cannot be delivered is reported on that person's line; the
saved invite stays unused and its token is never shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from adapters.base import DirectInvites
from adapters.errors import AdapterError
from bot.recruiting.invites import invite_into
from bot.runtime.clock import Clock
from config.kit import Kit
from conversations.messages import Button, Message, RenderedMessage, msg
from storage.db import Database
from storage.records import Campaign

Render = Callable[[str, Message], RenderedMessage]  # (language, message) -> rendered
# (kit, platform, user id) -> the kit's review place when that user is a member of it,
# else None; built by the composition root from the reviewer channels. Raises AdapterError
# when the platform cannot tell.
ReviewMembership = Callable[[Kit, str, str], Awaitable[str | None]]
IN_REVIEW = ("not invited: they are a member of the review channel {place}, where their "
             "submission would be posted; invite them to a campaign reviewed elsewhere, or "
             "take them out of that channel first")


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Delivered:
    person: Person
    link: str | None  # to the conversation, for the recruiter
    error: str | None = None


class NoSuchCampaign(LookupError):
    """The slug names no campaign."""


def read_people(inviter: DirectInvites, written: Sequence[str],
                names: Sequence[str] = ()) -> tuple[list[Person], list[str]]:
    """People from user ids as typed (names paired in order where given, else the id);
    also the texts that are not user ids."""
    people: list[Person] = []
    bad: list[str] = []
    for n, text in enumerate(written):
        user_id = inviter.user_id(text)
        if user_id is None:
            bad.append(text)
        else:
            name = names[n] if n < len(names) else ""
            people.append(Person(user_id, name or user_id))
    return people, bad


async def invite_directly(
    db: Database, inviter: DirectInvites, render: Render, slug: str,
    people: Sequence[Person], actor: str, clock: Clock,
    in_review: ReviewMembership | None = None,
) -> tuple[Campaign, list[Delivered]]:
    """Saves one invite per person, then opens each conversation with the welcome. Someone
    who is in the campaign's review channel is not invited: they would see their own post."""
    async with db.unit_of_work(read_only=True) as uow:
        campaign = await uow.campaigns.by_slug(slug)
        if campaign is None:
            raise NoSuchCampaign(slug)
        kit = await uow.campaigns.kit(campaign.kit_version_id)
    refused = {p.user_id: why for p in people
               if (why := await _review_refusal(in_review, kit, inviter.platform, p.user_id))}
    welcome_to = [p for p in people if p.user_id not in refused]
    async with db.unit_of_work() as uow:
        invited = await invite_into(uow, campaign, [p.name for p in welcome_to])
        for person, state in zip(welcome_to, invited, strict=True):
            await uow.audit.log(actor, "invited", state.interview_id,
                                {"name": person.name, "campaign": slug,
                                 inviter.platform: person.user_id}, clock())
        await uow.commit()
    tokens = {p.user_id: s.invite_token for p, s in zip(welcome_to, invited, strict=True)}
    delivered: list[Delivered] = []
    for person in people:
        if person.user_id in refused:
            delivered.append(Delivered(person, None, refused[person.user_id]))
            continue
        welcome = render(kit.language, msg(
            "invite.welcome", title=campaign.title,
            buttons=(Button("button.open_interview", tokens[person.user_id]),)))
        try:
            link = await inviter.open_invite(person.user_id, welcome)
        except AdapterError as exc:
            delivered.append(Delivered(person, None, f"not sent: {exc}"))
        else:
            delivered.append(Delivered(person, link))
    return campaign, delivered


async def _review_refusal(
    in_review: ReviewMembership | None, kit: Kit, platform: str, user_id: str
) -> str | None:
    if in_review is None:
        return None
    try:
        place = await in_review(kit, platform, user_id)
    except AdapterError as exc:
        return f"not invited: their review channel membership could not be checked ({exc})"
    return IN_REVIEW.format(place=place) if place else None


def lines(delivered: Sequence[Delivered]) -> list[str]:
    """One tab-separated line per person: name, user id, then the link or why not."""
    return [f"{d.person.name}\t{d.person.user_id}\t" +
            (d.link or d.error or "") for d in delivered]


def addressed(inviter: DirectInvites, names_text: str) -> list[str] | None:
    """The user ids when every name in a recruiter's `invite` command is one (`@ann` as Slack
    escapes it: `<@U0123|ann>`); None when any is a plain name."""
    words = [w for w in names_text.replace(",", " ").split() if w]
    ids = [inviter.user_id(w) for w in words]
    return [i for i in ids if i] if words and all(ids) else None


async def reply_for_chat(
    db: Database, inviter: DirectInvites, render: Render, slug: str, user_ids: list[str],
    actor: str, clock: Clock, in_review: ReviewMembership | None = None,
) -> str:
    """The recruiter's reply to `/interview invite SLUG @ann @bo`."""
    people = [Person(u, u) for u in dict.fromkeys(user_ids)]
    try:
        campaign, delivered = await invite_directly(db, inviter, render, slug, people, actor,
                                                    clock, in_review)
    except NoSuchCampaign:
        return f"There is no campaign “{slug}”."
    return "\n".join([f"Invites for {campaign.title}, sent in a direct message:", *(
        f"• <@{d.person.user_id}>: " + (d.link or d.error or "") for d in delivered)])
