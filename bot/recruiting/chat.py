"""Recruiter commands typed in a chat with the bot (Telegram: `/campaigns`, `/invite …`,
`/erase …`; a kit file sent with the caption `/new` or `/edit SLUG`, a roster CSV with
`/invite SLUG`; a reply may carry a file back: an export, a links CSV, a chart).

Every inbound event passes here before the candidate runtime. Only a recruiter's
commands are taken; anything else, and these commands from anyone who is not
in RECRUITERS, goes on to the engine (which answers an unknown command helpfully, so a
candidate learns nothing about recruiter commands).

Recruiter commands run only in a private chat with the bot: in a group, a link would be
anyone's to open first (an invite is bound to its first opener) and a funnel or shortlist would
show candidates to every member, so there the recruiter is told where they work instead.

A redelivered update is recognised by its event id, as in the runtime, so an invite is never
made twice. The id is recorded before the work: a crash in between loses the command (the
recruiter gets no reply and types it again) rather than inviting twice. The reply goes out
through the outbox like every other message: ordered per chat, rate limited, retried.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bot.recruiting.desk import RecruiterDesk
from bot.recruiting.file_commands import MAX_ROSTER_BYTES
from bot.recruiting.lifecycle import Upload
from bot.recruiting.replies import Reply
from bot.recruiting.usage import TELEGRAM_PREFIX
from bot.runtime.effects import rendered_to_payload
from conversations.events import CommandReceived, ConversationRef, Event, MediaKind, MediaReceived
from conversations.messages import RenderedMessage
from storage.db import Database

log = logging.getLogger(__name__)
GROUP_REFUSAL = ("Recruiter commands work only in a private chat with me, so invite links and "
                 "candidates stay out of groups. Nothing was done; send it to me directly.")
RECRUITER_COMMANDS = frozenset(
    {"campaigns", "invite", "erase", "status", "shortlist", "remind", "extend",
     "accommodate", "new", "edit", "launch", "pause", "close", "clone", "export"})
CANDIDATE_TOO = frozenset({"status", "pause"})  # bare, they are a candidate's own commands
FILE_COMMANDS = frozenset({"new", "edit", "invite"})
MAX_UPLOAD_BYTES = MAX_ROSTER_BYTES + 1  # enough to tell a recruiter the file is too big
Download = Callable[[str, str], AsyncIterator[bytes]]  # (platform, file_ref) -> chunks


@dataclass
class RecruiterChat:
    db: Database
    desk: RecruiterDesk
    wake_outbox: Callable[[], None]
    download: Download | None = None

    def takes(self, event: Event) -> bool:
        command = _command_of(event)
        if command is None:
            return False
        name, args = command
        if name in CANDIDATE_TOO and not args:
            return False  # a bare /status is the candidate's own (recruiters take interviews)
        return name in RECRUITER_COMMANDS and self.desk.is_recruiter(event.conversation.actor)

    async def handle(self, event: Event) -> bool:
        """True when the event was a recruiter command (handled, or a duplicate)."""
        if not self.takes(event):
            return False
        async with self.db.unit_of_work() as uow:
            first_time = await uow.events.record(event.event_id)
            await uow.commit()
        if not first_time:
            return True
        ref = event.conversation
        name, args = _command_of(event) or ("", "")
        if not event.private:
            await self._refuse_in_group(ref, name, args)
            return True
        upload, trouble = await self._upload(event)
        reply = Reply(trouble) if trouble else await self.desk.answer(
            ref.actor, f"{name} {args}", TELEGRAM_PREFIX, upload)
        await self._reply(ref, reply)
        return True

    async def _refuse_in_group(self, ref: ConversationRef, name: str, args: str) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.audit.log(ref.actor, f"refused-in-group:{name[:40]}", None,
                                {"text": f"{name} {args}".strip()[:500], "chat": ref.chat_id},
                                self.desk.clock())
            await uow.commit()
        log.info("recruiter command /%s in a group refused", name)
        await self._reply(ref, Reply(GROUP_REFUSAL))

    async def _upload(self, event: Event) -> tuple[Upload | None, str]:
        """The file sent with the command, or the words for why it could not be read."""
        if not isinstance(event, MediaReceived):
            return None, ""
        name = event.file_name or "kit.yaml"
        if self.download is None:
            return None, "I cannot read files here; use: interview-bot campaign create FILE"
        data = bytearray()
        try:
            async for chunk in self.download(event.conversation.platform, event.file_ref):
                data += chunk
                if len(data) > MAX_UPLOAD_BYTES:
                    break
        except Exception as exc:  # an SDK's own error: said plainly, logged without secrets
            log.warning("recruiter file %s could not be downloaded: %s", name, type(exc).__name__)
            return None, f"I could not download {name}; please send it again."
        return Upload(name, bytes(data)), ""

    async def _reply(self, ref: ConversationRef, reply: Reply) -> None:
        async with self.db.unit_of_work() as uow:
            message = RenderedMessage(text=reply.text, attachment=reply.attachment)
            payload = rendered_to_payload(ref, message)
            await uow.outbox.add("send", payload, ref.key, None)
            await uow.commit()
        self.wake_outbox()


def _command_of(event: Event) -> tuple[str, str] | None:
    """(name, args) of a typed command, or of a document sent with a command as caption (a
    kit file sent with no caption is taken as `new`)."""
    if isinstance(event, CommandReceived):
        return event.name.lower().lstrip("/"), event.args.strip()
    if not isinstance(event, MediaReceived) or event.kind is not MediaKind.DOCUMENT:
        return None
    caption = (event.caption or "").strip()
    if not caption:
        is_yaml = (event.file_name or "").lower().endswith((".yaml", ".yml"))
        return ("new", "") if is_yaml else None
    if not caption.startswith("/"):
        return None
    command, _, args = caption[1:].partition(" ")
    name = command.split("@", 1)[0].lower()
    return (name, args.strip()) if name in FILE_COMMANDS else None
