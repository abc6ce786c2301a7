"""Inbound throughput of the real service, end to end over a fake platform API.

N candidates open their invites; then every candidate sends M text messages at once (each
is handled through the whole path: lock, dedupe, load, decide, persist state + outbox,
commit). Prints updates/s from the first injected update until the
service has handled the last one, and p50/p99 handling time per update from the service's
own per-event log lines.

    .venv/bin/python benchmarks/inbound_throughput.py --candidates 50 --messages 10
    .venv/bin/python benchmarks/inbound_throughput.py --platform whatsapp
    .venv/bin/python benchmarks/inbound_throughput.py \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

Telegram (the default): updates queue at the fake Bot API and the service long-polls them.
WhatsApp: the fake Cloud API POSTs each message to the signed webhook, which answers once the
message is handled; the candidates write concurrently, each one message after the other (as
a person does), and the fake pushes `sent` / `delivered` statuses for every reply too.

SQLite (a file in a temporary folder) unless `--database-url` is given. For PostgreSQL the
URL names the server: a throwaway database is created on it for the run and dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.harness import BotProcess, base_env, create_campaign, run_cli
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import FakeWhatsApp, FakeWhatsAppUser

HANDLED = re.compile(r"handled event_id=(?:telegram:\d+|whatsapp:\S+) kind=(\w+) .* "
                     r"in ([\d.]+) ms")
WA_VERIFY = "bench-verify-token"


async def invite_all(env: dict[str, str], slug: str, count: int) -> list[str]:
    names = [arg for i in range(count) for arg in ("--name", f"Candidate {i}")]
    code, out, err = await run_cli(env, "invite", slug, *names)
    assert code == 0, err
    return [re.split(r"start=|text=", line.split("\t")[-1])[-1]
            for line in out.strip().splitlines()]


@contextlib.asynccontextmanager
async def throwaway_database(url: str | None, workdir: Path) -> AsyncIterator[str]:
    """SQLite in `workdir`, or a fresh database on the PostgreSQL server of `url`."""
    if url is None or not url.startswith("postgresql"):
        yield url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    import asyncpg

    parts = urlsplit(url)
    admin = parts._replace(scheme="postgresql").geturl()
    name = f"ib_bench_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def measure(candidates: int, messages: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with FakeTelegram() as fake, throwaway_database(database_url, workdir) as url:
            env = base_env(workdir, TELEGRAM_BOT_TOKEN=fake.token,
                           TELEGRAM_API_URL=fake.base_url, LOG_LEVEL="INFO", DATABASE_URL=url)
            print(f"database: {url.split('@')[-1]}")
            slug = await create_campaign(env)
            tokens = await invite_all(env, slug, candidates)
            bot = BotProcess(env=env, log_path=workdir / "bot.log")
            await bot.start()
            try:
                users = [fake.user(10_000 + i, f"C{i}") for i in range(candidates)]
                for user, token in zip(users, tokens, strict=True):
                    await user.send_command(f"/start {token}")
                await wait_handled(bot, candidates)
                base = await bot.metric("ib_events_handled_total")
                started = time.perf_counter()
                for round_no in range(messages):
                    for user in users:
                        await user.send_text(f"message {round_no}")
                total = candidates * messages
                await wait_handled(bot, base + total)
                wall = time.perf_counter() - started
            finally:
                await bot.stop()
            times = [float(ms) for kind, ms in HANDLED.findall(bot.logs())
                     if kind == "TextReceived"]
    report(candidates, messages, total, wall, times)


async def measure_whatsapp(candidates: int, messages: int, database_url: str | None,
                           statuses: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        pushed = ("sent", "delivered") if statuses else ()
        async with FakeWhatsApp(push_statuses=pushed) as fake, \
                throwaway_database(database_url, workdir) as url:
            env = base_env(
                workdir, WHATSAPP_TOKEN=fake.token, WHATSAPP_PHONE_NUMBER_ID=fake.phone_number_id,
                WHATSAPP_APP_SECRET=fake.app_secret, WHATSAPP_VERIFY_TOKEN=WA_VERIFY,
                WHATSAPP_API_URL=fake.api_url, WHATSAPP_NUMBER=f"+{fake.display_number}",
                LOG_LEVEL="INFO", DATABASE_URL=url)
            print(f"database: {url.split('@')[-1]}")
            slug = await create_campaign(env)
            tokens = await invite_all(env, slug, candidates)
            bot = BotProcess(env=env, log_path=workdir / "bot.log")
            await bot.start()
            fake.webhook_url = f"{bot.url}/whatsapp/webhook"
            try:
                users = [fake.user(f"4477009{i:05d}", f"C{i}") for i in range(candidates)]
                await asyncio.gather(*(u.send_text(t) for u, t in zip(users, tokens, strict=True)))
                await wait_handled(bot, candidates)
                base = await bot.metric("ib_events_handled_total")
                started = time.perf_counter()

                async def write(user: FakeWhatsAppUser) -> None:
                    for round_no in range(messages):
                        await user.send_text(f"message {round_no}")

                await asyncio.gather(*(write(u) for u in users))
                total = candidates * messages
                await wait_handled(bot, base + total)
                wall = time.perf_counter() - started
            finally:
                await bot.stop()
            times = [float(ms) for kind, ms in HANDLED.findall(bot.logs())
                     if kind == "TextReceived"]
    report(candidates, messages, total, wall, times)


async def wait_handled(bot: BotProcess, target: float, timeout: float = 600) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await bot.metric("ib_events_handled_total") < target:
        if loop.time() > deadline:
            raise TimeoutError(f"service handled fewer than {target} events")
        await asyncio.sleep(0.05)  # polling another process's /metrics


def report(candidates: int, messages: int, total: int, wall: float, times: list[float]) -> None:
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"candidates={candidates} messages_each={messages} updates={total}")
    print("| metric | value |\n|---|---|")
    print(f"| updates handled | {total} |")
    print(f"| wall time (s) | {wall:.2f} |")
    print(f"| throughput (updates/s) | {total / wall:.1f} |")
    print(f"| handling time p50 (ms) | {statistics.median(times):.1f} |")
    print(f"| handling time p99 (ms) | {p99:.1f} |")
    print(f"| handling time max (ms) | {times[-1]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL; postgresql+asyncpg://… gets a throwaway database")
    parser.add_argument("--platform", choices=("telegram", "whatsapp"), default="telegram")
    parser.add_argument("--no-statuses", action="store_true",
                        help="whatsapp: the fake pushes no sent/delivered statuses")
    args = parser.parse_args()
    print(f"platform: {args.platform}")
    if args.platform == "whatsapp":
        asyncio.run(measure_whatsapp(args.candidates, args.messages, args.database_url,
                                     statuses=not args.no_statuses))
    else:
        asyncio.run(measure(args.candidates, args.messages, args.database_url))


if __name__ == "__main__":
    main()
