"""Scale-out on PostgreSQL (issue 15): `run --role web` replicas behind a round-robin
balancer take the fake Telegram's webhook, `run --role worker` processes transcribe from the
`transcribe` queue. One more web replica and one more worker than asked are started first
and SIGKILLed in the middle:

- the web victim runs alone at first, and the fake holds its first sends unanswered, so it
  dies holding claimed outbox rows whose sends were in flight (not accepted by the
  platform); the survivors send them once the claim's lease (OUTBOX_LEASE_SECONDS) ends;
- the worker victim dies in the middle of a transcription job; procrastinate's stalled-job
  sweep gives it to a surviving worker.

Every candidate completes the whole e2e interview; at the end every answer part is
transcribed once, every due timer fired, and each outbound message the outbox sent was
accepted by the fake exactly once (no accepted send missing from the outbox, none twice).
Size from the environment (`make scale`: SCALE_CANDIDATES=200 SCALE_WEB=3 SCALE_WORKERS=2);
the defaults keep `make test` short."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.e2e.balancer import Balancer
from tests.e2e.harness import BotProcess, create_campaign, create_invites, free_port, wait_until
from tests.e2e.scenarios import whole_interview
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram.records import BotCall

pytestmark = pytest.mark.e2e
CANDIDATES = int(os.environ.get("SCALE_CANDIDATES", "2"))
WEB = int(os.environ.get("SCALE_WEB", "1"))  # survivors; one more is started and killed
WORKERS = int(os.environ.get("SCALE_WORKERS", "1"))  # survivors; one more is killed
LEASE = os.environ.get("SCALE_LEASE_SECONDS", "3")
HELD = min(CANDIDATES, 3)  # sends in flight at the web victim when it is killed
SECRET = "scale-out-webhook-secret"
SENDS = frozenset({"sendMessage", "sendVoice", "sendVideo", "sendVideoNote", "sendDocument",
                   "sendAudio", "sendPhoto", "sendAnimation"})


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
    await wait_until(lambda: _positive(db, doing), 120 + CANDIDATES, "a transcription job", 0.02)
    job = await _scalar(db, doing)
    await worker.kill()
    return job


async def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(text(sql))).all()]


async def _counts(db: Database, fake: FakeTelegram) -> str:
    parts = await _scalar(db, "SELECT count(*) FROM transcripts WHERE status = 'done'")
    timers = await _scalar(db, "SELECT count(*) FROM processed_events "
                               "WHERE event_id LIKE 'timer:%'")
    rows = await _scalar(db, "SELECT count(*) FROM outbox WHERE status = 'sent'")
    calls = sum(1 for c in fake.calls if c.status == 200)
    return (f"parts transcribed {parts}, timers fired {timers}, outbox rows sent {rows}, "
            f"Bot API calls accepted {calls}")


async def _positive(db: Database, sql: str) -> bool:
    return await _scalar(db, sql) > 0


def _in_flight(fake: FakeTelegram) -> list[BotCall]:
    return [c for c in fake.calls if c.method in SENDS and c.status is None]


async def _kill_holding_sends(fake: FakeTelegram, victim: BotProcess,
                              survivors: list[BotProcess]) -> list[BotCall]:
    """The victim runs alone, so every held send is its claim. Survivors start, then the
    victim dies with the sends in flight (the fake drops a request whose client is gone)."""
    async def held() -> bool:
        return len(_in_flight(fake)) >= HELD
    await wait_until(held, 60 + CANDIDATES, f"{HELD} sends in flight at the first replica")
    await asyncio.gather(*(p.start(timeout=120) for p in survivors))
    abandoned = _in_flight(fake)
    await victim.kill()
    return abandoned


@pytest.mark.timeout(300 + 20 * CANDIDATES)
async def test_web_replicas_and_workers_share_postgresql(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], pg_url: str,
    tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "DATABASE_URL": pg_url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "WEB_SECRET": "scale-out-web-key",
           "QUEUE_HEARTBEAT_SECONDS": "1", "QUEUE_POLL_SECONDS": "0.2",
           "OUTBOX_LEASE_SECONDS": LEASE}
    webs = [_process(env, tmp_path, f"web{n}", "web", bot_process) for n in range(WEB + 1)]
    workers = [_process(env, tmp_path, f"worker{n}", "worker", bot_process)
               for n in range(WORKERS + 1)]
    db = Database.from_url(pg_url)
    async with Balancer([w.url for w in webs]) as balancer:
        for web in webs:
            web.env["PUBLIC_URL"] = balancer.url
        slug = await create_campaign(env)
        tokens = await create_invites(env, slug, [f"Candidate {n}" for n in range(CANDIDATES)])
        await asyncio.gather(webs[0].start(), workers[0].start())
        fake_telegram.timeout_next(HELD, methods={"sendMessage"}, hold=600)
        users = [fake_telegram.user(70_000 + n, f"Cand{n}") for n in range(CANDIDATES)]
        began = time.monotonic()
        try:
            interviews = asyncio.gather(*(whole_interview(u, t)
                                          for u, t in zip(users, tokens, strict=True)))
            abandoned = await _kill_holding_sends(fake_telegram, webs[0], webs[1:])
            killed = await _kill_mid_job(db, workers[0])
            await asyncio.gather(*(w.start(timeout=120) for w in workers[1:]))
            await interviews
            await wait_until(lambda: _done(db), 120 + 10 * CANDIDATES, "every answer transcribed")
            print(f"\nscale-out: {CANDIDATES} candidates, {WEB} web + {WORKERS} workers "
                  f"(+1 of each killed): {time.monotonic() - began:.1f} s; "
                  f"{await _counts(db, fake_telegram)}; in flight at the killed replica: "
                  f"{len(abandoned)}; webhook updates per replica: {balancer.sent}")
            await _assert_once(db, fake_telegram, [u.chat_id for u in users], killed)
            _assert_taken_over(fake_telegram, abandoned)
        finally:
            await db.dispose()
        assert all(balancer.sent[w.url] for w in webs[1:]), balancer.sent  # all took updates
    assert "of a stopped worker is retried" in "".join(p.logs() for p in bot_process)
    assert "Traceback" not in "".join(p.logs() for p in bot_process)


READY = "SELECT count(*) FROM processed_events WHERE event_id LIKE 'transcript:%'"


async def _done(db: Database) -> bool:
    """Every part transcribed and announced (the announcement commits after the text)."""
    pending = "SELECT count(*) FROM transcripts WHERE status = 'pending'"
    parts = await _scalar(db, "SELECT count(*) FROM transcripts")
    return await _scalar(db, pending) == 0 and await _scalar(db, READY) >= parts


def _assert_taken_over(fake: FakeTelegram, abandoned: list[BotCall]) -> None:
    """The killed replica's in-flight sends were never accepted; a survivor sent each."""
    assert len(abandoned) >= HELD
    assert all(c.status is None for c in abandoned)  # the fake dropped them with the client
    accepted = Counter((str(c.params.get("chat_id")), str(c.params.get("text")))
                       for c in fake.calls if c.method == "sendMessage" and c.status == 200)
    for call in abandoned:
        assert accepted[(str(call.params.get("chat_id")), str(call.params.get("text")))] >= 1


