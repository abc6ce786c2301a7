"""The Bolt app and the Web API wrapper against the fake Slack (in-process, loopback)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from adapters.errors import DeliveryFailed, RecipientUnavailable
from adapters.slack.app import aiohttp_handler, build_app
from adapters.slack.transport import SlackWeb, build_client
from conversations.review_port import ReviewerRef, ScoreCell
from conversations.scoring import ScoreKey
from tests.fakes.slack import FakeSlack, SlackDriver

CHANNEL = "C0REVIEW"


@dataclass(frozen=True)
class Click:
    who: ReviewerRef
    interview_id: str


@dataclass(frozen=True)
class Submitted:
    who: ReviewerRef
    interview_id: str
    decision: str = ""
    scores: Mapping[ScoreKey, int] = field(default_factory=dict)
    text: str = ""  # comment or reason


@dataclass
class RecordingDesk:
    """The reviewer port's desk side, recording what the Slack app hands over."""

    clicks: list[tuple[str, Click]] = field(default_factory=list)
    scores: list[Submitted] = field(default_factory=list)
    decisions: list[Submitted] = field(default_factory=list)
    commands: list[tuple[str, str, str]] = field(default_factory=list)
    refuse: str | None = None
    seen: asyncio.Event = field(default_factory=asyncio.Event)

    async def open_scoring(self, who: ReviewerRef, interview_id: str) -> None:
        self.clicks.append(("score", Click(who, interview_id)))
        self.seen.set()

    async def save_scores(self, who: ReviewerRef, interview_id: str,
                          scores: Mapping[ScoreKey, int], comment: str) -> str | None:
        self.scores.append(Submitted(who, interview_id, scores=scores, text=comment))
        return self.refuse

    async def save_score(self, who: ReviewerRef, interview_id: str, cell: ScoreCell,
                         value: int) -> None:
        raise AssertionError("Slack scores whole sheets in a modal")

    async def open_decision(self, who: ReviewerRef, interview_id: str, decision: str) -> None:
        self.clicks.append((decision, Click(who, interview_id)))
        self.seen.set()

    async def decide(self, who: ReviewerRef, interview_id: str, decision: str,
                     reason: str) -> str | None:
        self.decisions.append(Submitted(who, interview_id, decision=decision, text=reason))
        return self.refuse

    async def command(self, actor: str, text: str, prefix: str) -> str:
        self.commands.append((actor, text, prefix))
        return f"reply to {text}"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.set_channel_members(CHANNEL, ["U1", slack.bot_user_id])
        yield slack


@pytest.fixture
async def served(fake: FakeSlack) -> AsyncIterator[tuple[RecordingDesk, SlackDriver]]:
    desk = RecordingDesk()
    app = build_app(build_client(fake.bot_token, fake.api_url), fake.signing_secret, desk)
    server = web.Application()
    server.router.add_route("*", "/slack/events", aiohttp_handler(app, fake.signing_secret))
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with SlackDriver(fake, f"http://127.0.0.1:{port}/slack/events") as driver:
        yield desk, driver
    await runner.cleanup()


async def post_with_buttons(fake: FakeSlack) -> str:
    web_api = SlackWeb(build_client(fake.bot_token, fake.api_url))
    from adapters.slack.blocks import DECIDE_PREFIX, SCORE_OPEN, button

    elements = [button("Score", SCORE_OPEN, "iv1"), button("Advance", DECIDE_PREFIX + "advance",
                                                            "iv1")]
    return await web_api.post(CHANNEL, {"text": "post", "blocks": [
        {"type": "actions", "block_id": "a", "elements": elements}]})


