"""Malformed webhook bodies (issue 16, item 1): a clear answer, one log line without the
body, no traceback, the update recorded as rejected; the next good update is served."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, create_campaign, create_invite, run_cli
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
SECRET = "e2e-webhook-secret_123"
MARK = "SECRET-ANSWER-TEXT"  # must never reach the log

MESSAGE = {"message_id": 1, "date": 1_700_000_000, "chat": {"id": 5, "type": "private"},
           "from": {"id": 5, "is_bot": False, "first_name": MARK}, "text": MARK}
MALFORMED: list[tuple[str, bytes]] = [
    ("not json", b"this is " + MARK.encode()),
    ("json array", json.dumps([MARK]).encode()),
    ("json string", json.dumps(MARK).encode()),
    ("empty object", b"{}"),
    ("message without chat", json.dumps(
        {"update_id": 7001, "message": {k: v for k, v in MESSAGE.items() if k != "chat"}}
    ).encode()),
    ("chat id as a string", json.dumps(
        {"update_id": 7002, "message": {**MESSAGE, "chat": {"id": MARK, "type": "private"}}}
    ).encode()),
    ("invalid utf-8", b'{"update_id": 7003, "message": {"text": "\xff\xfe' + MARK.encode()
     + b'"}}'),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    ("non-integer update_id", json.dumps({"update_id": MARK, "message": MESSAGE}).encode()),
    ("update_id beyond 64 bits", json.dumps({"update_id": 2**70, "message": MESSAGE}).encode()),
    ("chat id beyond 64 bits", json.dumps(
        {"update_id": 7004, "message": {**MESSAGE, "chat": {"id": 2**70, "type": "private"}}}
    ).encode()),
]


@pytest.fixture
def webhook_env(telegram_env: dict[str, str]) -> dict[str, str]:
    port = telegram_env["HTTP_PORT"]
    return {**telegram_env, "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_WEBHOOK_SECRET": SECRET}


async def test_malformed_bodies_are_rejected_cleanly_and_recorded(
    fake_telegram: FakeTelegram, webhook_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    slug = await create_campaign(webhook_env)
    token = await create_invite(webhook_env, slug, "Grace")
    bot = new_bot(webhook_env, tmp_path, bot_process)
    await bot.start()
    statuses = {}
    async with aiohttp.ClientSession() as session:
        for name, body in MALFORMED:
            async with session.post(
                f"{bot.url}/telegram/webhook", data=body,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                         "Content-Type": "application/json"},
            ) as resp:
                statuses[name] = resp.status
        async with session.post(f"{bot.url}/telegram/webhook", data=b"{}", headers={
                "X-Telegram-Bot-Api-Secret-Token": "s\u00e9cret"}) as resp:
            assert resp.status == 403  # a non-ASCII secret is wrong, not a crash
    # Telegram redelivers on anything but 2xx: the update is answered 200 and set aside.
    assert statuses == {name: 200 for name, _ in MALFORMED}
    logs = bot.logs()
    assert "Traceback" not in logs
    assert MARK not in logs
    assert sum("telegram: update rejected" in line for line in logs.splitlines()) == len(
        MALFORMED)
    health = await bot.health()
    assert health["status"] == "ok"
    assert health["dead_letters"] == {"rejected": len(MALFORMED), "failed": 0}
    code, out, err = await run_cli(webhook_env, "dead-letters")
    assert code == 0, err
    assert out.count("rejected") == len(MALFORMED)
    assert "update_id: not an integer" in out or "update_id" in out

    grace = fake_telegram.user(2002, "Grace")  # the service still serves candidates
    await grace.send_command(f"/start {token}")
    await grace.expect_message("Thanks for trying", timeout=30)