async def _assert_once(db: Database, fake: FakeTelegram, chats: list[int], killed: int) -> None:
    parts = await _scalar(db, "SELECT count(*) FROM transcripts")
    assert parts >= CANDIDATES * 3
    done = await _scalar(db, "SELECT count(*) FROM transcripts WHERE status = 'done'")
    assert done == parts, await _rows(db, "SELECT status, failure_reason FROM transcripts")
    assert await _scalar(db, READY) == parts  # each transcript announced once
    assert await _scalar(db, f"SELECT count(*) FROM procrastinate_jobs WHERE id = {killed} "
                             "AND status = 'doing'") == 0  # the killed job was taken over
    overdue = ("SELECT count(*) FROM timers WHERE fired_at IS NULL "
               "AND due_at < now() - interval '5 seconds'")
    assert await _scalar(db, overdue) == 0
    fired = "SELECT count(*) FROM processed_events WHERE event_id LIKE 'timer:%'"
    assert await _scalar(db, fired) >= CANDIDATES  # each first-take prep timer at least
    assert not await _rows(db, "SELECT id, status, last_error FROM outbox "
                               "WHERE kind = 'send' AND status <> 'sent'")  # nothing lost
    await _assert_sent_once(db, fake, chats)


async def _assert_sent_once(db: Database, fake: FakeTelegram, chats: list[int]) -> None:
    """The messages the fake holds in each candidate's chat (what the platform accepted,
    whatever became of the request) are exactly the outbox rows' messages: a send repeated
    after a takeover would be a message in the chat that no row points at."""
    accepted = {(str(chat), str(mid)) for chat in chats
                for mid in fake.chat(chat).bot_message_ids}
    rows = await _rows(db, "SELECT conversation_key, platform_message_id FROM outbox "
                           "WHERE kind = 'send' AND status = 'sent' "
                           "AND conversation_key LIKE 'telegram:%'")
    sent = Counter((str(key).split(":")[1], str(ref)) for key, ref in rows)
    assert len(sent) == len(rows) > 0, rows
    assert accepted == set(sent), sorted(accepted ^ set(sent))
