"""Outbox handlers that talk to a candidate channel: sending and editing messages, fitted to
the channel's `Capabilities`, within its reply window if it has one (`reply_window.py`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from adapters.base import Channel, SendsTemplates
from adapters.errors import OutsideReplyWindow, RecipientUnavailable
from bot.runtime.clock import Clock, system_clock
from bot.runtime.effects import payload_to_rendered
from bot.runtime.reply_window import ANNOUNCES, Held, Purpose, window_open
from conversations.events import ConversationRef
from conversations.fitting import fit
from conversations.messages import SLOT_REF_PREFIX
from storage.db import Database
from storage.records import OutboxItem

log = logging.getLogger(__name__)


@dataclass
class MessageSender:
    db: Database
    channels: dict[str, Channel]
    clock: Clock = system_clock

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
        if not await self._in_window(channel, to):
            return await self._outside_window(channel, to, item)
        try:
            sent = await channel.send(to, rendered)
        except OutsideReplyWindow:
            await self._closed(to)  # the platform knows better than our clock
            return await self._outside_window(channel, to, item)
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
        if not await self._in_window(channel, to):
            # A changed countdown or status line is stale by the time they write again.
            log.info("outbox item %s: edit skipped outside the reply window", item.id)
            return None
        caps = channel.capabilities
        # An edit replaces one message: a status line or a countdown, always short.
        fitted = fit(rendered, caps.max_buttons, caps.max_text_length,
                     caps.max_text_with_buttons)[0]
        await channel.edit(to, message_id, fitted)
        return message_id

    async def _in_window(self, channel: Channel, to: ConversationRef) -> bool:
        caps = channel.capabilities
        if caps.reply_window_seconds is None:
            return True
        async with self.db.unit_of_work(read_only=True) as uow:
            last = await uow.windows.last_inbound(to.key)
        return window_open(last, caps, self.clock())

    async def _closed(self, to: ConversationRef) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.windows.close(to.key)
            await uow.commit()

    async def _outside_window(
        self, channel: Channel, to: ConversationRef, item: OutboxItem
    ) -> str | None:
        """The template for the message's purpose when there is one; else it waits."""
        payload = item.payload
        purpose, language = payload.get("purpose"), payload.get("language")
        if purpose is None or not isinstance(channel, SendsTemplates) \
                or not channel.has_template(purpose):
            raise Held("outside the reply window, no template for it")
        if Purpose(purpose) in ANNOUNCES:
            if not payload.get("template_sent"):
                await channel.send_template(to, purpose, [], language)
                await self._remember_template(item)
            raise Held(f"the {purpose} template announced it; the text follows their reply")
        if payload.get("part", 0) != 0:
            return None  # the template on the first part said it
        params = [str(p) for p in payload.get("template_params", [])]
        sent = await channel.send_template(to, purpose, params, language)
        log.info("outbox item %s went out as the %s template", item.id, purpose)
        return sent.message_id

    async def _remember_template(self, item: OutboxItem) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.outbox.set_payload(item.id, {**item.payload, "template_sent": True})
            await uow.commit()
