"""A Telegram group as a reviewer channel: the reviewer port (`conversations/review_port.py`)
over the Bot API. A review place is `telegram:<chat id>` (a group's id is negative).

The post is one message (split into a few when longer than Telegram's 4096 characters; the
last part carries progress and the buttons), followed by one score keyboard per question
(see `review_render.py` for that choice). Recordings are re-sent as replies to the post: by
`file_id` when the candidate answered on Telegram (the same bot, so no upload), else
uploaded from the media store. The aggregate is a reply too. A group has no private
message, so everything only one reviewer may see is the answer to their button press
(answerCallbackQuery: an alert only the presser sees); a decision is confirmed by a second
press on a message that only the recruiter who asked may use.

The channel shares the candidate channel's aiogram `Bot` and rate limiter, so the group's
messages count against the same limits.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from aiogram import Bot
from aiogram.types import FSInputFile, InlineKeyboardMarkup, Message, ReplyParameters

from adapters.errors import AdapterError, RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.telegram import review_render as render
from adapters.telegram.review_callbacks import PostRef
from adapters.telegram.transport import _call
from conversations.events import Platform
from conversations.review_port import ReviewerRef
from conversations.review_views import (
    AggregateView,
    DecisionForm,
    DecisionView,
    ErasedView,
    MediaView,
    ScoreForm,
    SubmissionView,
)
from conversations.scoring import Progress

log = logging.getLogger(__name__)
T = TypeVar("T")
PREFIX = f"{Platform.TELEGRAM}:"
MEMBER_STATUSES = frozenset({"creator", "administrator", "member"})
QUERY = "callback_query_id"  # ReviewerRef.handles: the press to answer …
MESSAGE = "message_id"  # … the message pressed on, and the presser's name
NAME = "name"
ERASED_KEYBOARD = "Scoring closed: this submission was erased."
UNKNOWN_USER = ("user not found", "participant_id_invalid")
GONE = ("message to delete not found", "message to edit not found")


def chat_id(place: str) -> int:
    return int(place.removeprefix(PREFIX))


@dataclass
class TelegramReviewChannel:
    bot: Bot
    limiter: RateLimiter
    platform: str = Platform.TELEGRAM
    _answered: set[str] = field(default_factory=set)  # presses answered, until forgotten

    def owns(self, place: str) -> bool:
        return place.startswith(PREFIX) and place.removeprefix(PREFIX).lstrip("-").isdigit()

    # -- posting -------------------------------------------------------------------------

    async def post_submission(
        self, place: str, view: SubmissionView, progress: Progress
    ) -> str:
        chat, parts = chat_id(place), render.post_parts(view, progress)
        sent: list[int] = []
        try:
            for n, text in enumerate(parts, start=1):
                markup = render.post_buttons(view.interview_id, None) if n == len(parts) else None
                sent.append(await self._send(chat, text, markup))
            for n, question in enumerate(view.questions if view.rubric else (), start=1):
                sent.append(await self._send(
                    chat, render.keyboard_text(n, question, view.rubric),
                    render.score_keyboard(view.interview_id, n, view.rubric), sent[0]))
        except AdapterError:
            # The outbox posts again: take back what went out so the group sees one post.
            for mid in sent:
                with contextlib.suppress(AdapterError):
                    await self._delete(chat, mid)
            raise
        return PostRef(tuple(sent[:len(parts)]), tuple(sent[len(parts):])).pack()

    async def find_submission(
        self, place: str, interview_id: str, since: datetime
    ) -> str | None:
        """A post whose confirmation was lost cannot be found: the Bot API cannot read a
        chat's history. None, so it is posted again (at least once, like candidate
        messages); a post cut short by an error is taken back before that (above)."""
        return None

    async def attach_media(self, place: str, post_ref: str, media: MediaView) -> str:
        chat, head = chat_id(place), PostRef.unpack(post_ref).head
        if media.source_platform == Platform.TELEGRAM and media.file_ref:
            try:  # the same bot received it: re-send by file_id, nothing uploaded
                return await self._send_media(chat, head, media, media.file_ref)
            except RecipientUnavailable as exc:
                log.warning("review: re-sending %s by file_id failed (%s); uploading it",
                            media.filename, exc)
        return await self._send_media(chat, head, media, None)

    async def show_progress(
        self, place: str, post_ref: str, view: SubmissionView, progress: Progress,
        decision: DecisionView | None,
    ) -> None:
        chat, ref = chat_id(place), PostRef.unpack(post_ref)
        parts = render.post_parts(view, progress, decision)
        if len(parts) != len(ref.parts):  # rendering changed since it was posted
            log.warning("review: post %s of %s had %d part(s), now %d; updating the last",
                        post_ref, view.interview_id, len(ref.parts), len(parts))
        await self._edit(chat, ref.footer, parts[-1],
                         render.post_buttons(view.interview_id, decision))
        if decision is not None:  # no more scoring: the keyboards close
            for mid, (n, q) in zip(ref.keyboards, enumerate(view.questions, start=1),
                                   strict=False):
                await self._edit(chat, mid, render.closed_keyboard_text(n, q), None)

    async def post_aggregate(
        self, place: str, post_ref: str, view: AggregateView, earlier_ref: str | None
    ) -> str:
        chat, text = chat_id(place), render.aggregate_text(view)
        if earlier_ref:  # a reviewer revised after the aggregate: update it in place
            await self._edit(chat, int(earlier_ref), text, None)
            return earlier_ref
        return str(await self._send(chat, text, None, PostRef.unpack(post_ref).head))

    async def show_erased(
        self, place: str, post_ref: str, note: ErasedView, media_refs: Sequence[str]
    ) -> None:
        """Recordings deleted; every part edited (a bot may edit its messages at any age,
        but delete them in a group only within 48 hours unless it is an admin)."""
        chat, ref = chat_id(place), PostRef.unpack(post_ref)
        for media_ref in media_refs:
            await self._delete(chat, int(media_ref))
        for keyboard in ref.keyboards:
            await self._edit(chat, keyboard, ERASED_KEYBOARD, None)
        for part in ref.parts[:-1]:
            await self._edit(chat, part, render.ERASED_PART, None)
        await self._edit(chat, ref.footer, render.erased_text(note), None)

    # -- answering one reviewer ----------------------------------------------------------

    async def open_score_form(self, who: ReviewerRef, form: ScoreForm) -> None:
        """The keyboards are already under the post: show the presser their own sheet."""
        await self.answer(who, render.sheet_summary(form), alert=True)

    async def open_decision_form(self, who: ReviewerRef, form: DecisionForm) -> None:
        """The confirmation step: a message whose buttons only this recruiter may use."""
        try:
            await self._send(chat_id(who.place), render.confirm_text(form, who.handles.get(
                NAME) or who.actor), render.confirm_buttons(form, who.user_id),
                int(who.handles.get(MESSAGE) or 0) or None)
        except AdapterError as exc:
            log.warning("review: confirmation for %s not posted: %s", form.interview_id, exc)
            await self.answer(who, "Telegram did not take the confirmation; please try again.",
                              alert=True)
            return
        await self.answer(who, "Confirm or cancel in the message under the post.", alert=False)

    async def tell(self, who: ReviewerRef, text: str) -> None:
        await self.answer(who, text, alert=True)

    async def answer(self, who: ReviewerRef, text: str | None, *, alert: bool) -> None:
        """Answer the press once (Telegram refuses a second answer); never raises."""
        query = who.handles.get(QUERY)
        if not query or query in self._answered:
            log.info("review: nothing to answer %s with %r (no press, or answered)",
                     who.actor, text)
            return
        self._answered.add(query)
        try:
            await _call(lambda: self.bot.answer_callback_query(
                query, text=render.clip(text, render.MAX_ANSWER) if text else None,
                show_alert=alert if text else None))
        except AdapterError as exc:
            log.warning("review: answering %s's press failed: %s", who.actor, exc)

    def answered(self, who: ReviewerRef) -> bool:
        return who.handles.get(QUERY) in self._answered

    def forget(self, who: ReviewerRef) -> None:
        """The press is handled: its id need not be kept."""
        self._answered.discard(who.handles.get(QUERY, ""))

    async def is_member(self, place: str, user_id: str) -> bool:
        try:
            member = await _call(lambda: self.bot.get_chat_member(chat_id(place), int(user_id)))
        except RecipientUnavailable as exc:  # an id Telegram does not know: not a member
            if any(unknown in str(exc).lower() for unknown in UNKNOWN_USER):
                return False
            raise
        return member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))

    async def delete_message(self, place: str, message_id: int) -> None:
        await self._delete(chat_id(place), message_id)

    # -- Bot API calls ---------------------------------------------------------------------

    async def _send(
        self, chat: int, text: str, markup: InlineKeyboardMarkup | None,
        reply_to: int | None = None,
    ) -> int:
        sent = await self._limited(chat, lambda: self.bot.send_message(
            chat, text, reply_markup=markup, reply_parameters=_reply(reply_to)))
        return sent.message_id

    async def _send_media(
        self, chat: int, reply_to: int, media: MediaView, file_id: str | None
    ) -> str:
        file = file_id or FSInputFile(media.path, filename=media.filename)
        method, captioned = self._sender(media, by_file_id=file_id is not None)
        extra = {"caption": render.clip(media.title, 1024)} if captioned else {}
        sent = await self._limited(chat, lambda: method(
            chat, file, reply_parameters=_reply(reply_to), **extra))
        return str(sent.message_id)

    def _sender(
        self, media: MediaView, *, by_file_id: bool
    ) -> tuple[Callable[..., Awaitable[Message]], bool]:
        """The send method for a recording, and whether it takes a caption. Uploads from
        another platform go as a voice only when they are OGG, as a video (never a video
        note, which must be a square MP4 of a minute at most), else as a document."""
        kind = media.kind
        if kind == "voice" and (by_file_id or media.filename.endswith((".ogg", ".oga"))):
            return self.bot.send_voice, True
        if kind == "video_note" and by_file_id:
            return self.bot.send_video_note, False
        if kind in ("video", "video_note"):
            return self.bot.send_video, True
        if kind == "audio":
            return self.bot.send_audio, True
        return self.bot.send_document, True

    async def _edit(
        self, chat: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Idempotent: an edit already made, or of a message someone deleted, is done."""
        try:
            await self._limited(chat, lambda: self.bot.edit_message_text(
                text=text, chat_id=chat, message_id=message_id, reply_markup=markup))
        except RecipientUnavailable as exc:
            if any(gone in str(exc) for gone in GONE):
                log.info("review: message %s in %s is gone; nothing to edit", message_id, chat)
            elif "message is not modified" not in str(exc):
                raise

    async def _delete(self, chat: int, message_id: int) -> None:
        """A message already gone counts as deleted; any other refusal (a message older
        than 48 hours, the bot not an admin) is logged, not retried; 429 / 5xx raise."""
        try:
            await self._limited(chat, lambda: self.bot.delete_message(chat, message_id))
        except RecipientUnavailable as exc:
            if not any(gone in str(exc) for gone in GONE):
                log.error("review: message %s in %s not deleted: %s (make the bot an admin "
                          "allowed to delete messages)", message_id, chat, exc)

    async def _limited(self, chat: int, make: Callable[[], Awaitable[T]]) -> T:
        await self.limiter.acquire(str(chat))
        return await _call(make)


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)