async def test_bad_or_stale_signatures_are_refused(
    fake: FakeSlack, served: tuple[RecordingDesk, SlackDriver], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    desk, driver = served
    ts = await post_with_buttons(fake)
    for bad, stale in ((True, False), (False, True)):
        r = await driver.click("U1", channel=CHANNEL, message_ts=ts, action_id="score_open",
                               bad_signature=bad, stale=stale)
        assert r.status == 401
    assert desk.clicks == []
    refusals = [r.getMessage() for r in caplog.records if "request refused" in r.getMessage()]
    assert refusals == ["slack: request refused (401): bad signature",
                        "slack: request refused (401): stale request timestamp"]
    # still logged, without the request body (candidate data)


async def test_url_verification_and_commands(
    fake: FakeSlack, served: tuple[RecordingDesk, SlackDriver]
) -> None:
    desk, driver = served
    r = await driver.url_verification("abc")
    assert r.ok and "abc" in r.body
    r = await driver.slash("U1", "/interview", "invite screen Ann Lee")
    assert r.ok and r.elapsed < 3 and not r.body  # acked at once, the reply comes after
    reply = await fake.wait_until(
        lambda: next((e for e in fake.ephemerals if e.get("via") == "response_url"), None),
        what="the command's reply")
    assert (reply["user"], reply["text"]) == ("U1", "reply to invite screen Ann Lee")
    assert desk.commands == [("slack:U1", "invite screen Ann Lee", "/interview ")]
    r = await driver.slash("U1", "/interview", "help", bad_signature=True)
    assert r.status == 401 and len(desk.commands) == 1


async def test_clicks_are_acked_fast_and_handed_over(
    fake: FakeSlack, served: tuple[RecordingDesk, SlackDriver]
) -> None:
    desk, driver = served
    ts = await post_with_buttons(fake)
    r = await driver.click("U1", channel=CHANNEL, message_ts=ts, action_id="decide_advance")
    assert r.ok and r.elapsed < 3
    await asyncio.wait_for(desk.seen.wait(), 5)
    decision, click = desk.clicks[0]
    assert decision == "advance"
    assert (click.who.actor, click.interview_id, click.who.place) == ("slack:U1", "iv1", CHANNEL)
    assert click.who.handles["trigger_id"] and click.who.handles["response_url"]


async def test_view_submissions_carry_errors(served: tuple[RecordingDesk, SlackDriver]) -> None:
    desk, driver = served
    values = {"s|q1|depth": {"score": {"type": "static_select",
                                       "selected_option": {"value": "2"}}}}
    meta = '{"interview_id": "iv1", "channel": "C0REVIEW"}'
    r = await driver.submit_view("U1", callback_id="score", private_metadata=meta,
                                 state_values=values)
    assert r.ok and not r.body
    assert desk.scores[0].scores == {("q1", "depth"): 2}
    assert (desk.scores[0].who.actor, desk.scores[0].who.place) == ("slack:U1", "C0REVIEW")
    desk.refuse = "nope"
    r = await driver.submit_view("U1", callback_id="decision", state_values={},
                                 private_metadata=meta[:-1] + ', "decision": "hold"}')
    assert r.json() == {"response_action": "errors", "errors": {"reason": "nope"}}
    assert desk.decisions[0].decision == "hold"


async def test_upload_uses_the_external_flow_into_the_thread(
    fake: FakeSlack, tmp_path: Path
) -> None:
    web_api = SlackWeb(build_client(fake.bot_token, fake.api_url))
    ts = await web_api.post(CHANNEL, {"text": "parent"})
    media = tmp_path / "a.ogg"
    media.write_bytes(b"OggS-fake-bytes")
    file_id = await web_api.upload(CHANNEL, ts, media, "q1-part1.ogg", "Q1 · part 1")
    [f] = fake.uploaded_files(CHANNEL)
    assert (f.id, f.content, f.thread_ts, f.title) == (file_id, b"OggS-fake-bytes", ts,
                                                       "Q1 · part 1")
    methods = [c.method for c in fake.calls()]
    assert "files.getUploadURLExternal" in methods and "files.completeUploadExternal" in methods
    assert "files.upload" not in methods


async def test_errors_are_mapped(fake: FakeSlack) -> None:
    web_api = SlackWeb(build_client(fake.bot_token, fake.api_url))
    fake.fail_next(1, "chat.postMessage", retry_after=7)
    with pytest.raises(DeliveryFailed) as rate:
        await web_api.post(CHANNEL, {"text": "x"})
    assert rate.value.retry_after == 7
    fake.error_next("chat.postMessage", "channel_not_found")
    with pytest.raises(RecipientUnavailable):
        await web_api.post(CHANNEL, {"text": "x"})
    assert await web_api.members(CHANNEL) == {"U1", fake.bot_user_id}


async def test_ephemeral_falls_back_to_the_response_url(fake: FakeSlack) -> None:
    web_api = SlackWeb(build_client(fake.bot_token, fake.api_url))
    await web_api.ephemeral(CHANNEL, "U1", "for a member")
    url = fake.issue_response_url(channel=CHANNEL, user_id="U9")
    await web_api.ephemeral(CHANNEL, "U9", "for an outsider", url)
    assert [(e["user"], e["text"]) for e in fake.ephemerals] == [
        ("U1", "for a member"), ("U9", "for an outsider")]


async def test_malformed_requests_get_a_4xx_and_one_line_without_the_body(
    fake: FakeSlack, served: tuple[RecordingDesk, SlackDriver], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 16 item 1: these were 500s with a traceback quoting the body."""
    import time

    import aiohttp

    from tests.fakes.slack.driver_transport import sign

    caplog.set_level(logging.INFO)
    desk, driver = served
    secret, now = fake.signing_secret, str(int(time.time()))
    form = "application/x-www-form-urlencoded"
    cases: list[tuple[str, bytes, str, int]] = [
        ("soon", b'{"type": "event_callback"}', "application/json", 401),  # unsigned
        (now, b"\x00SECRETBODY", "application/json", 400),
        (now, b"\xa4SECRETBODY", "application/json", 400),
        (now, b'["SECRETBODY"]', "application/json", 400),
        (now, b'{"type": "event_callback", "event": ["SECRETBODY"]}', "application/json", 400),
        (now, b"payload=SECRETBODY", form, 400),
        (now, b"payload=%7B%22actions%22%3A%20%5B1%5D%7D", form, 400),
    ]
    cases.append((now, b"{}", "application/json", 401))  # a non-ASCII signature below
    async with aiohttp.ClientSession() as session:
        for ts, body, content_type, expected in cases:
            signature = sign(secret, ts, body) if body != b"{}" else "v0=\u00e9t\u00e9"
            headers = {"X-Slack-Request-Timestamp": ts, "Content-Type": content_type,
                       "X-Slack-Signature": signature}
            async with session.post(driver.url, data=body, headers=headers) as r:
                assert (r.status, body) == (expected, body)
    assert desk.clicks == [] and desk.commands == []
    messages = [r.getMessage() for r in caplog.records]
    assert sum("slack: request refused" in m for m in messages) == len(cases)
    assert not any("SECRETBODY" in m for m in messages)
    assert not any(r.exc_info for r in caplog.records)


async def test_button_values_reach_the_desk_safe_for_every_database(
    fake: FakeSlack, served: tuple[RecordingDesk, SlackDriver]
) -> None:
    """Issue 16 item 3 on Slack: a lone surrogate in a button value failed the database."""
    import json
    import time
    from urllib.parse import urlencode

    import aiohttp

    from tests.fakes.slack.driver_transport import sign

    desk, driver = served
    payload = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
               "trigger_id": "t", "container": {"channel_id": CHANNEL, "message_ts": "1.2"},
               "actions": [{"action_id": "score_open", "value": "iv\ud800\x00x"}]}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    ts = str(int(time.time()))
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature":
               sign(fake.signing_secret, ts, body),
               "Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as session, session.post(
        driver.url, data=body, headers=headers
    ) as resp:
        assert resp.status == 200
    await asyncio.wait_for(desk.seen.wait(), 5)
    assert [c.interview_id for _, c in desk.clicks] == ["iv\ufffdx"]
