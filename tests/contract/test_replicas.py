"""Two service replicas on one database (two `Database` pools, two runtimes, two outbox
dispatchers, as two processes would have): events of one conversation never overwrite each
other's state, and every outbox item is delivered once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from config.kit import AnswerFormat, Kit, Question
from conversations.events import ConversationRef, MediaKind, MediaReceived
from conversations.state import Phase
from storage.db import Database
from tests.e2e.harness import wait_until

KIT = Kit(title="Screen", questions=(
    Question(id="q1", text="Tell us.", answer_seconds=600, formats=(AnswerFormat.VOICE,)),))
PAIRS = 8


def replica(db: Database) -> Runtime:
    return Runtime(db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
                   clock=system_clock, metrics=Metrics(), after_commit=lambda after: None)


def voice(n: int, who: ConversationRef) -> MediaReceived:
    return MediaReceived(event_id=f"v{n}:{who.chat_id}", occurred_at=datetime.now(UTC),
                         conversation=who, kind=MediaKind.VOICE, file_ref=f"f{n}",
                         duration_s=5, size_bytes=1000, mime="audio/ogg")


async def test_two_replicas_never_lose_a_part_of_one_answer(db: Database) -> None:
    twin = Database(db.engine.execution_options(), db.clock) if db.backend == "sqlite" \
        else Database.from_url(db.engine.url.render_as_string(hide_password=False))
    people = [ConversationRef("telegram", str(100 + i), str(100 + i)) for i in range(PAIRS)]
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        ids = []
        for who in people:
            st = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "A")
            now = datetime.now(UTC)
            await uow.interviews.save(replace(
                st, phase=Phase.ANSWERING, candidate=who, opened_at=now,
                answer_started_at=now, deadline_at=now.replace(year=now.year + 1)))
            ids.append(st.interview_id)
        await uow.commit()
    first, second = replica(db), replica(twin)
    try:
        # each person's two voice parts arrive at the same moment, one at each replica
        await asyncio.gather(*(r.handle(voice(n, who)) for who in people
                               for n, r in ((1, first), (2, second))))
    finally:
        if twin is not db:
            await twin.dispose()
    async with db.unit_of_work(read_only=True) as uow:
        states = [await uow.interviews.get(iid) for iid in ids]
    parts = [sorted(p.file_ref or "" for p in st.parts) for st in states if st is not None]
    assert parts == [["f1", "f2"]] * PAIRS


async def test_two_dispatchers_deliver_each_item_once_and_in_order(db: Database) -> None:
    from bot.runtime.delivery import OutboxDispatcher
    from bot.runtime.outbox_kinds import OutboxKind
    from storage.records import OutboxItem

    shared = True  # claims work on both backends; in production only PostgreSQL shares
    twin = Database.from_url(db.engine.url.render_as_string(hide_password=False)) \
        if db.backend == "postgresql" else None
    delivered: list[tuple[str, int, str]] = []

    def handler(name: str) -> Callable[[OutboxItem], Awaitable[str | None]]:
        async def send(item: OutboxItem) -> str:
            await asyncio.sleep(0.005)  # a platform call takes time: the other one scans
            delivered.append((str(item.conversation_key), int(item.payload["n"]), name))
            return str(item.id)
        return send

    async with db.unit_of_work() as uow:
        for n in range(30):
            for lane in ("a", "b", "c"):
                await uow.outbox.add(OutboxKind.SEND, {"n": n}, lane, None)
        await uow.commit()
    dispatchers = [OutboxDispatcher(db=d, handlers={OutboxKind.SEND: handler(name)},
                                    clock=system_clock, metrics=Metrics(), shared=shared)
                   for d, name in ((db, "one"), (twin or db, "two"))]
    try:
        for d in dispatchers:
            await d.start()
        # `drain` watches one dispatcher's own deliveries; here the outbox is what counts
        async def all_sent() -> bool:
            return await pending(db) == 0

        await wait_until(all_sent, 60, "every item delivered")
    finally:
        for d in dispatchers:
            await d.stop()
        if twin is not None:
            await twin.dispose()
    for lane in ("a", "b", "c"):
        # once each, in order (without claims, PostgreSQL delivered items twice here)
        assert [n for key, n, _ in delivered if key == lane] == list(range(30)), delivered


async def pending(db: Database) -> int:
    async with db.unit_of_work(read_only=True) as uow:
        return await uow.outbox.count_pending()
