"""Reviewers' presses in a Telegram group -> the neutral `ReviewDesk` (the reviewer port).

The transport hands over every update it is given that belongs here (`takes`): a button
press whose data is a reviewer payload (`r1:`, `review_callbacks.py`) or anything from a
group (candidates only ever talk to the bot in private; a reviewer replying to the post must
not get a candidate's "open your invite link"). Group messages are left alone, except
slash commands: those go on to the candidate side, where a recruiter's command is refused
("only in a private chat") and the engine says nothing to anyone else in a group.

Every press is answered exactly once: by the desk through the channel (`tell`, a form), or
here when the desk had nothing to say, so the presser's button never keeps spinning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram.types import CallbackQuery, Update

from adapters.errors import AdapterError
from adapters.telegram.review_callbacks import Press, PressError, ReviewPress, is_review_data
from adapters.telegram.review_channel import (
    MESSAGE,
    NAME,
    QUERY,
    TelegramReviewChannel,
)
from conversations.events import Platform
from conversations.review_port import ReviewDesk, ReviewerRef, ScoreCell
from conversations.review_views import DECISION_DONE
from conversations.reviewing import ALREADY_DECIDED

log = logging.getLogger(__name__)
GROUP_TYPES = frozenset({"group", "supergroup"})
STALE = "This button is not valid any more."
NOT_YOURS = "Only the recruiter who asked for this decision can confirm or cancel it."
RETRY = "Telegram did not answer in time; please press again."


def reviewer(query: CallbackQuery) -> ReviewerRef:
    """Who pressed, in which group, and how to answer them (the press, the message)."""
    user = query.from_user
    message = query.message
    chat = message.chat.id if message is not None else user.id
    handles = {QUERY: query.id, NAME: user.full_name}
    if message is not None:
        handles[MESSAGE] = str(message.message_id)
    return ReviewerRef(platform=Platform.TELEGRAM, user_id=str(user.id),
                       place=f"{Platform.TELEGRAM}:{chat}", handles=handles)


@dataclass
class ReviewInbound:
    desk: ReviewDesk
    channel: TelegramReviewChannel

    def takes(self, update: Update) -> bool:
        query = update.callback_query
        if query is not None:
            in_group = query.message is not None and query.message.chat.type in GROUP_TYPES
            return in_group or is_review_data(query.data)
        message = update.message
        # Group chatter is left alone (reviewers talk about a post); a command goes on to
        # the candidate side: an invite opened in a group is answered "open it in a private
        # chat", a recruiter's command "only in a private chat", anything else not at all.
        return (message is not None and message.chat.type in GROUP_TYPES
                and not (message.text or "").startswith("/"))

    async def handle(self, update: Update) -> None:
        query = update.callback_query
        if query is None:
            chat = update.message.chat.id if update.message is not None else "?"
            log.info("telegram: update %s from group %s left alone (not a press)",
                     update.update_id, chat)
            return
        who = reviewer(query)
        try:
            await self._press(who, query.data or "")
        except AdapterError as exc:
            log.warning("review: press by %s not handled: %s", who.actor, exc)
            await self.channel.answer(who, RETRY, alert=True)
        finally:
            if not self.channel.answered(who):
                await self.channel.answer(who, None, alert=False)
            self.channel.forget(who)

    async def _press(self, who: ReviewerRef, data: str) -> None:
        try:
            press = ReviewPress.unpack(data)
        except PressError:
            log.info("review: unknown press %r by %s", data, who.actor)
            await self.channel.answer(who, STALE, alert=True)
            return
        iid = press.interview_id
        match press.action:
            case Press.MY_SHEET:
                await self.desk.open_scoring(who, iid)
            case Press.SCORE:
                await self.desk.save_score(who, iid, ScoreCell(press.question, press.dimension),
                                           press.value)
            case Press.DECIDE:
                await self.desk.open_decision(who, iid, press.decision)
            case Press.CONFIRM:
                await self._confirm(who, press)
            case Press.CANCEL:
                await self._cancel(who, press)

    async def _confirm(self, who: ReviewerRef, press: ReviewPress) -> None:
        if who.user_id != press.user_id:
            await self.channel.answer(who, NOT_YOURS, alert=True)
            return
        refusal = await self.desk.decide(who, press.interview_id, press.decision, "")
        if refusal is not None:
            await self.channel.answer(who, refusal, alert=True)
            if refusal == ALREADY_DECIDED:
                await self._drop_confirmation(who)
            return
        await self._drop_confirmation(who)
        done = DECISION_DONE.get(press.decision, press.decision)
        await self.channel.answer(who, f"{done}. The candidate is told.", alert=False)

    async def _cancel(self, who: ReviewerRef, press: ReviewPress) -> None:
        if who.user_id != press.user_id:
            await self.channel.answer(who, NOT_YOURS, alert=True)
            return
        await self._drop_confirmation(who)
        await self.channel.answer(who, "Cancelled: nothing was decided.", alert=False)

    async def _drop_confirmation(self, who: ReviewerRef) -> None:
        message_id = who.handles.get(MESSAGE)
        if message_id:
            await self.channel.delete_message(who.place, int(message_id))
