"""A channel's `Capabilities` drive what is sent: on a platform that shows fewer buttons
than a message has, they are listed as numbered replies, and a typed number comes back
through the runtime as the button press; long texts arrive whole, in several messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.base import Capabilities, SentMessage
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from bot.runtime.senders import MessageSender
from config.kit import Kit, Question
from conversations.events import ConversationRef, Started, TextReceived
from conversations.messages import RenderedMessage
from conversations.state import Phase
from storage.db import Database

KIT = Kit(title="Screen", consent="We record your answers.", intro="Hello! " * 800,
          questions=(Question(id="q1", text="Why us?"),))
ANN = ConversationRef("few-buttons", "7", "7")


@dataclass
class FewButtons:
    """A candidate channel that shows one button per message and 1,000 characters."""

    platform: str = "few-buttons"
    capabilities: Capabilities = field(default_factory=lambda: Capabilities(
        max_buttons=1, max_text_length=1000, max_button_label=20, video_notes=False,
        max_download_bytes=None))
    sent: list[RenderedMessage] = field(default_factory=list)

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        self.sent.append(message)
        return SentMessage(message_id=str(len(self.sent)))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await database.migrate()
    yield database
    await database.dispose()


async def deliver(db: Database, sender: MessageSender) -> None:
    async with db.unit_of_work(read_only=True) as uow:
        items = await uow.outbox.due(datetime.now(UTC) + timedelta(days=1), 100)
    for item in items:
        await sender.send(item)
        async with db.unit_of_work() as uow:
            await uow.outbox.mark_sent(item.id, "x", datetime.now(UTC))
            await uow.commit()


def typed(n: int, text: str) -> TextReceived:
    return TextReceived(event_id=f"e{n}", occurred_at=datetime.now(UTC), conversation=ANN,
                        text=text)


async def test_numbered_replies_are_read_back_as_presses(db: Database) -> None:
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        invite = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        await uow.commit()
    channel = FewButtons()
    sender = MessageSender(db=db, channels={channel.platform: channel})  # type: ignore[dict-item]
    writer = EffectWriter(render=Catalogs().render, clock=system_clock,
                          capabilities=lambda p: channel.capabilities)
    runtime = Runtime(db=db, writer=writer, clock=system_clock, metrics=Metrics(),
                      after_commit=lambda after: None)

    await runtime.handle(Started(event_id="e1", occurred_at=datetime.now(UTC),
                                 conversation=ANN, invite_token=invite.invite_token))
    await deliver(db, sender)
    *intro, consent = channel.sent
    assert len(intro) >= 5 and all(len(m.text) <= 1000 for m in channel.sent)
    assert "".join(m.text for m in intro).count("Hello!") == 800  # nothing cut off
    assert consent.buttons == ()
    assert [label for label, _ in consent.choices] == ["Yes, I agree", "No, thanks"]
    assert "1. Yes, I agree\n2. No, thanks" in consent.text

    await runtime.handle(typed(2, "1"))
    async with db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.get(invite.interview_id)
    assert state is not None and state.phase is Phase.INSTRUCTIONS

    await runtime.handle(typed(3, "7"))  # not a listed number: text
    async with db.unit_of_work(read_only=True) as uow:
        after = await uow.interviews.get(invite.interview_id)
    assert after == state  # "7" is not a time either: nothing changed
