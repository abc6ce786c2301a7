"""Invites the bot delivers itself, to one user id (Slack DMs: `adapters.base.DirectInvites`).

Used by `interview-bot invite SLUG --slack U0123` and by `/interview invite SLUG @user`. The
invites are saved (and audited) first; then each person's conversation is opened and the
welcome sent, its one button carrying the invite token: only that person sees it, so the
invite is theirs. A welcome that cannot be delivered is reported on that person's line; the
saved invite stays unused and its token is never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from adapters.base import DirectInvites
from adapters.errors import AdapterError
from bot.recruiting.invites import invite_into
from bot.runtime.clock import Clock
from conversations.messages import Button, Message, RenderedMessage, msg
from storage.db import Database
from storage.records import Campaign

Render = Callable[[str, Message], RenderedMessage]  # (language, message) -> rendered


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
) -> tuple[Campaign, list[Delivered]]:
    """Saves one invite per person, then opens each conversation with the welcome."""
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.by_slug(slug)
        if campaign is None:
            raise NoSuchCampaign(slug)
        language = (await uow.campaigns.kit(campaign.kit_version_id)).language
        invited = await invite_into(uow, campaign, [p.name for p in people])
        for person, state in zip(people, invited, strict=True):
            await uow.audit.log(actor, "invited", state.interview_id,
                                {"name": person.name, "campaign": slug,
                                 inviter.platform: person.user_id}, clock())
        await uow.commit()
    delivered: list[Delivered] = []
    for person, state in zip(people, invited, strict=True):
        welcome = render(language, msg(
            "invite.welcome", title=campaign.title,
            buttons=(Button("button.open_interview", state.invite_token),)))
        try:
            link = await inviter.open_invite(person.user_id, welcome)
        except AdapterError as exc:
            delivered.append(Delivered(person, None, str(exc)))
        else:
            delivered.append(Delivered(person, link))
    return campaign, delivered


def lines(delivered: Sequence[Delivered]) -> list[str]:
    """One tab-separated line per person: name, user id, then the link or why not."""
    return [f"{d.person.name}\t{d.person.user_id}\t" +
            (d.link if d.link else f"not sent: {d.error}") for d in delivered]


def addressed(inviter: DirectInvites, names_text: str) -> list[str] | None:
    """The user ids when every name in a recruiter's `invite` command is one (`@ann` as Slack
    escapes it: `<@U0123|ann>`); None when any is a plain name."""
    words = [w for w in names_text.replace(",", " ").split() if w]
    ids = [inviter.user_id(w) for w in words]
    return [i for i in ids if i] if words and all(ids) else None


async def reply_for_chat(
    db: Database, inviter: DirectInvites, render: Render, slug: str, user_ids: list[str],
    actor: str, clock: Clock,
) -> str:
    """The recruiter's reply to `/interview invite SLUG @ann @bo`."""
    people = [Person(u, u) for u in dict.fromkeys(user_ids)]
    try:
        campaign, delivered = await invite_directly(db, inviter, render, slug, people, actor,
                                                    clock)
    except NoSuchCampaign:
        return f"There is no campaign “{slug}”."
    return "\n".join([f"Invites for {campaign.title}, sent in a direct message:", *(
        f"• <@{d.person.user_id}>: " + (d.link or f"not sent ({d.error})") for d in delivered)])
