"""Fuzzing every inbound route of the real service (issue 16): generated bodies POSTed to
the Telegram webhook and to Slack events, interactivity and slash commands (signed, so
they reach the parsers), and to the web candidate page's and the reviewer board's POST
routes (issue 13: with the page's session cookie and CSRF token, a signed-in reviewer's).
No 5xx, no traceback, `/healthz` ok, no interview started by a stranger, and a real
candidate is still served afterwards.

`FUZZ_EXAMPLES` examples per route (150 by default; `make fuzz` runs 10,000 and prints the
counts per route and the statuses seen).
"""

from __future__ import annotations

import asyncio
import os
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.db import Database
from tests.e2e.board_client import BoardClient, reviewer_link
from tests.e2e.conftest import new_bot
from tests.e2e.fuzz_bodies import (
    SLACK_EVENTS_BODY,
    TELEGRAM_BODY,
    TIMESTAMP_HEADER,
    WEB_CHUNK_BODY,
    WEB_FINISH_BODY,
    WEB_RECORDING,
    slack_command_body,
    slack_interactivity_body,
    web_form_body,
)
from tests.e2e.harness import BotProcess, base_env, create_campaign, create_invite, run_cli
from tests.fakes.slack import FakeSlack
from tests.fakes.slack.driver_transport import sign
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SECRET = "fuzz-webhook-secret_1"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Route:
    name: str
    path: str
    bodies: st.SearchStrategy[bytes]
    content_type: str
    headers: Callable[[bytes, str], dict[str, str]]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _fuzz(base_url: str, route: Route, statuses: Counter[int]) -> None:
    """Runs in a worker thread: the test's event loop keeps serving the fake platforms."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(body=route.bodies, timestamp=TIMESTAMP_HEADER)
    def one(body: bytes, timestamp: str) -> None:
        headers = {"Content-Type": route.content_type, **route.headers(body, timestamp)}
        status = _post(base_url + route.path, body, headers)
        statuses[status] += 1
        assert status < 500, f"{route.name}: {status} for {body[:300]!r}"

    one()


def _routes(slack: FakeSlack) -> list[Route]:
    def telegram(_body: bytes, given: str) -> dict[str, str]:  # mostly the right secret
        return {"X-Telegram-Bot-Api-Secret-Token": SECRET if given == "now" else given}

    def slack_signed(body: bytes, timestamp: str) -> dict[str, str]:
        ts = str(int(time.time())) if timestamp == "now" else timestamp
        return {"X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sign(slack.signing_secret, ts, body)}

    response_url = slack.issue_response_url(channel=None, user_id="U0FUZZ")
    return [
        Route("telegram webhook", "/telegram/webhook", TELEGRAM_BODY, JSON, telegram),
        Route("slack events", "/slack/events", SLACK_EVENTS_BODY, JSON, slack_signed),
        Route("slack interactivity", "/slack/events", slack_interactivity_body(response_url),
              FORM, slack_signed),
        Route("slack commands", "/slack/events", slack_command_body(response_url), FORM,
              slack_signed),
    ]


@pytest.mark.timeout(max(300, EXAMPLES * 4 // 5))
async def test_generated_bodies_on_every_inbound_route(
    fake_telegram: FakeTelegram, fake_slack: FakeSlack, tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = base_env(
        tmp_path, TELEGRAM_BOT_TOKEN=fake_telegram.token, TELEGRAM_API_URL=fake_telegram.base_url,
        SLACK_BOT_TOKEN=fake_slack.bot_token, SLACK_SIGNING_SECRET=fake_slack.signing_secret,
        SLACK_API_URL=fake_slack.api_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    env["PUBLIC_URL"] = f"http://127.0.0.1:{env['HTTP_PORT']}"
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Ada")
    code, out, err = await run_cli(env, "invite", slug, "--name", "Wes", "--channel", "web")
    assert code == 0, err
    web_token = out.strip().rsplit("/", 1)[-1]
    reviewer = await reviewer_link(env, "ana@example.com", "--recruiter")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    web = await _web_routes(bot.url, web_token, reviewer)

    seen: dict[str, Counter[int]] = {}
    for route in _routes(fake_slack) + web:
        seen[route.name] = Counter()
        await asyncio.to_thread(_fuzz, bot.url, route, seen[route.name])
    for name, statuses in seen.items():
        listed = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        print(f"fuzz {name}: {sum(statuses.values())} examples; statuses {listed}")

    logs = bot.logs()
    print(f"fuzz tracebacks in the service log: {logs.count('Traceback')}")
    first = logs.find("Traceback")
    assert first < 0, logs[max(0, first - 300):first + 3000]
    assert (await bot.health())["status"] == "ok"
    # No stranger got one: only the web page's own browser (which opened it) started one.
    assert await _interviews_started(env["DATABASE_URL"], but=web_token) == 0
    ada = fake_telegram.user(1001, "Ada")
    await ada.send_command(f"/start {token}")
    await ada.expect_message("Thanks for trying", timeout=60)


async def _web_routes(url: str, token: str, reviewer: str) -> list[Route]:
    """The candidate page's POST routes, from a browser that opened the link (so bodies get
    past the CSRF and ownership checks), and the board's, signed in as a recruiter."""
    async with BoardClient(url) as browser:  # only its cookie jar and CSRF scraping
        status, _ = await browser.get(f"/i/{token}")
        assert status == 200
        page = next(c.value for c in browser.http.cookie_jar if c.key == "ib_web")
        page_csrf = browser.csrf
        status, _ = await browser.post(f"/i/{token}/open", {})
        assert status == 303, status
    async with BoardClient(url) as board:
        assert await board.sign_in(reviewer) == 303
        await board.get("/review")
        session = next(c.value for c in board.http.cookie_jar if c.key == "board_session")
        board_csrf = board.csrf

    def on_page(_body: bytes, _ts: str) -> dict[str, str]:
        return {"Cookie": f"ib_web={page}", "X-CSRF-Token": page_csrf}

    def on_board(_body: bytes, _ts: str) -> dict[str, str]:
        return {"Cookie": f"board_session={session}; board_signin={board_csrf}"}

    form = web_form_body(page_csrf)
    routes = [Route(f"web {name}", f"/i/{token}/{name}", form, FORM, on_page)
              for name in ("open", "press", "text", "command", "move")]
    routes += [
        Route("web chunk", f"/i/{token}/chunk?rec={WEB_RECORDING}&seq=0", WEB_CHUNK_BODY,
              "application/octet-stream", on_page),
        Route("web finish", f"/i/{token}/finish", WEB_FINISH_BODY, JSON, on_page),
    ]
    board_form = web_form_body(board_csrf)
    iid = "A" * 22  # no such submission: the form is read and checked, then 404
    routes += [Route(f"board {name}", path, board_form, FORM, on_board) for name, path in (
        ("scores", f"/review/s/{iid}/scores"), ("decision", f"/review/s/{iid}/decision"),
        ("sign-in", "/review/signin/no-such-link"), ("sign-out", "/review/signout"))]
    return routes


async def _interviews_started(database_url: str, but: str) -> int:
    from sqlalchemy import func, select

    from storage.models import InterviewRow

    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work(read_only=True) as uow:
            count = await uow.session.scalar(
                select(func.count()).select_from(InterviewRow)
                .where(InterviewRow.conversation_key.is_not(None),
                       InterviewRow.invite_token != but))
    finally:
        await db.dispose()
    return int(count or 0)
