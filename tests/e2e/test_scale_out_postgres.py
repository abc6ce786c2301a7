"""Scale-out on PostgreSQL (issue 15): two `run --role web` replicas behind a round-robin
balancer take the fake Telegram's webhook, `run --role worker` processes transcribe from the
`transcribe` queue. The first worker is SIGKILLed in the middle of a job: a second worker
retries that job (procrastinate's stalled-job sweep) and every answer is transcribed once.
No candidate gets a message twice; every prep timer fires (the flow waits on them)."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.e2e.balancer import Balancer
from tests.e2e.harness import BotProcess, create_campaign, create_invites, free_port, wait_until
from tests.e2e.scenarios import whole_interview
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
CANDIDATES, WEB = 3, 2
SECRET = "scale-out-webhook-secret"
ONCE = ("Thanks for trying", "We record your answers", "All done, thank you")


def _process(env: dict[str, str], tmp_path: Path, name: str, role: str,
             started: list[BotProcess]) -> BotProcess:
    proc = BotProcess(env={**env, "HTTP_PORT": str(free_port())},
                      log_path=tmp_path / f"{name}.log", args=("--role", role))
    started.append(proc)
    return proc


async def _scalar(db: Database, sql: str) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar() or 0)


async def _kill_mid_job(db: Database, worker: BotProcess) -> int:
    """SIGKILL `worker` while it runs a transcription job; the id of that job."""
    doing = ("SELECT coalesce(max(id), 0) FROM procrastinate_jobs "
             "WHERE task_name = 'interview_bot.transcribe' AND status = 'doing'")
    await wait_until(lambda: _positive(db, doing), 120, "a transcription job running", 0.02)
    job = await _scalar(db, doing)
    await worker.kill()
    return job


async def _positive(db: Database, sql: str) -> bool:
    return await _scalar(db, sql) > 0


async def test_web_replicas_and_workers_share_postgresql(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], pg_url: str,
    tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "DATABASE_URL": pg_url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "WEB_SECRET": "scale-out-web-key",
           "QUEUE_HEARTBEAT_SECONDS": "1", "QUEUE_POLL_SECONDS": "0.2"}
    webs = [_process(env, tmp_path, f"web{n}", "web", bot_process) for n in range(WEB)]
    first, second = (_process(env, tmp_path, f"worker{n}", "worker", bot_process)
                     for n in range(2))
    db = Database.from_url(pg_url)
    async with Balancer([w.url for w in webs]) as balancer:
        for web in webs:
            web.env["PUBLIC_URL"] = balancer.url
        slug = await create_campaign(env)
        tokens = await create_invites(env, slug, [f"Candidate {n}" for n in range(CANDIDATES)])
        await asyncio.gather(*(p.start() for p in [*webs, first]))
        users = [fake_telegram.user(70_000 + n, f"Cand{n}") for n in range(CANDIDATES)]
        try:
            interviews = asyncio.gather(*(whole_interview(u, t)
                                          for u, t in zip(users, tokens, strict=True)))
            killed = await _kill_mid_job(db, first)
            await second.start()
            await interviews
            await wait_until(lambda: _done(db), 120, "every answer transcribed")
            await _assert_once(db, fake_telegram, [u.chat_id for u in users], killed)
        finally:
            await db.dispose()
        assert all(balancer.sent.values()), balancer.sent  # both replicas took updates
    assert "of a stopped worker is retried" in second.logs() + "".join(w.logs() for w in webs)
    assert "Traceback" not in "".join(p.logs() for p in bot_process)


async def _done(db: Database) -> bool:
    return await _scalar(db, "SELECT count(*) FROM transcripts WHERE status = 'pending'") == 0


async def _assert_once(db: Database, fake: FakeTelegram, chats: list[int], killed: int) -> None:
    parts = await _scalar(db, "SELECT count(*) FROM transcripts")
    assert parts >= CANDIDATES * 3
    assert await _scalar(db, "SELECT count(*) FROM transcripts WHERE status = 'done'") == parts
    ready = "SELECT count(*) FROM processed_events WHERE event_id LIKE 'transcript:%'"
    assert await _scalar(db, ready) == parts  # each transcript announced once
    assert await _scalar(db, f"SELECT count(*) FROM procrastinate_jobs WHERE id = {killed} "
                             "AND status = 'doing'") == 0  # the killed job was taken over
    overdue = ("SELECT count(*) FROM timers WHERE fired_at IS NULL "
               "AND due_at < now() - interval '5 seconds'")
    assert await _scalar(db, overdue) == 0
    texts = Counter((c.params.get("chat_id"), line) for c in fake.calls_to("sendMessage")
                    for line in ONCE if line in str(c.params.get("text", "")))
    for chat in chats:
        for line in ONCE:
            assert texts[(chat, line)] == 1 or texts[(str(chat), line)] == 1, (chat, line)
