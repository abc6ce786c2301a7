"""Self-tests of the fake Slack server and driver against the real slack_sdk / slack_bolt."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack, SlackDriver, sign

CHANNEL = "C0REVIEW1"
SCORE_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "block_id": "head", "text": {"type": "mrkdwn", "text": "*Answer 1*"}},
    {
        "type": "actions",
        "block_id": "score:sub42",
        "elements": [
            {
                "type": "button",
                "action_id": f"score_{n}",  # unique per block, as Slack requires
                "text": {"type": "plain_text", "text": str(n)},
                "value": f"sub42:{n}",
            }
            for n in range(1, 6)
        ],
    },
]
LAUNCH_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "launch_campaign",
    "title": {"type": "plain_text", "text": "Launch"},
    "submit": {"type": "plain_text", "text": "Go"},
    "private_metadata": "kit=backend",
    "blocks": [
        {
            "type": "input",
            "block_id": "kit",
            "label": {"type": "plain_text", "text": "Kit"},
            "element": {
                "type": "static_select",
                "action_id": "kit_select",
                "options": [
                    {"text": {"type": "plain_text", "text": "Backend"}, "value": "backend"},
                    {"text": {"type": "plain_text", "text": "Frontend"}, "value": "frontend"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "title_input"},
        },
    ],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as f:
        yield f


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    # no shared session: slack_sdk opens and closes one per call
    return AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)


# ---------------------------------------------------------------------------- Web API


async def test_auth_post_and_update(fake: FakeSlack, client: AsyncWebClient) -> None:
    auth = await client.auth_test()
    assert auth["user_id"] == fake.bot_user_id and auth["bot_id"] == fake.bot_id
    assert auth["team_id"] == fake.team_id and auth["url"]

    first = await client.chat_postMessage(channel=CHANNEL, text="Answer 1", blocks=SCORE_BLOCKS)
    assert first["ok"] and first["channel"] == CHANNEL
    assert first["ts"].endswith(".000100")  # epoch seconds, like Slack's
    assert abs(float(first["ts"]) - time.time()) < 60
    assert first["message"]["blocks"] == SCORE_BLOCKS
    reply = await client.chat_postMessage(channel=CHANNEL, text="detail", thread_ts=first["ts"])
    assert float(reply["ts"]) > float(first["ts"])

    upd = await client.chat_update(channel=CHANNEL, ts=first["ts"], text="Scored", blocks=[])
    assert upd["ok"] and upd["ts"] == first["ts"]

    call = fake.calls("chat.postMessage")[0]
    assert call.params["blocks"] == SCORE_BLOCKS  # JSON-decoded
    assert call.token == fake.bot_token
    [top] = fake.messages(CHANNEL)
    assert top["text"] == "Scored" and top["blocks"] == [] and "edited" in top
    assert [m["text"] for m in fake.thread(CHANNEL, first["ts"])] == ["Scored", "detail"]
    assert (await fake.wait_for("chat.update")).params["ts"] == first["ts"]

    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel=CHANNEL, ts="1.2", text="x")
    assert err.value.response["error"] == "message_not_found"


async def test_auth_errors_and_token_in_body(fake: FakeSlack) -> None:
    bad = AsyncWebClient(token="xoxb-wrong", base_url=fake.api_url)
    with pytest.raises(SlackApiError) as err:
        await bad.chat_postMessage(channel=CHANNEL, text="hi")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "invalid_auth"

    good = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    with pytest.raises(SlackApiError) as err:
        await good.api_call("chat.nope", params={"x": 1})
    assert err.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as err:
        await good.chat_postMessage(channel=CHANNEL, text="x", blocks=[{"type": "divider"}] * 51)
    assert err.value.response["error"] == "invalid_blocks"
    dup = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "score",
                    "text": {"type": "plain_text", "text": t},
                    "value": t,
                }
                for t in "12"
            ],
        }
    ]
    with pytest.raises(SlackApiError) as err:
        await good.chat_postMessage(channel=CHANNEL, text="x", blocks=dup)
    assert "duplicate action_id" in err.value.response["response_metadata"]["messages"][0]

    async with aiohttp.ClientSession() as http:
        form = {"token": fake.bot_token, "channel": CHANNEL, "text": "form token"}
        async with http.post(fake.api_url + "chat.postMessage", data=form) as resp:
            assert (await resp.json())["ok"] is True
        async with http.post(fake.api_url + "auth.test") as resp:
            assert (await resp.json()) == {"ok": False, "error": "not_authed"}
    assert fake.messages(CHANNEL)[-1]["text"] == "form token"


async def test_external_upload_and_private_download(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    parent = await client.chat_postMessage(channel=CHANNEL, text="Answer 1")
    data = b"OggS" + bytes(range(256)) * 8
    got = await client.files_getUploadURLExternal(filename="answer.ogg", length=len(data))
    assert got["upload_url"].startswith(fake.base_url) and got["file_id"].startswith("F")

    async with aiohttp.ClientSession() as http:
        async with http.post(got["upload_url"], data=data) as resp:
            assert resp.status == 200 and await resp.text() == f"OK - {len(data)}"

        done = await client.files_completeUploadExternal(
            files=[{"id": got["file_id"], "title": "Answer 1 (audio)"}],
            channel_id=CHANNEL,
            thread_ts=parent["ts"],
            initial_comment="original recording",
        )
        [info] = done["files"]
        assert info["id"] == got["file_id"] and info["name"] == "answer.ogg"
        assert info["title"] == "Answer 1 (audio)" and info["mimetype"] == "audio/ogg"

        headers = {"Authorization": f"Bearer {fake.bot_token}"}
        async with http.get(info["url_private"], headers=headers) as resp:
            assert resp.content_type == "audio/ogg" and await resp.read() == data
        async with http.get(info["url_private_download"], headers=headers) as resp:
            assert await resp.read() == data
        async with http.get(info["url_private"]) as resp:  # the classic pitfall
            assert resp.status == 200 and resp.content_type == "text/html"
            assert "Sign in" in await resp.text()

    [f] = fake.uploaded_files(CHANNEL)
    assert f.content == data and f.thread_ts == parent["ts"]
    share = fake.thread(CHANNEL, parent["ts"])[-1]
    assert share["text"] == "original recording" and share["files"][0]["id"] == f.id
    downloads = fake.calls("file.download")
    assert [c.params["authorized"] for c in downloads] == [True, True, False]


async def test_files_upload_v2_wrapper(fake: FakeSlack, client: AsyncWebClient) -> None:
    parent = await client.chat_postMessage(channel=CHANNEL, text="Answer 2")
    res = await client.files_upload_v2(
        channel=CHANNEL, thread_ts=parent["ts"], content=b"\x00\x01video", filename="a.mp4"
    )
    assert res["ok"]
    [f] = fake.uploaded_files(CHANNEL)
    assert f.content == b"\x00\x01video" and f.mimetype == "video/mp4"


async def test_rate_limit_surfaces_retry_after(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next(1, method="chat.postMessage", retry_after=7)
    await client.auth_test()  # other methods unaffected
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=CHANNEL, text="hi")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"
    assert (await client.chat_postMessage(channel=CHANNEL, text="hi"))["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]

    fake.server_error_next(1, method="chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=CHANNEL, text="hi")
    assert err.value.response.status_code == 503

    fake.error_next("chat.postMessage", "not_in_channel")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=CHANNEL, text="hi")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "not_in_channel"


async def test_views_trigger_checks(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id="123.456.never-issued", view=LAUNCH_VIEW)
    assert err.value.response["error"] == "invalid_trigger_id"

    old = fake.issue_trigger("U0REC0001", age=3.5)
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=old, view=LAUNCH_VIEW)
    assert err.value.response["error"] == "expired_trigger_id"

    later = fake.issue_trigger("U0REC0001")
    fake.advance(4)
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=later, view=LAUNCH_VIEW)
    assert err.value.response["error"] == "expired_trigger_id"

    fresh = fake.issue_trigger("U0REC0001")
    opened = await client.views_open(trigger_id=fresh, view=LAUNCH_VIEW)
    view_id = opened["view"]["id"]
    assert fake.views_opened[-1]["user"] == "U0REC0001"
    assert fake.views_opened[-1]["view"]["callback_id"] == "launch_campaign"
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=fresh, view=LAUNCH_VIEW)
    assert err.value.response["error"] == "exchanged_trigger_id"

    new_view = {**LAUNCH_VIEW, "private_metadata": "kit=frontend"}
    upd = await client.views_update(view_id=view_id, view=new_view)
    assert upd["view"]["id"] == view_id
    assert fake.view(view_id)["private_metadata"] == "kit=frontend"


async def test_members_users_dm_and_ephemeral(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.set_channel_members(CHANNEL, ["U0REV0001", fake.bot_user_id], name="reviews")
    fake.add_user("U0REV0001", name="ann", email="ann@example.com")
    members = await client.conversations_members(channel=CHANNEL)
    assert members["members"] == ["U0REV0001", fake.bot_user_id]
    with pytest.raises(SlackApiError) as err:
        await client.conversations_members(channel="C0UNKNOWN")
    assert err.value.response["error"] == "channel_not_found"

    user = await client.users_info(user="U0REV0001")
    assert user["user"]["profile"]["email"] == "ann@example.com"

    dm = await client.conversations_open(users="U0REV0001")
    dm_id = dm["channel"]["id"]
    await client.chat_postMessage(channel=dm_id, text="you have 3 answers to score")
    assert fake.messages("U0REV0001") == fake.messages(dm_id)  # user id resolves to the DM

    eph = await client.chat_postEphemeral(channel=CHANNEL, user="U0REV0001", text="only you")
    assert eph["message_ts"]
    assert fake.ephemerals[-1]["text"] == "only you"
    with pytest.raises(SlackApiError) as err:
        await client.chat_postEphemeral(channel=CHANNEL, user="U0OUTSIDE", text="x")
    assert err.value.response["error"] == "user_not_in_channel"


async def test_wait_for_times_out_with_context(fake: FakeSlack) -> None:
    with pytest.raises(TimeoutError, match=r"chat\.postMessage"):
        await fake.wait_for("chat.postMessage", timeout=0.05)


# ---------------------------------------------------------------------------- bot side


@dataclass
class BoltBot:
    app: AsyncApp
    url: str
    seen: list[str]


@pytest.fixture
async def bolt_bot(fake: FakeSlack) -> AsyncIterator[BoltBot]:
    app = AsyncApp(
        signing_secret=fake.signing_secret,
        client=AsyncWebClient(token=fake.bot_token, base_url=fake.api_url),
    )
    seen: list[str] = []

    @app.action(re.compile(r"^score_[1-5]$"))
    async def on_score(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        action = body["actions"][0]
        seen.append(f"score:{action['value']}:{action['block_id']}")
        await respond(replace_original=True, text=f"Scored {action['value']}")

    @app.command("/interview")
    async def on_cmd(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        seen.append(f"cmd:{body['text']}")
        await client.views_open(trigger_id=body["trigger_id"], view=LAUNCH_VIEW)

    @app.view("launch_campaign")
    async def on_submit(ack: AsyncAck, view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        title = values["title"]["title_input"]["value"]
        if not title:
            await ack(response_action="errors", errors={"title": "Required"})
            return
        kit = values["kit"]["kit_select"]["selected_option"]["value"]
        seen.append(f"launch:{kit}:{title}:{view['private_metadata']}")
        await ack()

    @app.event("message")
    async def on_message(event: dict[str, Any], say: AsyncSay) -> None:
        seen.append(f"msg:{event['text']}")
        await say(text=f"echo {event['text']}", thread_ts=event["ts"])

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield BoltBot(app, f"http://127.0.0.1:{port}/slack/events", seen)
    finally:
        await runner.cleanup()


@pytest.fixture
async def driver(fake: FakeSlack, bolt_bot: BoltBot) -> AsyncIterator[SlackDriver]:
    async with SlackDriver(fake, bolt_bot.url) as d:
        yield d


def test_sign_matches_slack_sdk_verifier() -> None:
    from slack_sdk.signature import SignatureVerifier

    body = b'{"type":"url_verification","challenge":"x"}'
    verifier = SignatureVerifier("s3cret")
    ts = "1531420618"
    expected = verifier.generate_signature(timestamp=ts, body=body)
    assert sign("s3cret", ts, body) == expected


async def test_signatures_verified_by_bolt(driver: SlackDriver) -> None:
    ok = await driver.url_verification("chal-123")
    assert ok.status == 200 and "chal-123" in ok.body and ok.elapsed < 3

    bad = await driver.url_verification("chal-123", bad_signature=True)
    assert bad.status == 401
    stale = await driver.url_verification("chal-123", stale=True)
    assert stale.status == 401


async def test_click_reaches_handler_and_response_url(
    fake: FakeSlack, client: AsyncWebClient, driver: SlackDriver, bolt_bot: BoltBot
) -> None:
    posted = await client.chat_postMessage(channel=CHANNEL, text="Answer 1", blocks=SCORE_BLOCKS)

    for bad, stale in ((True, False), (False, True)):
        rejected = await driver.click(
            "U0REV0001",
            channel=CHANNEL,
            message_ts=posted["ts"],
            action_id="score_4",
            value="sub42:4",
            bad_signature=bad,
            stale=stale,
        )
        assert rejected.status == 401
    assert bolt_bot.seen == []

    resp = await driver.click(
        "U0REV0001", channel=CHANNEL, message_ts=posted["ts"], action_id="score_4", value="sub42:4"
    )
    assert resp.status == 200 and resp.elapsed < 3
    assert resp.payload["container"]["message_ts"] == posted["ts"]
    assert resp.payload["actions"][0]["block_id"] == "score:sub42"

    post = await fake.wait_for("response_url")
    assert post.params["_effect"] == "replace_original"
    assert bolt_bot.seen == ["score:sub42:4:score:sub42"]
    assert fake.message(CHANNEL, posted["ts"])["text"] == "Scored sub42:4"  # type: ignore[index]

    with pytest.raises(AssertionError, match="no button"):
        await driver.click(
            "U0REV0001", channel=CHANNEL, message_ts=posted["ts"], action_id="score_9", value="9"
        )


async def test_slash_command_opens_modal_and_submission(
    fake: FakeSlack, driver: SlackDriver, bolt_bot: BoltBot
) -> None:
    resp = await driver.slash("U0REC0001", "/interview", "launch", channel_id=CHANNEL)
    assert resp.status == 200 and resp.elapsed < 3
    opened = await fake.wait_for("views.open")
    assert opened.response["ok"], opened.response
    view_id = opened.response["view"]["id"]

    errors = await driver.submit_view(
        "U0REC0001", view_id=view_id, state_values={"kit": "backend", "title": ""}
    )
    assert errors.status == 200
    assert errors.json() == {"response_action": "errors", "errors": {"title": "Required"}}

    ok = await driver.submit_view(
        "U0REC0001",
        callback_id="launch_campaign",
        state_values={
            "kit": {"kit_select": "frontend"},
            "title": {"title_input": {"type": "plain_text_input", "value": "Q3 hiring"}},
        },
    )
    assert ok.status == 200 and ok.body == ""
    sent = ok.payload["view"]["state"]["values"]["kit"]["kit_select"]
    assert sent["type"] == "static_select" and sent["selected_option"]["value"] == "frontend"
    assert bolt_bot.seen == ["cmd:launch", "launch:frontend:Q3 hiring:kit=backend"]


async def test_message_event_with_retry_headers(
    fake: FakeSlack, driver: SlackDriver, bolt_bot: BoltBot
) -> None:
    first = await driver.message("U0CAND001", CHANNEL, "hello")
    assert first.status == 200 and first.elapsed < 3
    echo = await fake.wait_for_message(CHANNEL, lambda m: m["text"] == "echo hello")
    assert echo["thread_ts"] == first.payload["event"]["ts"]

    retry = await driver.resend_event(first.payload, retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    assert retry.payload["event_id"] == first.payload["event_id"]

    def echoes() -> bool:
        msgs = fake.messages(CHANNEL, include_replies=True)
        return [m["text"] for m in msgs].count("echo hello") == 2

    # Bolt does not dedupe retries by itself (the bot must); here: the retry was delivered.
    await fake.wait_until(echoes, what="second echo")
    assert bolt_bot.seen.count("msg:hello") == 2
