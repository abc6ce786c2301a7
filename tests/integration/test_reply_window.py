"""Delivery within a reply window (WhatsApp's 24 hours), on the real handler path, outbox and
SQLite: outside the window a message with no template waits, in order, until the candidate
writes; a failed status is sent again or given up per its code."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.base import Capabilities, SentMessage
from bot.recruiting.alerts import RecruiterAlerts
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.delivery import OutboxDispatcher
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from bot.runtime.outbox_kinds import OutboxKind
from bot.runtime.senders import MessageSender
from bot.runtime.statuses import DeliveryReports
from config.kit import Kit, Question
from conversations.events import ConversationRef, Started, TextReceived
from conversations.messages import RenderedMessage
from storage.db import Database
from storage.records import OutboxStatus

KIT = Kit(title="Screen", consent="We record your answers.", intro="Hello!",
          questions=(Question(id="q1", text="Why us?"),))
ANN = ConversationRef("windowed", "7", "7")
DAY = 24 * 3600


@dataclass
class Windowed:
    """A candidate channel with a 24-hour reply window and no templates."""

    platform: str = "windowed"
    capabilities: Capabilities = field(default_factory=lambda: Capabilities(
        max_buttons=3, max_text_length=4096, max_button_label=20, video_notes=False,
        max_download_bytes=None, reply_window_seconds=DAY))
    sent: list[RenderedMessage] = field(default_factory=list)
    # Called with the new message's id before `send` returns: the platform's status webhook
    # can arrive before the send call's answer has been read and recorded.
    before_answer: Callable[[str], Awaitable[None]] | None = None

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        self.sent.append(message)
        message_id = f"m{len(self.sent)}"
        if self.before_answer is not None:
            await self.before_answer(message_id)
        return SentMessage(message_id=message_id)


@dataclass
class Service:
    db: Database
    channel: Windowed
    runtime: Runtime
    dispatcher: OutboxDispatcher
    invite_token: str


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        invite = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        await uow.commit()
    channel = Windowed()
    sender = MessageSender(db=db, channels={channel.platform: channel})  # type: ignore[dict-item]
    dispatcher = OutboxDispatcher(db=db, handlers={OutboxKind.SEND: sender.send},
                                  clock=system_clock, metrics=Metrics())
    writer = EffectWriter(render=Catalogs().render, clock=system_clock,
                          capabilities=lambda p: channel.capabilities)
    runtime = Runtime(db=db, writer=writer, clock=system_clock, metrics=Metrics(),
                      after_commit=lambda after: dispatcher.wake())
    await dispatcher.start()
    yield Service(db, channel, runtime, dispatcher, invite.invite_token)
    await dispatcher.stop()
    await db.dispose()


async def statuses(db: Database) -> list[OutboxStatus]:
    async with db.unit_of_work(read_only=True) as uow:
        return [i.status for i in [await uow.outbox.get(n) for n in range(1, 20)] if i]


async def test_outside_the_window_messages_wait_for_the_candidate_in_order(
    service: Service,
) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=25)  # a message WhatsApp delivered late
    await service.runtime.handle(Started(event_id="e1", occurred_at=long_ago,
                                         conversation=ANN, invite_token=service.invite_token))
    assert await service.dispatcher.drain(10)
    assert service.channel.sent == []
    held = await statuses(service.db)
    assert held and set(held) == {OutboxStatus.WAITING}
    async with service.db.unit_of_work(read_only=True) as uow:
        [summary] = await uow.campaigns.list_summaries()
    assert summary.waiting == 1

    await service.runtime.handle(TextReceived(event_id="e2", occurred_at=datetime.now(UTC),
                                              conversation=ANN, text="Hello?"))
    assert await service.dispatcher.drain(10)
    texts = [m.text for m in service.channel.sent]
    assert texts[0] == "Hello!" and "We record your answers." in texts[1], texts
    assert OutboxStatus.WAITING not in await statuses(service.db)


async def test_failed_statuses_go_again_or_are_given_up_per_code(service: Service) -> None:
    await service.runtime.handle(Started(event_id="e1", occurred_at=datetime.now(UTC),
                                         conversation=ANN, invite_token=service.invite_token))
    assert await service.dispatcher.drain(10)
    await service.dispatcher.stop()  # what follows is read as the reports left it
    alert = RecruiterAlerts(frozenset({"slack:U0RITA"}), platforms_on=lambda: {"slack"})
    reports = DeliveryReports(db=service.db, clock=system_clock, wake_outbox=lambda: None,
                              alert=alert)
    await reports.record("m1", "delivered")
    await reports.record("m1", "failed", [(131056, "Pair rate limit hit")])
    await reports.record("m2", "failed", [(131026, "Message undeliverable")])
    await reports.record("m2", "failed", [(131026, "Message undeliverable")])  # redelivered
    await reports.record("wamid.unknown", "read")  # not ours: ignored
    async with service.db.unit_of_work(read_only=True) as uow:
        first, second = await uow.outbox.get(1), await uow.outbox.get(2)
        [summary] = await uow.campaigns.list_summaries()
    assert first is not None and second is not None
    assert (first.status, first.delivery_status) == (OutboxStatus.PENDING, "failed")
    assert first.next_attempt_at > datetime.now(UTC) - timedelta(seconds=1)  # after a backoff
    assert (second.status, second.last_error) == (
        OutboxStatus.FAILED, "reported failed: 131026 Message undeliverable")
    assert summary.undeliverable == 1
    async with service.db.unit_of_work(read_only=True) as uow:
        [note] = await uow.outbox.pending_for("slack:U0RITA:")  # the recruiter, told once
    assert note.payload["text"].startswith("Ann (campaign Screen (screen)) cannot be reached")
    assert "/interview extend " in note.payload["text"] and note.interview_id is None


async def test_a_status_that_arrives_before_the_send_is_recorded_is_kept_and_applied(
    service: Service,
) -> None:
    """WhatsApp may push `failed` before the send call's answer is read; the report waits
    (in the database, for whichever replica records the send) instead of being dropped."""
    reports = DeliveryReports(db=service.db, clock=system_clock,
                              wake_outbox=service.dispatcher.wake)
    service.dispatcher.after_sent = reports.replay

    async def fails_at_once(message_id: str) -> None:
        if message_id == "m1":
            await reports.record(message_id, "failed", [(131026, "Message undeliverable")])
            await reports.record(message_id, "failed", [(131026, "Message undeliverable")])

    service.channel.before_answer = fails_at_once
    await service.runtime.handle(Started(event_id="e1", occurred_at=datetime.now(UTC),
                                         conversation=ANN, invite_token=service.invite_token))
    assert await service.dispatcher.drain(10)
    async with service.db.unit_of_work(read_only=True) as uow:
        first = await uow.outbox.get(1)
        [summary] = await uow.campaigns.list_summaries()
    assert first is not None
    assert (first.status, first.delivery_status, first.last_error) == (
        OutboxStatus.FAILED, "failed", "reported failed: 131026 Message undeliverable")
    assert summary.undeliverable == 1
    async with service.db.unit_of_work() as uow:
        assert await uow.outbox.take_early_reports("m1") == []  # applied once, then gone
