from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.events import TimerKind
from storage.db import Database
from storage.records import OutboxStatus
from tests.contract.conftest import T0, FakeClock


class TestProcessedEventRepository:
    async def test_second_record_is_false(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            assert await uow.events.record("tg:1") is True
            assert await uow.events.record("tg:1") is False
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.events.record("tg:1") is False
            assert await uow.events.record("tg:2") is True
            assert await uow.events.seen("tg:2") is True

    async def test_rolled_back_handling_can_be_retried(self, db: Database) -> None:
        with pytest.raises(RuntimeError):
            async with db.unit_of_work() as uow:
                assert await uow.events.record("wa:9") is True
                raise RuntimeError("handler crashed")
        async with db.unit_of_work() as uow:
            assert await uow.events.record("wa:9") is True  # no commit: not recorded
        async with db.unit_of_work() as uow:
            assert await uow.events.record("wa:9") is True
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.events.record("wa:9") is False


class TestOutboxRepository:
    async def test_order_retry_and_failure(self, db: Database, clock: FakeClock) -> None:
        async with db.unit_of_work() as uow:
            a = await uow.outbox.add("send", {"text": "a"}, "telegram:1:", "i1")
            b = await uow.outbox.add("send", {"text": "b", "n": [1, 2]}, "telegram:1:", "i1")
            c = await uow.outbox.add("notify", {"what": "x"}, None, None)
            later = await uow.outbox.add("send", {}, "telegram:2:", None,
                                         at=T0 + timedelta(hours=1))
            await uow.commit()
        assert a < b < c < later
        async with db.unit_of_work() as uow:
            due = await uow.outbox.due(T0, 10)
            assert [i.id for i in due] == [a, b, c]
            assert due[1].payload == {"text": "b", "n": [1, 2]}
            assert due[0].created_at == T0 and due[0].attempts == 0
            assert [i.id for i in await uow.outbox.due(T0, 2)] == [a, b]
            assert [i.id for i in await uow.outbox.pending_for("telegram:1:")] == [a, b]
            await uow.outbox.mark_sent(a, "m-17", T0)
            await uow.outbox.retry_later(b, T0 + timedelta(seconds=30), "429 retry_after=30")
            await uow.outbox.mark_failed(c, "403 blocked")
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert [i.id for i in await uow.outbox.due(T0, 10)] == []
            retry = await uow.outbox.due(T0 + timedelta(hours=2), 10)
            assert [i.id for i in retry] == [b, later]
            assert retry[0].attempts == 1 and retry[0].last_error == "429 retry_after=30"
            sent = await uow.outbox.get(a)
            assert sent is not None and sent.status is OutboxStatus.SENT
            assert sent.platform_message_id == "m-17"
            assert await uow.outbox.count_failed() == 1
            assert await uow.outbox.count_pending() == 2
            assert [i.id for i in await uow.outbox.pending_for("telegram:1:")] == [b]

    async def test_message_slots(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            assert await uow.outbox.get_slot("k", "status") is None
            await uow.outbox.set_slot("k", "status", "11")
            await uow.outbox.set_slot("k", "status", "12")
            await uow.outbox.set_slot("k", "other", "5")
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.outbox.get_slot("k", "status") == "12"
            await uow.outbox.clear_slot("k", "status")
            assert await uow.outbox.get_slot("k", "status") is None
            assert await uow.outbox.get_slot("k", "other") == "5"


class TestTimerRepository:
    async def test_upsert_cancel_and_exactly_once(self, db: Database) -> None:
        due = T0 + timedelta(minutes=2)
        async with db.unit_of_work() as uow:
            await uow.timers.upsert("i1", TimerKind.PREP_END, "", due)
            await uow.timers.upsert("i1", TimerKind.REMINDER, "24h", due + timedelta(hours=1))
            await uow.timers.upsert("i1", TimerKind.REMINDER, "2h", due + timedelta(hours=2))
            await uow.timers.upsert("i2", TimerKind.DEADLINE, "", due + timedelta(days=1))
            await uow.commit()
        async with db.unit_of_work() as uow:
            pending = await uow.timers.pending()
            assert [(t.interview_id, t.kind, t.key) for t in pending] == [
                ("i1", "prep_end", ""), ("i1", "reminder", "24h"), ("i1", "reminder", "2h"),
                ("i2", "deadline", ""),
            ]
            assert pending[0].due_at == due and pending[0].kind == TimerKind.PREP_END
            assert await uow.timers.mark_fired("i1", TimerKind.PREP_END, "") is True
            assert await uow.timers.mark_fired("i1", TimerKind.PREP_END, "") is False
            assert await uow.timers.cancel("i1", TimerKind.REMINDER) == 2
            assert await uow.timers.mark_fired("i1", TimerKind.REMINDER, "2h") is False
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert [t.interview_id for t in await uow.timers.pending()] == ["i2"]
            fired = await uow.timers.get("i1", TimerKind.PREP_END)
            assert fired is not None and fired.fired_at == T0
            assert await uow.timers.get("i1", TimerKind.REMINDER, "2h") is None

    async def test_rescheduled_timer_fires_again_and_stale_jobs_do_not(
        self, db: Database, clock: FakeClock
    ) -> None:
        first, second = T0 + timedelta(minutes=1), T0 + timedelta(minutes=5)
        async with db.unit_of_work() as uow:
            await uow.timers.upsert("i1", TimerKind.ANSWER_END, "", first)
            await uow.timers.upsert("i1", TimerKind.ANSWER_END, "", second)  # moved
            assert await uow.timers.mark_fired("i1", "answer_end", "", due_at=first) is False
            assert await uow.timers.mark_fired("i1", "answer_end", "", due_at=second) is True
            await uow.timers.upsert("i1", TimerKind.ANSWER_END, "", second + timedelta(hours=1))
            assert await uow.timers.mark_fired("i1", "answer_end") is True
            await uow.timers.upsert("i1", TimerKind.DEADLINE, "", second)
            assert await uow.timers.cancel("i1", TimerKind.DEADLINE, "") == 1
            assert await uow.timers.cancel_all("i1") == 1
            await uow.commit()

    async def test_rolled_back_fire_is_not_consumed(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            await uow.timers.upsert("i1", TimerKind.DEADLINE, "", T0)
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.timers.mark_fired("i1", TimerKind.DEADLINE) is True
        async with db.unit_of_work() as uow:
            assert await uow.timers.mark_fired("i1", TimerKind.DEADLINE) is True
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.timers.mark_fired("i1", TimerKind.DEADLINE) is False


async def test_processed_ids_by_prefix(db: Database) -> None:
    async with db.unit_of_work() as uow:
        for event_id in ("timer:a:prep_end:0.0:t1", "timer:a:deadline::t2", "telegram:1"):
            assert await uow.events.record(event_id)
        await uow.commit()
    async with db.unit_of_work(read_only=True) as uow:
        assert await uow.events.with_prefix("timer:a:") == [
            "timer:a:deadline::t2", "timer:a:prep_end:0.0:t1"]
        assert await uow.events.with_prefix("timer:b") == []
