"""SQL statements and in-process rate of the handler path, per kind of event.

Drives `Runtime.handle` directly (no platform, no HTTP): 20 candidates open their invites,
then 200 text messages and 200 `TranscriptReady` events go through the one handler path,
sequentially. Prints statements per event (counted with a SQLAlchemy cursor hook; a figure
that does not depend on machine load) and events/s (which does).

    .venv/bin/python benchmarks/handler_statements.py
    .venv/bin/python benchmarks/handler_statements.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event as sa_event

from benchmarks.inbound_throughput import throwaway_database
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from config.kit_loader import load_kit
from conversations.events import ConversationRef, Event, Started, TextReceived, TranscriptReady
from storage.db import Database

KIT = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "kits" / "e2e-short.yaml"
CANDIDATES, ROUNDS = 20, 10


def who(i: int) -> ConversationRef:
    return ConversationRef("telegram", str(100 + i), str(100 + i))


async def measure(url: str) -> None:
    db = Database.from_url(url)
    await db.migrate()
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(load_kit(KIT), "x", "bench", "live")
        invites = [await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                      f"C{i}") for i in range(CANDIDATES)]
        await uow.commit()
    runtime = Runtime(db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
                      clock=system_clock, metrics=Metrics(), after_commit=lambda after: None)
    now = datetime.now(UTC)
    for i, invite in enumerate(invites):
        await runtime.handle(Started(event_id=f"s{i}", occurred_at=now, conversation=who(i),
                                     invite_token=invite.invite_token))
    statements = [0]
    sa_event.listen(db.engine.sync_engine, "before_cursor_execute",
                    lambda *args: statements.__setitem__(0, statements[0] + 1))

    def text(r: int, i: int) -> Event:
        return TextReceived(event_id=f"t{r}.{i}", occurred_at=now, conversation=who(i),
                            text=f"message {r}")

    def transcript(r: int, i: int) -> Event:
        iid = invites[i].interview_id
        return TranscriptReady(event_id=f"tr{r}.{i}", occurred_at=now, conversation=who(i),
                               interview_id=iid, part_id=f"{iid}-9{r}", ok=True)

    print("| event | statements/event | events/s |\n|---|---|---|")
    for name, make in (("TextReceived", text), ("TranscriptReady", transcript)):
        await run(runtime, make, name, statements)
    await db.dispose()


async def run(runtime: Runtime, make: Callable[[int, int], Event], name: str,
              statements: list[int]) -> None:
    statements[0] = 0
    handle: Callable[[Event], Awaitable[None]] = runtime.handle
    started = time.perf_counter()
    for r in range(ROUNDS):
        for i in range(CANDIDATES):
            await handle(make(r, i))
    wall = time.perf_counter() - started
    total = ROUNDS * CANDIDATES
    print(f"| {name} | {statements[0] / total:.1f} | {total / wall:.0f} |")


async def main(database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with throwaway_database(database_url, Path(tmp)) as url:
            print(f"database: {url.split('@')[-1]}")
            await measure(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    asyncio.run(main(parser.parse_args().database_url))
