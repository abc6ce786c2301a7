"""Two transactions racing for the same thing: exactly one wins, on every backend."""

from __future__ import annotations

import asyncio

from conversations.events import ConversationRef
from storage.db import Database
from tests.contract.helpers import make_interview


class TestConcurrentUnitsOfWork:
    async def test_duplicate_event_in_flight_is_processed_once(self, db: Database) -> None:
        first_recorded = asyncio.Event()
        release_first = asyncio.Event()

        async def first() -> bool:
            async with db.unit_of_work() as uow:
                new = await uow.events.record("dup-1")
                first_recorded.set()
                await release_first.wait()
                await uow.commit()
                return new

        async def second() -> bool:
            await first_recorded.wait()
            async with db.unit_of_work() as uow:
                new = await uow.events.record("dup-1")  # waits for the first to finish
                await uow.commit()
                return new

        task1, task2 = asyncio.create_task(first()), asyncio.create_task(second())
        await asyncio.sleep(0.2)
        release_first.set()
        assert list(await asyncio.gather(task1, task2)) == [True, False]

    async def test_two_people_binding_one_invite(self, db: Database) -> None:
        iid = (await make_interview(db)).interview_id
        ann, bob = ConversationRef("telegram", "1", "1"), ConversationRef("whatsapp", "2", "2")
        ann_bound = asyncio.Event()
        release = asyncio.Event()

        async def bind_ann() -> bool:
            async with db.unit_of_work() as uow:
                ok = await uow.interviews.bind(iid, ann)
                ann_bound.set()
                await release.wait()
                await uow.commit()
                return ok

        async def bind_bob() -> bool:
            await ann_bound.wait()
            async with db.unit_of_work() as uow:
                ok = await uow.interviews.bind(iid, bob)
                await uow.commit()
                return ok

        tasks = asyncio.create_task(bind_ann()), asyncio.create_task(bind_bob())
        await asyncio.sleep(0.2)
        release.set()
        assert list(await asyncio.gather(*tasks)) == [True, False]
        async with db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(iid)
        assert state is not None and state.candidate == ann

    async def test_read_only_unit_of_work_alongside_a_writer(self, db: Database) -> None:
        iid = (await make_interview(db)).interview_id
        async with db.unit_of_work() as writer:
            await writer.events.record("w")
            async with db.unit_of_work(read_only=True) as reader:
                assert await reader.interviews.get(iid) is not None
            await writer.commit()
