"""Outbox handlers that talk to a candidate channel: sending and editing messages, fitted to
the channel's `Capabilities`."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.base import Channel
from adapters.errors import RecipientUnavailable
from bot.runtime.effects import payload_to_rendered
from conversations.fitting import fit
from conversations.messages import SLOT_REF_PREFIX
from storage.db import Database
from storage.records import OutboxItem


@dataclass
class MessageSender:
    db: Database
    channels: dict[str, Channel]

    def _channel(self, platform: str) -> Channel:
        channel = self.channels.get(platform)
        if channel is None:
            raise RecipientUnavailable(f"platform {platform!r} is not enabled")
        return channel

    async def send(self, item: OutboxItem) -> str | None:
        """Send; a message with a status slot is remembered so later edits can find it.
        (Messages were fitted to the channel's capabilities when written: `effects.py`.)

        A new countdown is always a new message (it must notify the candidate); editing the
        old one in place would change history above newer messages.
        """
        to, rendered = payload_to_rendered(item.payload)
        channel = self._channel(to.platform)
        sent = await channel.send(to, rendered)
        if rendered.status_slot:
            async with self.db.unit_of_work() as uow:
                await uow.outbox.set_slot(to.key, rendered.status_slot, sent.message_id)
                await uow.commit()
        return sent.message_id

    async def edit(self, item: OutboxItem) -> str | None:
        to, rendered = payload_to_rendered(item.payload)
        message_id: str | None = str(item.payload["message_id"])
        if message_id is not None and message_id.startswith(SLOT_REF_PREFIX):
            slot = message_id.removeprefix(SLOT_REF_PREFIX)
            async with self.db.unit_of_work(read_only=True) as uow:
                message_id = await uow.outbox.get_slot(to.key, slot)
        if message_id is None:
            return None  # nothing was shown in that slot: nothing to edit
        channel = self._channel(to.platform)
        caps = channel.capabilities
        # An edit replaces one message: a status line or a countdown, always short.
        fitted = fit(rendered, caps.max_buttons, caps.max_text_length,
                     caps.max_text_with_buttons)[0]
        await channel.edit(to, message_id, fitted)
        return message_id
