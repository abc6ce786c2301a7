"""The reviewer side end to end: a Telegram interview -> one Slack review post with
transcripts and uploaded media -> blind scoring by two reviewers -> aggregate with a
calibration flag -> a recruiter advances -> the candidate hears back on Telegram and the
decision webhook arrives signed -> at the end of the retention period the media files are
deleted from Slack and the post keeps no answer. Refusals (non-reviewer, non-recruiter, bad
signature) change nothing. Real service process, fake Telegram + fake Slack on loopback.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.review.webhook import SIGNATURE_HEADER
from config.kit_loader import DEFAULT_CLOSING
from storage.db import Database
from tests.e2e.conftest import new_bot
from tests.e2e.harness import (
    MEDIA,
    BotProcess,
    base_env,
    create_campaign,
)
from tests.e2e.scenarios import LONG, consent_and_begin, practice_by_voice
from tests.fakes.slack import FakeSlack, SlackDriver
from tests.fakes.telegram import FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e

REVIEW = "C0REVIEW01"
REV1, REV2, RECRUITER, OUTSIDER = "U0REV0001", "U0REV0002", "U0RECRUIT", "U0OUTSIDE"
WEBHOOK_SECRET = "whsec-test"
DIMENSIONS = ("clarity", "depth", "communication", "relevance")
QUESTIONS = ("q1", "q2", "q3")

@dataclass
class WebhookReceiver:
    """A loopback ATS: records every POST (raw body + headers)."""

    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    _cond: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        async with self._cond:
            self.received.append((body, dict(request.headers)))
            self._cond.notify_all()
        return web.Response(text="ok")

    async def wait(self, count: int, timeout: float) -> None:
        async with asyncio.timeout(timeout), self._cond:
            await self._cond.wait_for(lambda: len(self.received) >= count)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.set_channel_members(REVIEW, [REV1, REV2, fake.bot_user_id], name="interviews")
        for user in (REV1, REV2, RECRUITER, OUTSIDER):
            fake.add_user(user)
        yield fake


@pytest.fixture
async def webhook() -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    await receiver.start()
    yield receiver
    await receiver.stop()


def slack_env(tmp_path: Path, tg: FakeTelegram, slack: FakeSlack, hook: str) -> dict[str, str]:
    return base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=tg.token, TELEGRAM_API_URL=tg.base_url,
        SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url, SLACK_REVIEW_CHANNEL=REVIEW,
        RECRUITERS=f"slack:{RECRUITER},telegram:4242",
        DECISION_WEBHOOK_URL=hook, DECISION_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )


async def short_interview(user: FakeUser, token: str) -> None:
    """Practice (voice), Q1 one voice note, Q2 two video notes, Q3 text."""
    await consent_and_begin(user, token)
    await practice_by_voice(user)
    for number, media in ((1, ["voice.ogg"]), (2, ["video_note.mp4", "video_note_part2.mp4"])):
        await user.expect_message(f"Question {number} of 3", timeout=LONG)
        await user.press("I'm ready", timeout=LONG)
        await user.expect_message("Your turn", timeout=LONG)
        for n, name in enumerate(media, start=1):
            if name.endswith(".ogg"):
                await user.send_voice(MEDIA / name)
            else:
                await user.send_video_note(MEDIA / name)
            await user.expect_message(f"part {n} received", timeout=LONG)
        await user.press("Done", timeout=LONG)
        await user.expect_message("Keep it, or try again?", timeout=LONG)
        await user.press("Keep", timeout=LONG)
    await user.expect_message("Question 3 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Type your answer", timeout=LONG)
    await user.send_text("I enjoy building reliable tools that people use every day.")
    await user.expect_message("All done, thank you", timeout=LONG)


def sheet(overrides: dict[tuple[str, str], int] | None = None) -> dict[str, Any]:
    scores = {(q, d): 3 for q in QUESTIONS for d in DIMENSIONS} | (overrides or {})
    return {f"s|{q}|{d}": {"score": str(v)} for (q, d), v in scores.items()}


def all_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + str(
        message.get("text", ""))


async def test_review_scoring_and_decision(
    fake_telegram: FakeTelegram, fake_slack: FakeSlack, webhook: WebhookReceiver,
    tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = slack_env(tmp_path, fake_telegram, fake_slack, webhook.url)
    slug = await create_campaign(env)
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    driver = SlackDriver(fake_slack, f"{bot.url}/slack/events")
    ada = fake_telegram.user(1001, "Ada")
    try:
        token = await _invite_from_slack(fake_slack, driver, slug, "Ada Lovelace")
        await short_interview(ada, token)
        post = await fake_slack.wait_for_message(
            REVIEW, lambda m: "Submission" in all_text(m) and not m.get("files"), timeout=180)
        await _check_post(fake_slack, post)
        iid = _iid(post)  # read now: the post (updated in place) loses its buttons later
        await _refusals(fake_slack, driver, post)
        await _blind_scoring(fake_slack, driver, post)
        await _decide(fake_slack, driver, post, ada, webhook)
        await _erase_after_retention(fake_slack, bot, env["DATABASE_URL"], post["ts"], iid)
    except BaseException:
        print(bot.logs()[-20000:])
        raise
    finally:
        await driver.close()


async def _invite_from_slack(
    fake: FakeSlack, driver: SlackDriver, slug: str, name: str
) -> str:
    """The recruiter's `/interview invite`: a reviewer is refused, the recruiter gets the link."""
    r = await driver.slash(REV1, "/interview", f"invite {slug} Someone Else")
    assert r.ok and r.elapsed < 3
    r = await driver.slash(RECRUITER, "/interview", f"invite {slug} {name}")
    assert r.ok and r.elapsed < 3
    def both_replies() -> dict[str, str] | None:
        replies = {e["user"]: e["text"] for e in fake.ephemerals if e.get("via") == "response_url"}
        return replies if len(replies) == 2 else None

    replies = await fake.wait_until(both_replies, timeout=LONG, what="both commands' replies")
    assert "Only recruiters" in replies[REV1]
    match = re.search(rf"• {name}: https://t\.me/\w+\?start=([\w-]+)", replies[RECRUITER])
    assert match, replies
    return match.group(1)


