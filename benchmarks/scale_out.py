"""Scale-out on PostgreSQL: 1 vs 2 vs 3 `run --role web` replicas, 1 vs 2 `--role worker`.

Web replicas sit behind a round-robin balancer on loopback (PUBLIC_URL), fed by the fake
Telegram's webhook. Per web configuration (one worker): N candidates open their invites
(a kit whose deadline is 1 min, reminder 40 s before, so timers fire during the run), then
each sends M texts; printed: updates/s (first update until all handled, summed over the
replicas' /metrics), p50/p99 handling time (the replicas' per-event log lines), timers
fired vs due (the timers table), messages sent (the fake's count; the same flow on every
configuration, so a difference would be a lost or doubled message). Per worker configuration
(two web replicas): K candidates do the whole e2e interview (voice, video notes, text);
printed: answer parts transcribed per minute, from the first part queued to the last stored.

    .venv/bin/python benchmarks/scale_out.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from benchmarks.inbound_throughput import invite_all, throwaway_database
from storage.db import Database
from tests.e2e.balancer import Balancer
from tests.e2e.harness import (
    E2E_KIT,
    BotProcess,
    base_env,
    create_campaign,
    free_port,
    run_cli,
)
from tests.e2e.scenarios import whole_interview
from tests.fakes.telegram import FakeTelegram

HANDLED = re.compile(r"handled event_id=telegram:\d+ kind=(\w+) .* in ([\d.]+) ms")
SECRET = "scale-out-bench-secret"


class Cluster:
    """`webs` web replicas and `workers` workers on one throwaway database."""

    def __init__(self, fake: FakeTelegram, url: str, workdir: Path, webs: int, workers: int):
        self.env = base_env(workdir, TELEGRAM_BOT_TOKEN=fake.token,
                            TELEGRAM_API_URL=fake.base_url, DATABASE_URL=url,
                            TELEGRAM_WEBHOOK_SECRET=SECRET, TRANSCRIBE_WORKERS="1",
                            WEB_SECRET="scale-out-web-key")
        self.webs = [self._proc(workdir, f"web{n}", "web") for n in range(webs)]
        self.workers = [self._proc(workdir, f"worker{n}", "worker") for n in range(workers)]
        self.balancer = Balancer([w.url for w in self.webs])

    def _proc(self, workdir: Path, name: str, role: str) -> BotProcess:
        return BotProcess(env={**self.env, "HTTP_PORT": str(free_port())},
                          log_path=workdir / f"{name}.log", args=("--role", role))

    async def __aenter__(self) -> Cluster:
        # migrate once before the replicas start (part B of issue 15 adds the advisory lock
        # that makes concurrent first starts safe)
        code, _, err = await run_cli(self.env, "migrate")
        assert code == 0, err
        await self.balancer.__aenter__()
        for web in self.webs:
            web.env["PUBLIC_URL"] = self.balancer.url
        await asyncio.gather(*(p.start(timeout=120) for p in [*self.webs, *self.workers]))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for proc in [*self.webs, *self.workers]:
            await proc.stop()
        await self.balancer.__aexit__(None, None, None)

    async def handled(self) -> float:
        return sum([await w.metric("ib_events_handled_total") for w in self.webs])

    def times(self) -> list[float]:
        return [float(ms) for w in self.webs for _, ms in HANDLED.findall(w.logs())]


async def wait_for(probe, what: str, timeout: float = 600) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.harness import wait_until

    await wait_until(probe, timeout, what, every=0.1)


async def web_run(fake: FakeTelegram, url: str, workdir: Path, webs: int, candidates: int,
                  messages: int) -> dict[str, float]:
    kit = workdir / "kit.yaml"
    kit.write_text(E2E_KIT.read_text().replace("deadline: 10m", "deadline: 1m")
                   .replace("reminders: [5m]", "reminders: [40s]"))
    async with Cluster(fake, url, workdir, webs, 1) as cluster:
        slug = await create_campaign(cluster.env, kit)
        tokens = await invite_all(cluster.env, slug, candidates)
        users = [fake.user(10_000 + i, f"C{i}") for i in range(candidates)]
        sent_before = len(fake.calls_to("sendMessage"))
        started = time.perf_counter()
        for user, token in zip(users, tokens, strict=True):
            await user.send_command(f"/start {token}")
        # consent starts the deadline (1 min) and its reminder (20 s later): 2 timers each
        await asyncio.gather(*(u.press("Yes, I agree", timeout=120) for u in users))
        for round_no in range(messages):
            for user in users:
                await user.send_text(f"message {round_no}")
        total = candidates * (messages + 2)

        async def all_handled() -> bool:
            return await cluster.handled() >= total

        await wait_for(all_handled, f"{total} updates handled")
        wall = time.perf_counter() - started
        db = Database.from_url(url)
        try:
            expected = 2 * candidates  # a reminder and the deadline each
            await wait_for(lambda: _timers_settled(db, expected), "every timer fired", 180)
            waiting, fired = await _timers(db)
            due = expected + waiting  # waiting: anything unexpected left behind
        finally:
            await db.dispose()
        await asyncio.sleep(2)  # let the last deliveries land before counting them
        times = sorted(cluster.times())
    return {"updates": total, "updates/s": total / wall, "p50": statistics.median(times),
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
            "timers due": due, "timers fired": fired,
            "messages": len(fake.calls_to("sendMessage")) - sent_before}


async def _timers_settled(db: Database, expected: int) -> bool:
    return (await _timers(db))[1] >= expected


async def _timers(db: Database) -> tuple[int, int]:
    """(deadline and reminder timers still waiting, `TimerFired` events handled). A fired
    reminder's row goes, and an expired interview's timers with it: count the events."""
    async with db.engine.connect() as conn:
        waiting = (await conn.execute(text(
            "SELECT count(*) FROM timers WHERE fired_at IS NULL "
            "AND kind IN ('deadline', 'reminder')"))).scalar()
        fired = (await conn.execute(text(
            "SELECT count(*) FROM processed_events WHERE event_id LIKE 'timer:%'"))).scalar()
    return int(waiting or 0), int(fired or 0)


async def worker_run(fake: FakeTelegram, url: str, workdir: Path, workers: int,
                     candidates: int) -> dict[str, float]:
    async with Cluster(fake, url, workdir, 2, workers) as cluster:
        slug = await create_campaign(cluster.env)
        tokens = await invite_all(cluster.env, slug, candidates)
        users = [fake.user(20_000 + i, f"W{i}") for i in range(candidates)]
        await asyncio.gather(*(whole_interview(u, t) for u, t in zip(users, tokens,
                                                                       strict=True)))
        db = Database.from_url(url)
        try:
            await wait_for(lambda: _transcribed(db), "every part transcribed")
            async with db.engine.connect() as conn:
                parts, span = (await conn.execute(text(
                    "SELECT count(*), extract(epoch FROM max(updated_at) - min(created_at)) "
                    "FROM transcripts WHERE status = 'done'"))).one()
        finally:
            await db.dispose()
    return {"parts": int(parts), "answers/min": int(parts) / float(span) * 60}


async def _transcribed(db: Database) -> bool:
    async with db.engine.connect() as conn:
        return not (await conn.execute(
            text("SELECT count(*) FROM transcripts WHERE status = 'pending'"))).scalar()


async def main(database_url: str, candidates: int, messages: int, voices: int) -> None:
    print("| web replicas | updates | updates/s | p50 ms | p99 ms | timers due / fired "
          "| messages sent |\n|---|---|---|---|---|---|---|")
    for webs in (1, 2, 3):
        with tempfile.TemporaryDirectory() as tmp:
            async with FakeTelegram() as fake, throwaway_database(database_url,
                                                                  Path(tmp)) as url:
                r = await web_run(fake, url, Path(tmp), webs, candidates, messages)
        print(f"| {webs} | {r['updates']:.0f} | {r['updates/s']:.1f} | {r['p50']:.1f} | "
              f"{r['p99']:.1f} | {r['timers due']:.0f} / {r['timers fired']:.0f} | "
              f"{r['messages']:.0f} |", flush=True)
    print("\n| workers | parts transcribed | answers/minute |\n|---|---|---|")
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            async with FakeTelegram() as fake, throwaway_database(database_url,
                                                                  Path(tmp)) as url:
                r = await worker_run(fake, url, Path(tmp), workers, voices)
        print(f"| {workers} | {r['parts']:.0f} | {r['answers/min']:.1f} |", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url",
                        default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--voices", type=int, default=3, help="candidates in the worker runs")
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.candidates, args.messages, args.voices))
