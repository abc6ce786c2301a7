"""The WhatsApp channel and its webhook against the fake Cloud API over loopback HTTP: pywa's
client routed to WHATSAPP_API_URL, sends and refusals mapped to our errors, the two-step
media download with the bearer token and the size cap, and the webhook's verification,
signature check and malformed-body handling."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from pywa_async.errors import WhatsAppError

from adapters.errors import DeliveryFailed, MediaTooLarge, RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.whatsapp.inbound import DeliveryStatus
from adapters.whatsapp.render import MAX_DOWNLOAD
from adapters.whatsapp.transport import WhatsAppChannel, graph_version
from adapters.whatsapp.webhook import WhatsAppWebhook
from conversations.events import ConversationRef, Event, Platform, TextReceived
from conversations.messages import RenderedMessage
from tests.fakes.whatsapp import FakeWhatsApp
from tests.fakes.whatsapp.window import ServiceWindow

ANN = "447700900123"
TO = ConversationRef(Platform.WHATSAPP, ANN, ANN)
VERIFY = "verify-me"


@dataclass
class Bot:
    """The channel behind its webhook on a loopback aiohttp server; events and statuses
    it delivered are collected."""

    channel: WhatsAppChannel
    events: list[Event] = field(default_factory=list)
    statuses: list[DeliveryStatus] = field(default_factory=list)
    fail: bool = False

    async def sink(self, event: Event) -> None:
        if self.fail:
            raise RuntimeError("database down")
        self.events.append(event)

    async def status(self, status: DeliveryStatus) -> None:
        self.statuses.append(status)


@pytest.fixture
async def fake() -> AsyncIterator[FakeWhatsApp]:
    # The 24-hour window is tested on its own (test_whatsapp_window.py).
    async with FakeWhatsApp(push_statuses=(), window=ServiceWindow(enforced=False)) as server:
        yield server


TEMPLATES = {"reminder": ("interview_reminder", ("en",)),
             "decision": ("interview_news", ("en",)),
             "deadline": ("interview_closed", ("en", "es"))}


def channel_for(fake: FakeWhatsApp, token: str | None = None) -> WhatsAppChannel:
    return WhatsAppChannel(token=token or fake.token, phone_number_id=fake.phone_number_id,
                           api_url=fake.api_url, app_secret=fake.app_secret,
                           limiter=RateLimiter(1000, 1000, 1000), templates=TEMPLATES)


@pytest.fixture
async def bot(fake: FakeWhatsApp) -> AsyncIterator[Bot]:
    channel = channel_for(fake)
    served = Bot(channel)
    channel._on_status = served.status
    app = web.Application()
    app.router.add_route("*", "/whatsapp/webhook", WhatsAppWebhook(channel, VERIFY).handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    fake.webhook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp/webhook"
    await channel.start(served.sink)
    yield served
    await channel.stop()
    await runner.cleanup()


def test_the_graph_version_comes_from_the_api_url() -> None:
    assert graph_version("https://graph.facebook.com/v21.0") == "21.0"
    assert graph_version("http://127.0.0.1:9/v19.0/") == "19.0"
    assert graph_version("https://proxy.example/graph") == "21.0"


async def test_a_base_without_version_keeps_the_default_one(fake: FakeWhatsApp) -> None:
    channel = WhatsAppChannel(token=fake.token, phone_number_id=fake.phone_number_id,
                              api_url=fake.base_url, app_secret=fake.app_secret,
                              limiter=RateLimiter(1000, 1000, 1000))
    try:
        await channel.send(TO, RenderedMessage("Hello"))
    finally:
        await channel.stop()
    assert fake.calls == [("POST", f"/v21.0/{fake.phone_number_id}/messages", True)]


async def test_a_text_goes_to_the_configured_api_with_the_bearer_token(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    sent = await bot.channel.send(TO, RenderedMessage("Hello Ann"))
    [record] = fake.sent
    assert sent.message_id == record.id and record.to == ANN and record.text == "Hello Ann"
    assert fake.calls == [("POST", f"/v21.0/{fake.phone_number_id}/messages", True)]


async def test_buttons_and_lists_are_accepted_by_the_api(fake: FakeWhatsApp, bot: Bot) -> None:
    three = (("Keep", "kp|1"), ("Retake", "rt|1"), ("Withdraw my application", "wd|1"))
    await bot.channel.send(TO, RenderedMessage("Keep it?", three))
    four = (*three, ("Pause", "ps|1"))
    await bot.channel.send(TO, RenderedMessage("What now?", four))
    assert fake.refused == []
    buttons, rows = fake.sent[0].options, fake.sent[1].options
    assert [(k, i) for k, _, i in buttons] == [("button", p) for _, p in three]
    assert buttons[2][1] == "Withdraw my…"
    assert [(k, i) for k, _, i in rows] == [("list", p) for _, p in four]


async def test_edit_sends_a_new_message(fake: FakeWhatsApp, bot: Bot) -> None:
    first = await bot.channel.send(TO, RenderedMessage("Take 90 s to think", (("Start", "s"),)))
    await bot.channel.edit(TO, first.message_id, RenderedMessage("Thinking time is over"))
    assert [m.text for m in fake.sent] == ["Take 90 s to think", "Thinking time is over"]


@pytest.mark.parametrize(("status", "retry_after", "error"), [
    (429, 2.0, DeliveryFailed), (503, None, DeliveryFailed), (400, None, RecipientUnavailable),
])
async def test_refusals_map_to_retry_or_failure(
    fake: FakeWhatsApp, bot: Bot, status: int, retry_after: float | None,
    error: type[Exception],
) -> None:
    fake.fail_next_sends(status, retry_after=retry_after)
    with pytest.raises(error) as raised:
        await bot.channel.send(TO, RenderedMessage("Hello"))
    if isinstance(raised.value, DeliveryFailed):
        assert raised.value.retry_after == retry_after
    await bot.channel.send(TO, RenderedMessage("Hello again"))
    assert [m.text for m in fake.sent] == ["Hello again"]


@pytest.mark.parametrize(("interactive", "code"), [
    ({"type": "button", "body": {"text": "Pick"}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": str(n), "title": f"Option {n}"}} for n in range(4)]}},
     131009),
    ({"type": "button", "body": {"text": "Pick"}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": "a", "title": "A title of 21 letters"}}]}}, 131009),
    ({"type": "button", "body": {"text": ""}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": "a", "title": "Ok"}}]}}, 100),
])
async def test_the_fake_api_refuses_over_http_what_whatsapp_refuses(
    fake: FakeWhatsApp, bot: Bot, interactive: dict[str, object], code: int
) -> None:
    with pytest.raises(WhatsAppError) as raised:
        await bot.channel.wa.api.send_raw_request(
            "POST", f"/{fake.phone_number_id}/messages",
            json={"messaging_product": "whatsapp", "to": ANN, "type": "interactive",
                  "interactive": interactive})
    assert raised.value.code == code and raised.value.status_code == 400
    assert fake.sent == [] and len(fake.refused) == 1


async def test_a_wrong_token_is_a_failure_that_names_no_secret(fake: FakeWhatsApp) -> None:
    channel = channel_for(fake, token="EAA-wrong-secret-token")
    try:
        with pytest.raises(RecipientUnavailable) as raised:
            await channel.send(TO, RenderedMessage("Hello"))
    finally:
        await channel.stop()
    assert "190" in str(raised.value) and "wrong-secret" not in str(raised.value)
    assert fake.sent == []


async def test_media_is_downloaded_in_two_steps_with_the_bearer_token(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    media = fake.add_media(b"OggS" + bytes(200_000), "audio/ogg; codecs=opus")
    received = b"".join([chunk async for chunk in bot.channel.download(media.id)])
    assert received == media.content
    assert [(m, p.split("/")[1], ok) for m, p, ok in fake.calls] == [
        ("GET", "v21.0", True), ("GET", "media", True)]


async def test_media_over_the_limit_is_refused_before_any_byte(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    media = fake.add_media(bytes(MAX_DOWNLOAD + 1), "video/mp4")
    with pytest.raises(MediaTooLarge):
        _ = [chunk async for chunk in bot.channel.download(media.id)]
    assert [p for _, p, _ in fake.calls] == [f"/v21.0/{media.id}"]  # no download


async def test_verification_answers_the_challenge_only_to_the_right_token(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    assert await fake.verify(VERIFY) == (200, "1158201444", "text/plain")
    assert (await fake.verify("wrong"))[0] == 403
    assert (await fake.verify(VERIFY, mode="unsubscribe"))[0] == 403


async def test_a_signed_message_reaches_the_sink_and_statuses_are_reported(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    ann = fake.user(ANN, "Ann")
    await ann.send_text("Hello")
    [event] = bot.events
    assert isinstance(event, TextReceived) and event.text == "Hello"
    failed = {"id": "wamid.OUT", "status": "failed", "timestamp": "1", "recipient_id": ANN,
              "errors": [{"code": 131026, "title": "Message undeliverable"}]}
    assert (await fake.push({"statuses": [failed]})).status == 200
    assert [(s.status, s.errors) for s in bot.statuses] == [
        ("failed", ((131026, "Message undeliverable"),))]


@pytest.mark.parametrize(("signature", "status"), [
    (None, 401), ("sha256=" + "0" * 64, 403), ("sha256=é", 403), ("garbage", 403),
])
async def test_a_badly_signed_post_is_refused_and_nothing_processed(
    fake: FakeWhatsApp, bot: Bot, signature: str | None, status: int
) -> None:
    value = fake.user(ANN).message("text", {"body": "forged"})
    delivery = await fake.push(value, signature=signature)
    assert delivery.status == status and bot.events == []


@pytest.mark.parametrize("raw", [b"", b"{not json", b"\xff\xfe", b"[]", b'{"object": "page"}',
                                 b'{"object": "whatsapp_business_account", "entry": 7}',
                                 b"[" * 100_000])
async def test_a_malformed_body_is_a_400_without_traceback_or_body_in_the_log(
    fake: FakeWhatsApp, bot: Bot, raw: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    delivery = await fake.post_raw(raw)
    assert delivery.status == 400 and bot.events == []
    assert not [r for r in caplog.records if r.exc_info]
    if len(raw) > 3:
        assert not [r for r in caplog.records if raw[:20].decode(errors="ignore") in
                    r.getMessage()]


async def test_a_failed_handling_is_answered_503_for_a_redelivery(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    bot.fail = True
    value = fake.user(ANN).message("text", {"body": "Hello"})
    assert (await fake.push(value)).status == 503
    bot.fail = False
    assert (await fake.push(value)).status == 200
    assert len(bot.events) == 1


async def test_a_body_before_start_is_answered_503(fake: FakeWhatsApp, bot: Bot) -> None:
    await bot.channel.stop()
    value = fake.user(ANN).message("text", {"body": json.dumps("early")})
    assert (await fake.push(value)).status == 503
