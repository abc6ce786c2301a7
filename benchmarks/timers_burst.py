"""10,000 timers due within one minute, fired by 3 replicas sharing one PostgreSQL database.

The main process creates a throwaway database, 1,000 interviews with 10 timers each (due
evenly over one minute, starting 40 s out), and defers their procrastinate jobs as the
replicas' after-commit step would. Then 3 replica processes (each its own pool, procrastinate
app and timer worker: `QueueTimers`) fire them through a handler that does what the runtime
does for `TimerFired` (event id recorded, row marked fired, one transaction). Prints each
timer's fate (fired once? twice? never?) and the lateness (fired_at - due_at) percentiles.

    .venv/bin/python benchmarks/timers_burst.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from benchmarks.inbound_throughput import throwaway_database
from bot.runtime.clock import system_clock
from bot.runtime.queue_timers import QueueTimers
from conversations.effects import Schedule
from conversations.events import TimerKind
from storage.db import Database
from storage.task_queue import build_queue_app
from tests.contract.timer_helpers import FiredTimers, interviews, write_timers
from tests.e2e.harness import wait_until

INTERVIEWS, PER_INTERVIEW, REPLICAS = 1_000, 10, 3
LEAD_S, SPREAD_S = 40.0, 60.0  # the lead covers writing the timers and starting replicas
LATE = "extract(epoch FROM fired_at - due_at)"


async def replica(url: str, stop_after: float, poll: float) -> None:
    """One replica: fire timers until every timer is fired or `stop_after` seconds pass."""
    db = Database.from_url(url)
    app = build_queue_app(url)
    recorder = FiredTimers(db)
    await app.open_async()
    timers = QueueTimers(db=db, app=app, clock=system_clock, runtime=recorder, poll=poll)
    try:
        await timers.start()
        with contextlib.suppress(AssertionError):  # timed out: the report shows what is left
            await wait_until(lambda: _all_fired(db), stop_after, "every timer fired", 1.0)
    finally:
        await timers.stop()
        await app.close_async()
        await db.dispose()
    print(f"fired {sum(recorder.fired.values())}")


async def _all_fired(db: Database) -> bool:
    async with db.engine.connect() as conn:
        return not (await conn.execute(
            text("SELECT count(*) FROM timers WHERE fired_at IS NULL"))).scalar()


async def prepare(url: str) -> int:
    db = Database.from_url(url)
    await db.migrate()
    app = build_queue_app(url)
    await app.open_async()
    try:
        people = await interviews(db, INTERVIEWS)
        start = datetime.now(UTC) + timedelta(seconds=LEAD_S)
        total = INTERVIEWS * PER_INTERVIEW
        step = SPREAD_S / total
        schedules = [Schedule(TimerKind.REMINDER, start + timedelta(seconds=n * step),
                              people[n % INTERVIEWS], key=f"k{n // INTERVIEWS}")
                     for n in range(total)]
        await write_timers(db, schedules)
        began = time.perf_counter()
        await QueueTimers(db=db, app=app, clock=system_clock).reconcile()
        print(f"{total} timers written and their jobs deferred "
              f"(deferring took {time.perf_counter() - began:.1f} s)")
        return total
    finally:
        await app.close_async()
        await db.dispose()


async def report(url: str, total: int, fired_by: list[int]) -> None:
    db = Database.from_url(url)
    try:
        async with db.engine.connect() as conn:
            row = (await conn.execute(text(
                f"SELECT count(*) FILTER (WHERE fired_at IS NOT NULL), "
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {LATE}), "
                f"percentile_cont(0.99) WITHIN GROUP (ORDER BY {LATE}), "
                f"max({LATE}), min({LATE}) FROM timers"))).one()
            events = int((await conn.execute(text(
                "SELECT count(*) FROM processed_events WHERE event_id LIKE 'timer:%'")))
                .scalar() or 0)
    finally:
        await db.dispose()
    fired, p50, p99, worst, earliest = row
    print(f"timers: {total}; fired: {fired}; TimerFired handled: {events}; "
          f"handled per replica: {fired_by} (sum {sum(fired_by)})")
    print(f"lateness (fired_at - due_at): p50 {p50:.3f} s, p99 {p99:.3f} s, "
          f"max {worst:.3f} s, min {earliest:.3f} s")


async def main(database_url: str, poll: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with throwaway_database(database_url, Path(tmp)) as url:
            total = await prepare(url)
            procs = [await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--replica", url, "--poll", str(poll),
                stdout=asyncio.subprocess.PIPE) for _ in range(REPLICAS)]
            outs = [(await p.communicate())[0].decode() for p in procs]
            fired_by = [int(o.strip().rsplit(" ", 1)[-1]) for o in outs]
            await report(url, total, fired_by)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url",
                        default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    parser.add_argument("--poll", type=float, default=1.0, help="QUEUE_POLL_SECONDS")
    args = parser.parse_args()
    if args.replica:
        asyncio.run(replica(args.replica, LEAD_S + SPREAD_S + 60, args.poll))
    else:
        asyncio.run(main(args.database_url, args.poll))
