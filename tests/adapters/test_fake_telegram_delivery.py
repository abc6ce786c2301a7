"""Tests of the fake's update delivery: getUpdates and long polling, then webhooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramConflictError
from aiogram.types import Message, Update
from aiohttp import web

from tests.fakes.telegram import FakeTelegram, FakeUser
from tests.fakes.telegram.fixtures import ann_fixture, bot_fixture, fake_fixture  # noqa: F401
from tests.fakes.telegram.harness import MEDIA


class Receiver:
    """A tiny webhook receiver on loopback; ``responder`` decides the HTTP status per request."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.statuses: list[int] = []
        self.event = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.json()))
        status = self.statuses.pop(0) if self.statuses else 200
        self.event.set()
        return web.Response(status=status, text="ok" if status < 300 else "boom")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"

    async def wait(self, count: int, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while len(self.requests) < count:
                self.event.clear()
                await self.event.wait()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    await rec.start()
    yield rec
    await rec.stop()


# --------------------------------------------------------------------------------- updates


async def test_get_updates_offset_semantics(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    for text in ("one", "two", "three"):
        await ann.send_text(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["one", "two", "three"]
    ids = [u.update_id for u in first]
    assert ids == sorted(ids) and len(set(ids)) == 3
    # not confirmed yet: delivered again (at-least-once)
    assert [u.update_id for u in await bot.get_updates()] == ids
    # offset confirms everything below it
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == ids[1:2]
    assert await bot.get_updates(offset=ids[-1] + 1) == []
    assert await bot.get_updates() == []

    for text in ("four", "five", "six"):
        await ann.send_text(text)
    last_two = await bot.get_updates(offset=-2)
    assert [u.message.text for u in last_two if u.message] == ["five", "six"]
    # "four" was forgotten by the negative offset
    again = await bot.get_updates()
    assert [u.message.text for u in again if u.message] == ["five", "six"]

    # redelivery of a confirmed update (idempotency tests)
    await bot.get_updates(offset=again[-1].update_id + 1)
    fake.redeliver(again[-1].update_id)
    redelivered = await bot.get_updates(offset=again[-1].update_id + 1)
    assert [u.update_id for u in redelivered] == [again[-1].update_id]
    assert await bot.get_updates(offset=again[-1].update_id + 1) == []

    raw = fake.inject_raw_update(
        {"edited_message": {**again[-1].model_dump(mode="json", exclude_none=True)["message"]}}
    )
    got = await bot.get_updates(allowed_updates=["message"])
    assert got == []  # filtered out by allowed_updates (and dropped)
    assert raw["update_id"] > again[-1].update_id


async def test_long_poll_wakes_up_on_new_update(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await fake.wait_for(
        lambda: any(c.method == "getUpdates" and c.status is None for c in fake.calls),
        timeout=5,
        what="long poll in flight",
    )
    assert not poll.done()
    await ann.send_text("hello")
    updates = await asyncio.wait_for(poll, timeout=5)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert loop.time() - started < 10

    # an empty long poll returns [] after its timeout
    started = loop.time()
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == []
    assert loop.time() - started >= 0.9


async def test_inbound_updates_parse_in_aiogram(fake: FakeTelegram, ann: FakeUser) -> None:
    await ann.send_command("/start inv_x")
    await ann.send_voice(MEDIA / "voice.ogg")
    await ann.send_video_note(MEDIA / "video_note.mp4")
    await ann.send_video(MEDIA / "video_no_audio.mp4")
    await ann.send_audio(MEDIA / "answer_2min.ogg")
    await ann.send_document(MEDIA / "voice.txt", "text/plain")
    await ann.send_sticker()
    parsed = [Update.model_validate(u) for u in ann.sent_updates]
    msgs = [u.message for u in parsed]
    assert all(m is not None and m.from_user and m.from_user.id == ann.user_id for m in msgs)
    start, voice, note, video, audio, document, sticker = (m for m in msgs if m is not None)
    assert start.text == "/start inv_x"
    assert start.entities and start.entities[0].type == "bot_command"
    assert start.entities[0].offset == 0 and start.entities[0].length == len("/start")
    assert voice.voice is not None and voice.voice.duration > 0
    assert voice.voice.mime_type == "audio/ogg"
    assert voice.voice.file_size == (MEDIA / "voice.ogg").stat().st_size
    assert note.video_note is not None and note.video_note.duration > 0
    assert note.video_note.length > 0
    assert video.video is not None and video.video.width > 0
    assert audio.audio is not None and audio.audio.duration >= 100
    assert document.document is not None and document.document.mime_type == "text/plain"
    assert sticker.sticker is not None
    assert fake.pending_update_count == 7


# --------------------------------------------------------------------------------- webhook


async def test_webhook_push_secret_and_retry(
    fake: FakeTelegram, bot: Bot, ann: FakeUser, receiver: Receiver
) -> None:
    await ann.send_text("queued before the webhook")
    assert await bot.set_webhook(receiver.url, secret_token="s3cret_T0ken-x")
    await receiver.wait(1)
    headers, body = receiver.requests[0]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_T0ken-x"
    assert body["message"]["text"] == "queued before the webhook"

    with pytest.raises(TelegramConflictError):
        await bot.get_updates()

    receiver.statuses = [500, 502]
    await ann.send_text("retry me")
    await ann.send_text("then me")
    await receiver.wait(5)
    texts = [b["message"]["text"] for _, b in receiver.requests]
    assert texts == ["queued before the webhook", "retry me", "retry me", "retry me", "then me"]
    assert len({b["update_id"] for _, b in receiver.requests[1:4]}) == 1
    await fake.wait_for(lambda: fake.pending_update_count == 0, timeout=2)
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message

    assert await bot.delete_webhook()
    await ann.send_text("polled again")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["polled again"]


async def test_webhook_gives_up_after_bounded_attempts(
    bot: Bot, ann: FakeUser, receiver: Receiver
) -> None:
    fake = ann.fake
    fake.webhook_max_attempts = 3
    receiver.statuses = [500] * 3
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    first = await ann.send_text("doomed")
    second = await ann.send_text("fine")
    await receiver.wait(4)
    await fake.wait_for(lambda: fake.pending_update_count == 0, timeout=2)
    assert fake.webhook_failures == [first["update_id"]]
    delivered = [d for d in fake.webhook_deliveries if d.status == 200]
    assert [d.update_id for d in delivered] == [second["update_id"]]


async def test_aiogram_webhook_and_reply_in_response(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    dp = Dispatcher()

    @dp.message(F.text == "ping")
    async def ping(message: Message) -> Any:
        return message.answer("pong")  # returned method goes back in the webhook response

    app = web.Application()
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token="abc", handle_in_background=False
    ).register(app, path="/tg")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="abc")
        await ann.send_text("ping")
        msg = await ann.expect_message("pong", timeout=5)
        assert msg["from"]["id"] == fake.bot_id
        assert fake.calls_to("sendMessage")[-1].via == "webhook_response"
        # wrong secret is rejected by the bot side and retried by the fake
        await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="wrong")
        await ann.send_text("ping")
        await fake.wait_for(
            lambda: any(d.status == 401 for d in fake.webhook_deliveries), timeout=5
        )
    finally:
        await bot.delete_webhook()
        await runner.cleanup()
