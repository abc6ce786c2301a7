"""What the recruiters are told in their own chat with the bot, unasked: a candidate who
cannot be reached (WhatsApp's 131026: the number is not on WhatsApp or cannot receive
messages; a chat the candidate closed). Each recruiter in RECRUITERS whose platform is on
gets a short note: who, which campaign, what to do. Written in the transaction that gave
the message up (`bot/runtime/undeliverable.py`), once per interview, and sent through the
outbox like every other message (Telegram: the private chat; Slack: a direct message).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.recruiting.usage import SLACK_PREFIX, TELEGRAM_PREFIX
from bot.runtime.effects import rendered_to_payload
from bot.runtime.outbox_kinds import OutboxKind
from conversations.events import ConversationRef, Platform
from conversations.messages import RenderedMessage
from conversations.state import InterviewState
from storage.db import UnitOfWork

PREFIXES = {Platform.TELEGRAM.value: TELEGRAM_PREFIX, Platform.SLACK.value: SLACK_PREFIX}
PLATFORM_NAMES = {Platform.TELEGRAM.value: "Telegram", Platform.SLACK.value: "Slack",
                  Platform.WHATSAPP.value: "WhatsApp", Platform.WEB.value: "the web page"}


@dataclass
class RecruiterAlerts:
    recruiter_ids: frozenset[str]
    platforms_on: Callable[[], Collection[str]]  # the chat platforms running now

    def recruiters(self) -> list[ConversationRef]:
        """RECRUITERS on a platform that is on, as their private chat with the bot (a
        Telegram private chat's id is the user's; Slack posts to a user id as a DM)."""
        on = set(self.platforms_on())
        refs = []
        for actor in sorted(self.recruiter_ids):
            platform, _, user_id = actor.partition(":")
            if platform in PREFIXES and platform in on and user_id:
                refs.append(ConversationRef(platform, user_id, user_id))
        return refs

    async def undeliverable(self, uow: UnitOfWork, interview_id: str, reason: str) -> bool:
        state = await uow.interviews.get(interview_id)
        recruiters = self.recruiters()
        if state is None or not recruiters:
            return False
        campaign = await uow.campaigns.get(state.campaign_id)
        title = f"{campaign.title} ({campaign.slug})" if campaign else state.campaign_id
        for to in recruiters:
            text = undeliverable_text(state, title, reason, PREFIXES[to.platform])
            payload = rendered_to_payload(to, RenderedMessage(text=text))
            await uow.outbox.add(OutboxKind.SEND, payload, to.key, None)
        return True


def undeliverable_text(state: InterviewState, campaign: str, reason: str, prefix: str) -> str:
    name = state.candidate_name or "A candidate"
    where = PLATFORM_NAMES.get(state.candidate.platform, state.candidate.platform) \
        if state.candidate else "their chat app"
    return (
        f"{name} (campaign {campaign}) cannot be reached on {where}: our messages to them "
        f"are not delivered ({reason}).\n"
        "Please contact them another way. When they can be reached again, give them more "
        f"time with {prefix}extend {state.interview_id} 2d <reason>."
    )
