"""`POST /api/invites` over real HTTP on loopback, on a real (SQLite) database: a bad or
missing signature is a 401 and nothing is made; the same `external_id` twice is the same
invite; bad bodies are clear 4xx; the decision webhook then carries the `external_id`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.cli.invite_links import invite_makers
from bot.recruiting.ats import AtsInvites
from bot.runtime.catalogs import Catalogs
from bot.runtime.effects import AfterCommit, EffectWriter
from bot.runtime.outbox_kinds import OutboxKind
from bot.runtime.signing import SIGNATURE_HEADER, sign
from config.kit import Kit, Question
from config.settings import Settings
from conversations.effects import DecisionWebhook
from storage.db import Database

SECRET = "ats-shared-secret"
KIT = Kit(title="Support screen", questions=(Question(id="q1", text="Why us?"),))


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[tuple[str, Database]]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    async with db.unit_of_work() as uow:
        await uow.campaigns.create(KIT, "title: x\n", "support", "live")
        await uow.commit()
    settings = Settings(telegram_bot_token=SecretStr("1:x"), telegram_bot_username="screen_bot")
    ats = AtsInvites(db, SECRET, lambda: datetime.now(UTC), invite_makers(settings))
    app = web.Application()
    app.router.add_route("*", "/api/invites", ats.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/api/invites", db
    await runner.cleanup()
    await db.dispose()


async def post(url: str, body: dict[str, Any] | bytes, secret: str | None = SECRET
               ) -> tuple[int, dict[str, Any]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SIGNATURE_HEADER] = sign(secret, raw)
    async with aiohttp.ClientSession() as session, session.post(url, data=raw,
                                                                headers=headers) as r:
        return r.status, await r.json()


async def invited(db: Database) -> int:
    async with db.unit_of_work(read_only=True) as uow:
        [summary] = await uow.campaigns.list_summaries()
    return summary.invited


GRACE = {"campaign": "support", "name": "Grace Hopper", "external_id": "gh-app-1001"}


async def test_badly_signed_requests_make_nothing(api: tuple[str, Database]) -> None:
    url, db = api
    for secret in (None, "not-the-secret"):
        status, body = await post(url, GRACE, secret)
        assert status == 401 and SIGNATURE_HEADER in body["error"]
    assert await invited(db) == 0


async def test_the_same_external_id_twice_is_the_same_invite(api: tuple[str, Database]) -> None:
    url, db = api
    status, first = await post(url, GRACE)
    assert status == 201 and first["created"] is True
    assert first["links"] == [f"https://t.me/screen_bot?start={first['token']}"]
    status, again = await post(url, {**GRACE, "name": "G. Hopper"})
    assert status == 200 and again["created"] is False
    assert (again["interview_id"], again["token"]) == (first["interview_id"], first["token"])
    assert await invited(db) == 1
    async with db.unit_of_work(read_only=True) as uow:
        audit = await uow.audit.for_interview(first["interview_id"])
    assert [(a.actor, a.action, a.detail["external_id"]) for a in audit] == [
        ("ats", "invited", "gh-app-1001")]


@pytest.mark.parametrize(("body", "status", "error"), [
    (b"{not json", 400, "not JSON"),
    ({"campaign": "support", "name": "Ann"}, 400, "external_id"),
    ({**GRACE, "channel": "fax"}, 400, "channel must be"),
    ({**GRACE, "campaign": "nope"}, 404, "no campaign"),
    ([1, 2], 400, "JSON object"),
    # PostgreSQL cannot store a NUL in text: it answered 500 before this was refused
    ({**GRACE, "external_id": "ext\u0000id"}, 400, "control characters"),
    ({**GRACE, "name": "Gr\u0000ace"}, 400, "control characters"),
    ({**GRACE, "campaign": "support\u0007"}, 400, "control characters"),
])
async def test_bad_bodies_get_a_clear_4xx_and_make_nothing(
    api: tuple[str, Database], body: Any, status: int, error: str,
) -> None:
    url, db = api
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    got, answer = await post(url, raw)
    assert got == status and error in answer["error"]
    assert await invited(db) == 0


async def test_the_decision_webhook_carries_the_external_id(api: tuple[str, Database]) -> None:
    url, db = api
    _, made = await post(url, GRACE)
    writer = EffectWriter(render=Catalogs().render, clock=lambda: datetime.now(UTC),
                          decision_webhook=True)
    async with db.unit_of_work() as uow:
        state = await uow.interviews.get(made["interview_id"])
        await writer.write(uow, DecisionWebhook(made["interview_id"], "advance", "slack:U1",
                                                "", datetime.now(UTC)), state, AfterCommit())
        [item] = await uow.outbox.due(datetime.now(UTC), 10)
    assert item.kind == OutboxKind.DECISION_WEBHOOK
    assert item.payload["external_id"] == "gh-app-1001"