async def _check_post(fake: FakeSlack, post: dict[str, Any]) -> None:
    text = all_text(post)
    assert len([m for m in fake.messages(REVIEW) if "Submission" in all_text(m)]) == 1
    assert "Ada" in text and "E2E screen" in text and "telegram" in text
    assert "Practice" not in text  # the practice answer is never posted
    assert "Tell us about a project" in text and "Why this role" in text
    assert "I enjoy building reliable tools that people use every day." in text  # as written
    assert "0 of 2 reviewers done" in text
    voice_words = (MEDIA / "voice.txt").read_text().split()[:3]
    assert any(w.lower().strip(".,") in text.lower() for w in voice_words), text
    files = await fake.wait_until(
        lambda: (lambda fs: fs if len(fs) >= 3 else None)(fake.uploaded_files(REVIEW)),
        timeout=30, what="3 uploaded files")
    assert len(files) == 3  # q1 voice + q2 two video notes; never the practice voice
    assert all(f.thread_ts == post["ts"] for f in files)
    assert {f.name for f in files} == {"q1-part1.ogg", "q2-part1.mp4", "q2-part2.mp4"}
    assert fake.calls("files.getUploadURLExternal") and fake.calls("files.completeUploadExternal")
    assert (MEDIA / "voice.ogg").read_bytes() in [f.content for f in files]


async def _refusals(fake: FakeSlack, driver: SlackDriver, post: dict[str, Any]) -> None:
    ts, before = post["ts"], all_text(fake.message(REVIEW, post["ts"]) or {})
    opened = len(fake.views_opened)
    r = await driver.click(OUTSIDER, channel=REVIEW, message_ts=ts, action_id="score_open")
    assert r.ok and r.elapsed < 3
    await fake.wait_until(lambda: any(e["user"] == OUTSIDER for e in fake.ephemerals),
                          what="refusal for the outsider")
    r = await driver.click(REV1, channel=REVIEW, message_ts=ts, action_id="decide_advance")
    assert r.ok
    await fake.wait_until(
        lambda: any(e["user"] == REV1 and "recruiters" in e["text"] for e in fake.ephemerals),
        what="refusal for the non-recruiter")
    for bad, stale in ((True, False), (False, True)):
        r = await driver.click(RECRUITER, channel=REVIEW, message_ts=ts,
                               action_id="decide_advance", bad_signature=bad, stale=stale)
        assert r.status == 401, r
    forged = await driver.submit_view(
        OUTSIDER, callback_id="score", state_values=sheet(),
        private_metadata=json.dumps({"interview_id": _iid(post), "channel": REVIEW}))
    assert forged.ok and forged.json()["response_action"] == "errors"
    assert len(fake.views_opened) == opened
    assert all_text(fake.message(REVIEW, ts) or {}) == before
    assert "0 of 2 reviewers done" in before


def _iid(post: dict[str, Any]) -> str:
    match = re.search(r'"action_id": "score_open", "value": "(\w+)"', all_text(post))
    assert match, post
    return str(match.group(1))


