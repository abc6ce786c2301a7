"""A recruiter runs a campaign from Slack: `/interview new` sends a starter kit; kit and
roster files shared in the bot's DM with a command as their message (`new spring`,
`invite spring`) are read (a broken kit comes back by line, nothing made); files come back
into that DM (the links CSV, the status chart, the export); launch, remind, close,
shortlist by slash command. Someone else learns nothing. An ATS invites through the same
service (`POST /api/invites`, signed, idempotent). Real service, fake Slack."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.runtime.signing import SIGNATURE_HEADER, sign
from tests.e2e.conftest import new_bot
from tests.e2e.harness import E2E_KIT, BotProcess, base_env
from tests.e2e.scenarios import LONG
from tests.fakes.slack import FakeSlack, SlackDriver

pytestmark = pytest.mark.e2e
RECRUITER, OUTSIDER = "U0RECRUIT", "U0OUTSIDE"
ATS_SECRET = "ats-e2e-secret"
BROKEN = b"title: Broken\nquestions:\n  - id: q1\n    formats: [smoke]\n"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        for user in (RECRUITER, OUTSIDER):
            fake.add_user(user)
        yield fake


async def test_a_campaign_from_slack(
    fake_slack: FakeSlack, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = base_env(tmp_path, SLACK_BOT_TOKEN=fake_slack.bot_token,
                   SLACK_SIGNING_SECRET=fake_slack.signing_secret,
                   SLACK_API_URL=fake_slack.api_url, RECRUITERS=f"slack:{RECRUITER}",
                   ATS_WEBHOOK_SECRET=ATS_SECRET)
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    driver = SlackDriver(fake_slack, f"{bot.url}/slack/events")
    dm = fake_slack.dm_channel(RECRUITER)
    seen = 0

    async def slash(text: str, user: str = RECRUITER) -> str:
        nonlocal seen
        await driver.slash(user, "/interview", text)
        replies = await fake_slack.wait_until(
            lambda: [e for e in fake_slack.ephemerals if e.get("via") == "response_url"][seen:]
            or None, timeout=LONG, what=f"the reply to {text}")
        seen += 1
        return str(replies[0]["text"])

    async def share(name: str, content: bytes, text: str, user: str = RECRUITER
                    ) -> dict[str, Any]:
        before = len(fake_slack.messages(fake_slack.dm_channel(user)))
        shared = fake_slack.add_file(content, name=name, user=user)
        await driver.message(user, fake_slack.dm_channel(user), text, files=[shared])
        return await fake_slack.wait_until(
            lambda: next((m for m in fake_slack.messages(fake_slack.dm_channel(user))[before:]
                          if m.get("bot_id") or m.get("user") == fake_slack.bot_user_id),
                         None), timeout=LONG, what=f"the answer to {text}")

    try:
        assert "Here is a starter kit" in await slash("new")
        broken = await share("broken.yaml", BROKEN, "new spring")
        assert "nothing was created" in broken["text"] and "line 4, column" in broken["text"]
        assert "Only recruiters" in (await share("kit.yaml", E2E_KIT.read_bytes(), "new spring",
                                                 OUTSIDER))["text"]
        assert "Created spring" in (await share("kit.yaml", E2E_KIT.read_bytes(),
                                                "new spring"))["text"]
        links = await share("people.csv", b"name\nAda Lovelace\n\nAlan Turing\n",
                            "invite spring")
        rows = list(csv.DictReader(io.StringIO(file_text(fake_slack, links))))
        assert [r["name"] for r in rows] == ["Ada Lovelace", "Alan Turing"]

        assert "spring is live" in await slash("launch spring")
        assert await ats_invite(bot.url, None) == (401, None)  # the route is on, and checked
        status_code, first = await ats_invite(bot.url, ATS_SECRET)
        assert status_code == 201 and first is not None
        assert await ats_invite(bot.url, ATS_SECRET) == (200, {**first, "created": False})
        assert "Nobody in this campaign is still answering" in await slash("remind spring")
        status = await slash("status spring")
        assert "3 invited, 0 opened" in status and "direct messages" in status
        chart = fake_slack.messages(dm)[-1]["files"][0]
        assert (fake_slack.file(chart["id"]).content or b"").startswith(b"\x89PNG")
        assert "spring is closed" in await slash("close spring")
        assert re.search(r"no submissions", await slash("shortlist spring"))
        assert "direct messages" in await slash("export spring")
        export = fake_slack.messages(dm)[-1]
        assert export["files"][0]["name"] == "spring.csv"
        assert file_text(fake_slack, export).count("Ada Lovelace") == 3  # a row per question
        for text in ("campaigns", "status spring", "export spring"):
            answer = await slash(text, OUTSIDER)
            assert "Only recruiters" in answer and "spring" not in answer
    except BaseException:
        print(bot.logs()[-20000:])
        raise
    finally:
        await driver.close()


async def ats_invite(url: str, secret: str | None) -> tuple[int, dict[str, Any] | None]:
    body = json.dumps({"campaign": "spring", "name": "Grace", "external_id": "lever-77"}).encode()
    headers = {SIGNATURE_HEADER: sign(secret, body)} if secret else {}
    async with aiohttp.ClientSession() as session, session.post(
            f"{url}/api/invites", data=body, headers=headers) as r:
        return r.status, (await r.json() if r.status < 300 else None)


def file_text(fake: FakeSlack, message: dict[str, Any]) -> str:
    content = fake.file(message["files"][0]["id"]).content
    assert content is not None
    return content.decode()
