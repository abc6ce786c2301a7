"""Recruiter commands typed in a chat with the bot (Telegram: `/campaigns`, `/invite …`,
`/erase …`).

Every inbound event passes here before the candidate runtime. Only a recruiter's
commands are taken; anything else, and these commands from anyone who is not
in RECRUITERS, goes on to the engine (which answers an unknown command helpfully, so a
candidate learns nothing about recruiter commands).

A redelivered update is recognised by its event id, as in the runtime, so an invite is never
made twice. The id is recorded before the work: a crash in between loses the command (the
recruiter gets no reply and types it again) rather than inviting twice. The reply goes out
through the outbox like every other message: ordered per chat, rate limited, retried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.recruiting.desk import TELEGRAM_PREFIX, RecruiterDesk
from bot.runtime.effects import rendered_to_payload
from conversations.events import CommandReceived, Event
from conversations.messages import RenderedMessage
from storage.db import Database

RECRUITER_COMMANDS = frozenset(
    {"campaigns", "invite", "erase", "status", "shortlist", "remind", "extend",
     "accommodate"})
CANDIDATE_TOO = frozenset({"status"})


@dataclass
class RecruiterChat:
    db: Database
    desk: RecruiterDesk
    wake_outbox: Callable[[], None]

    def takes(self, event: Event) -> bool:
        if not isinstance(event, CommandReceived):
            return False
        ref, name = event.conversation, event.name.lower().lstrip("/")
        if name in CANDIDATE_TOO and not event.args.strip():
            return False  # a bare /status is the candidate's own (recruiters take interviews)
        return name in RECRUITER_COMMANDS and self.desk.is_recruiter(ref.actor)

    async def handle(self, event: Event) -> bool:
        """True when the event was a recruiter command (handled, or a duplicate)."""
        if not self.takes(event):
            return False
        assert isinstance(event, CommandReceived)
        async with self.db.unit_of_work() as uow:
            first_time = await uow.events.record(event.event_id)
            await uow.commit()
        if not first_time:
            return True
        ref = event.conversation
        name = event.name.lower().lstrip("/")
        reply = await self.desk.command(ref.actor,
                                        f"{name} {event.args}", TELEGRAM_PREFIX)
        async with self.db.unit_of_work() as uow:
            payload = rendered_to_payload(ref, RenderedMessage(text=reply))
            await uow.outbox.add("send", payload, ref.key, None)
            await uow.commit()
        self.wake_outbox()
        return True