async def _score(fake: FakeSlack, driver: SlackDriver, user: str, ts: str,
                 values: dict[str, Any]) -> dict[str, Any]:
    count = len(fake.views_opened)
    r = await driver.click(user, channel=REVIEW, message_ts=ts, action_id="score_open")
    assert r.ok and r.elapsed < 3
    opened = await fake.wait_until(
        lambda: fake.views_opened[count] if len(fake.views_opened) > count else None,
        what=f"scoring view for {user}")
    assert opened["user"] == user
    view = opened["view"]
    r = await driver.submit_view(user, view_id=opened["id"], state_values=values)
    assert r.ok and not r.body, r.body
    return dict(view)


async def _blind_scoring(fake: FakeSlack, driver: SlackDriver, post: dict[str, Any]) -> None:
    ts = post["ts"]
    first = await _score(fake, driver, REV1, ts, sheet({("q1", "depth"): 1}))
    assert "initial_option" not in json.dumps(first)
    await fake.wait_until(
        lambda: "1 of 2 reviewers done" in all_text(fake.message(REVIEW, ts) or {}),
        what="progress 1 of 2")
    assert not [m for m in fake.thread(REVIEW, ts) if "Aggregate" in all_text(m)]
    message = all_text(fake.message(REVIEW, ts) or {})
    assert "range" not in message and "Aggregate" not in message  # progress, never values
    second = await _score(fake, driver, REV2, ts, sheet({("q1", "depth"): 4}))
    assert "initial_option" not in json.dumps(second)  # REV1's values are not shown to REV2
    aggregate = await fake.wait_for_message(
        REVIEW, lambda m: "Aggregate of 2 reviewers" in all_text(m), thread_ts=ts, timeout=15)
    text = all_text(aggregate)
    assert "Calibration needed" in text and "Q1 Depth" in text
    assert "2.50 (range 1–4)" in text
    await fake.wait_until(
        lambda: "2 of 2 reviewers done" in all_text(fake.message(REVIEW, ts) or {}),
        what="progress 2 of 2")
    # A reviewer reopening sees their own previous scores, prefilled.
    count = len(fake.views_opened)
    await driver.click(REV1, channel=REVIEW, message_ts=ts, action_id="score_open")
    reopened = await fake.wait_until(
        lambda: fake.views_opened[count] if len(fake.views_opened) > count else None)
    own = {b["block_id"]: b["element"].get("initial_option", {}).get("value")
           for b in reopened["view"]["blocks"] if b.get("block_id", "").startswith("s|")}
    assert own["s|q1|depth"] == "1" and own["s|q2|clarity"] == "3"


async def _decide(fake: FakeSlack, driver: SlackDriver, post: dict[str, Any], ada: FakeUser,
                  hook: WebhookReceiver) -> None:
    ts = post["ts"]
    count = len(fake.views_opened)
    r = await driver.click(RECRUITER, channel=REVIEW, message_ts=ts, action_id="decide_advance")
    assert r.ok and r.elapsed < 3
    opened = await fake.wait_until(
        lambda: fake.views_opened[count] if len(fake.views_opened) > count else None,
        what="decision view")
    r = await driver.submit_view(RECRUITER, view_id=opened["id"],
                                 state_values={"reason": {"reason": "Clear, specific answers"}})
    assert r.ok and not r.body, r.body
    await ada.expect_message(DEFAULT_CLOSING["advance"][:40], timeout=LONG)
    await hook.wait(1, timeout=30)
    body, headers = hook.received[0]
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    data = json.loads(body)
    assert data["decision"] == "advance" and data["decided_by"] == f"slack:{RECRUITER}"
    assert data["candidate_name"].startswith("Ada") and data["reason"]
    await fake.wait_until(
        lambda: "Advanced" in all_text(fake.message(REVIEW, ts) or {}), what="decision shown")
    assert "score_open" not in all_text(fake.message(REVIEW, ts) or {})
    print(f"review post ts={ts}; webhook headers ok; decision delivered")


async def _erase_after_retention(
    fake: FakeSlack, bot: BotProcess, database_url: str, ts: str, iid: str
) -> None:
    """Move the retention timer (due `retention_days` after submission) to now while the
    service is down; on start it fires and the Slack copies go as well."""
    uploaded = {f.id for f in fake.uploaded_files(REVIEW)}
    assert uploaded
    await bot.stop()
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work() as uow:
            await uow.timers.upsert(iid, "retention", "", datetime.now(UTC))
            await uow.commit()
    finally:
        await db.dispose()
    await bot.start()
    await fake.wait_until(
        lambda: "Submission erased" in all_text(fake.message(REVIEW, ts) or {}),
        timeout=LONG, what="post replaced after the retention period")
    erased = all_text(fake.message(REVIEW, ts) or {})
    assert "Ada" not in erased and "Advanced" in erased and "score_open" not in erased
    assert fake.deleted_files() == uploaded
