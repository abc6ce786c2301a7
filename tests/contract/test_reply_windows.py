"""Reply windows and held outbox items (WhatsApp's 24-hour rule), on every backend."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime.statuses import DeliveryReports
from storage.db import Database
from storage.records import OutboxStatus
from tests.contract.conftest import T0, FakeClock

ADA = "whatsapp:447700900123:447700900123"


class TestReplyWindows:
    async def test_the_latest_message_counts_and_a_refusal_closes_it(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            assert await uow.windows.last_inbound(ADA) is None
            await uow.windows.touch(ADA, T0)
            await uow.windows.touch(ADA, T0 - timedelta(minutes=5))  # arrived late: ignored
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.windows.last_inbound(ADA) == T0
            await uow.windows.close(ADA)
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.windows.last_inbound(ADA) is None
            await uow.windows.touch(ADA, T0 + timedelta(hours=30))
            assert await uow.windows.last_inbound(ADA) == T0 + timedelta(hours=30)


class TestHeldItems:
    async def test_held_items_wait_then_go_in_their_order(
        self, db: Database, clock: FakeClock
    ) -> None:
        async with db.unit_of_work() as uow:
            a = await uow.outbox.add("send", {"text": "a"}, ADA, None)
            b = await uow.outbox.add("send", {"text": "b"}, ADA, None)
            other = await uow.outbox.add("send", {"text": "c"}, "whatsapp:1:1", None)
            await uow.outbox.hold(a, "outside the window")
            await uow.outbox.hold(b, "outside the window")
            await uow.outbox.hold(other, "outside the window")
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.outbox.due(T0 + timedelta(days=1), 10) == []
            assert (await uow.outbox.get(a)).status == OutboxStatus.WAITING  # type: ignore[union-attr]
            assert await uow.outbox.release_waiting(ADA, clock.advance(60)) == 2
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert [i.id for i in await uow.outbox.due(clock(), 10)] == [a, b]

    async def test_a_status_finds_its_row_and_a_failed_one_goes_again(
        self, db: Database
    ) -> None:
        async with db.unit_of_work() as uow:
            item = await uow.outbox.add("send", {"text": "a"}, ADA, None)
            await uow.outbox.mark_sent(item, "wamid.1", T0)
            await uow.commit()
        async with db.unit_of_work() as uow:
            found = await uow.outbox.by_platform_id("wamid.1")
            assert found is not None and found.id == item
            await uow.outbox.set_delivery_status(item, "failed")
            await uow.outbox.send_again(item, T0, "131047 Re-engagement message")
            await uow.commit()
        async with db.unit_of_work() as uow:
            again = await uow.outbox.get(item)
            assert again is not None and again.status == OutboxStatus.PENDING
            assert again.delivery_status == "failed" and again.attempts == 1
            assert again.platform_message_id is None
            assert await uow.outbox.by_platform_id("wamid.1") is None

    async def test_an_interviews_held_items_are_found_and_dropped(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            a = await uow.outbox.add("send", {"text": "a"}, ADA, "iv1")
            b = await uow.outbox.add("send", {"text": "b"}, ADA, "iv1")
            pending = await uow.outbox.add("send", {"text": "c"}, ADA, "iv1")
            other = await uow.outbox.add("send", {"text": "d"}, "whatsapp:1:1", "iv2")
            for item in (a, b, other):
                await uow.outbox.hold(item, "outside the window")
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert [i.id for i in await uow.outbox.waiting_for("iv1")] == [a, b]
            assert await uow.outbox.drop([a, b]) == 2 and await uow.outbox.drop([]) == 0
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.outbox.waiting_for("iv1") == []
            assert await uow.outbox.get(a) is None and await uow.outbox.get(pending) is not None
            assert [i.id for i in await uow.outbox.waiting_for("iv2")] == [other]


class TestEarlyReports:
    async def test_kept_once_taken_once_in_order_and_forgotten_after_a_day(
        self, db: Database
    ) -> None:
        undeliverable = ((131026, "Message undeliverable"),)
        async with db.unit_of_work() as uow:
            await uow.outbox.keep_early_report("wamid.1", "sent", (), T0)
            await uow.outbox.keep_early_report("wamid.1", "failed", undeliverable,
                                               T0 + timedelta(seconds=1))
            await uow.outbox.keep_early_report("wamid.1", "failed", undeliverable,
                                               T0 + timedelta(seconds=2))  # redelivered
            await uow.outbox.keep_early_report("wamid.old", "read", (), T0)
            await uow.commit()
        async with db.unit_of_work() as uow:
            taken = await uow.outbox.take_early_reports("wamid.1")
            assert [(r.status, r.errors) for r in taken] == [
                ("sent", ()), ("failed", undeliverable)]
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.outbox.take_early_reports("wamid.1") == []
            # A day later, a report whose message never turned up is gone.
            await uow.outbox.keep_early_report("wamid.2", "sent", (), T0 + timedelta(days=2))
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.outbox.take_early_reports("wamid.old") == []
            assert len(await uow.outbox.take_early_reports("wamid.2")) == 1


async def test_a_report_with_an_id_or_status_no_message_of_ours_could_have_is_not_kept(
    db: Database,
) -> None:
    """A signed but odd status (an id longer than any message id, a status word of 40
    letters, a NUL) is logged and dropped, never an error that would stop the rest of the
    webhook's body (the candidates' messages after it) from being handled."""
    reports = DeliveryReports(db=db, clock=lambda: T0, wake_outbox=lambda: None)
    await reports.record("wamid." + "x" * 300, "failed", [(131026, "Message undeliverable")])
    await reports.record("wamid.2", "s" * 40)
    await reports.record("wamid.\x003", "sent")
    async with db.unit_of_work() as uow:
        assert await uow.outbox.take_early_reports("wamid.2") == []
