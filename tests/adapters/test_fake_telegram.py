"""Tests of the fake Telegram Bot API server itself, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiohttp import web

from tests.fakes.telegram import FakeTelegram, FakeUser

MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in buttons]]
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def make_bot(fake: FakeTelegram, token: str | None = None, timeout: float = 60) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url), timeout=timeout)
    return Bot(token or fake.token, session=session)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    client = make_bot(fake)
    yield client
    await client.session.close()


@pytest.fixture
def ann(fake: FakeTelegram) -> FakeUser:
    return fake.user(user_id=1001, first_name="Ann", language_code="en")


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


# --------------------------------------------------------------------------------- basics


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.username == fake.bot_username
    assert me.id == fake.bot_id
    assert fake.calls[-1].method == "getMe"


async def test_unknown_token_and_unknown_method(fake: FakeTelegram) -> None:
    wrong = make_bot(fake, token="999:wrong-token")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{fake.api_url}/noSuchMethod", data={"a": "1"}) as resp:
            assert resp.status == 404
            body = await resp.json()
        assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
        # GET with a query string and a JSON body both work
        async with http.get(f"{fake.api_url}/getMe") as resp:
            assert (await resp.json())["result"]["is_bot"] is True
        async with http.post(f"{fake.api_url}/getUpdates", json={"timeout": 0}) as resp:
            assert (await resp.json()) == {"ok": True, "result": []}


async def test_send_message_keyboard_round_trip(
    fake: FakeTelegram, bot: Bot, ann: FakeUser
) -> None:
    sent = await bot.send_message(
        ann.chat_id,
        "<b>Question 1</b>: tell us about you",
        parse_mode="HTML",
        reply_markup=keyboard(("Ready", "q:17:ready"), ("Skip", "q:17:skip")),
    )
    assert sent.from_user is not None and sent.from_user.id == fake.bot_id
    assert sent.chat.id == ann.chat_id
    assert sent.text == "Question 1: tell us about you"
    assert abs(sent.date.timestamp() - fake.clock()) < 5  # date is in seconds

    msg = await ann.expect_message("tell us", timeout=2)
    assert msg["message_id"] == sent.message_id
    call = fake.calls_to("sendMessage")[-1]
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "q:17:ready"

    update = await ann.press("Ready")
    query_id = update["callback_query"]["id"]
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 1
    cq = updates[0].callback_query
    assert cq is not None and cq.data == "q:17:ready" and cq.chat_instance
    assert cq.message is not None and cq.message.message_id == sent.message_id
    assert [r.id for r in fake.unanswered_callback_queries()] == [query_id]

    assert await bot.answer_callback_query(cq.id, text="Got it")
    record = await ann.expect_callback_answer(timeout=2)
    assert record.answer is not None and record.answer["text"] == "Got it"
    assert fake.unanswered_callback_queries() == []
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(cq.id)

    edited = await bot.edit_message_text(
        text="Answer received", chat_id=ann.chat_id, message_id=sent.message_id
    )
    assert isinstance(edited, Message) and edited.reply_markup is None
    assert (await ann.expect_edit("Answer received", timeout=2))["message_id"] == sent.message_id
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="Answer received", chat_id=ann.chat_id, message_id=sent.message_id
        )
    await bot.edit_message_reply_markup(
        chat_id=ann.chat_id, message_id=sent.message_id, reply_markup=keyboard(("Redo", "r"))
    )
    assert ann.messages[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Redo"
    assert await bot.delete_message(ann.chat_id, sent.message_id)
    assert ann.is_deleted(sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ann.chat_id, sent.message_id)
    with pytest.raises(AssertionError, match="no inline button"):
        await ann.press("Redo", timeout=0.2)


async def test_validation_errors(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ann.chat_id, "x", reply_markup=keyboard(("Go", "x" * 65)))
    ok = await bot.send_message(ann.chat_id, "x", reply_markup=keyboard(("Go", "x" * 64)))
    assert ok.reply_markup is not None
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ann.chat_id, "a" * 4097)
    assert (await bot.send_message(ann.chat_id, "a" * 4096)).text == "a" * 4096
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ann.chat_id, "")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(555, "hello")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(ann.chat_id, "a <script> b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="reserved"):
        await bot.send_message(ann.chat_id, "Done.", parse_mode="MarkdownV2")
    assert (await bot.send_message(ann.chat_id, "Done\\.", parse_mode="MarkdownV2")).text == (
        "Done."
    )
    fake.block_user(ann.user_id)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(ann.chat_id, "hello")


async def test_commands_and_chat_action(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    assert await bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.set_my_commands(
        [BotCommand(command="start", description="Начать")], language_code="ru"
    )
    ru = await bot.get_my_commands(language_code="ru")
    assert ru[0].description == "Начать"
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])
    assert await bot.send_chat_action(ann.chat_id, "typing")


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


# --------------------------------------------------------------------------------- files


async def test_get_file_and_download(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    data = (MEDIA / "voice.ogg").read_bytes()
    update = await ann.send_voice(MEDIA / "voice.ogg", duration=7)
    voice = update["message"]["voice"]
    assert voice["duration"] == 7
    file = await bot.get_file(voice["file_id"])
    assert file.file_path is not None and not file.file_path.startswith("http")
    assert re.fullmatch(r"voice/file_\d+\.oga", file.file_path)
    assert file.file_size == len(data)
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == data
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_file_too_big(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    update = await ann.send_video(MEDIA / "video_no_audio.mp4", file_size=25 * 1024 * 1024)
    video = update["message"]["video"]
    assert video["file_size"] == 25 * 1024 * 1024
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(video["file_id"])


async def test_bot_sends_media_multipart(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    data = (MEDIA / "voice.ogg").read_bytes()
    sent = await bot.send_voice(
        ann.chat_id, BufferedInputFile(data, "question.ogg"), caption="Question 2"
    )
    assert sent.voice is not None and sent.voice.duration > 0
    msg = await ann.expect_message("Question 2", timeout=2)
    assert msg["voice"]["file_id"] == sent.voice.file_id
    assert fake.files[sent.voice.file_id].data == data
    note = await bot.send_video_note(
        ann.chat_id, BufferedInputFile((MEDIA / "video_note.mp4").read_bytes(), "n.mp4")
    )
    assert note.video_note is not None
    resent = await bot.send_voice(ann.chat_id, sent.voice.file_id)  # re-send by file_id
    assert resent.voice is not None and resent.voice.file_unique_id == sent.voice.file_unique_id


# --------------------------------------------------------------------------------- faults


async def test_fail_next_429_and_5xx(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    fake.fail_next(1, status=429, retry_after=3, methods=["sendMessage"])
    assert await bot.get_me()  # not affected: other method
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(ann.chat_id, "hi")
    assert info.value.retry_after == 3
    assert "Too Many Requests: retry after 3" in info.value.message
    assert (await bot.send_message(ann.chat_id, "hi")).text == "hi"
    assert len(ann.messages) == 1  # the rejected call did not create a message

    fake.fail_next(2, status=502)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(ann.chat_id, "x")
    assert await bot.send_message(ann.chat_id, "x")
    statuses = [c.status for c in fake.calls_to("sendMessage")]
    assert statuses == [429, 200, 502, 502, 200]


async def test_timeout_fault(fake: FakeTelegram, ann: FakeUser) -> None:
    impatient = make_bot(fake, timeout=1)
    try:
        fake.fail_next(1, status="timeout", hold=30, apply=True, methods=["sendMessage"])
        with pytest.raises(TelegramNetworkError):
            await impatient.send_message(ann.chat_id, "maybe sent")
        # the call took effect although the response was lost
        await ann.expect_message("maybe sent", timeout=2)
        assert (await impatient.send_message(ann.chat_id, "after")).text == "after"
    finally:
        await impatient.session.close()


async def test_rate_limit_storm_is_deterministic() -> None:
    now = [1_000_000.0]
    fake = FakeTelegram(clock=lambda: now[0])
    async with fake:
        client = make_bot(fake)
        user = fake.user(user_id=7, first_name="Bo")
        other = fake.user(user_id=8, first_name="Cy")
        try:
            fake.rate_limit(per_chat_interval=1.0)
            assert await client.send_message(user.chat_id, "1")
            assert await client.send_message(other.chat_id, "other chat is independent")
            with pytest.raises(TelegramRetryAfter) as info:
                await client.send_message(user.chat_id, "2")
            assert info.value.retry_after == 1
            now[0] += 1.0
            assert await client.send_message(user.chat_id, "2")
            fake.clear_faults()
            assert await client.send_message(user.chat_id, "3")
        finally:
            await client.session.close()


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


# --------------------------------------------------------------------------------- end to end


async def test_aiogram_polling_end_to_end(fake: FakeTelegram, bot: Bot, ann: FakeUser) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart(deep_link=True))
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(
            f"Welcome! invite={command.args}", reply_markup=keyboard(("Ready", "a:1:ready"))
        )

    @dp.callback_query(F.data == "a:1:ready")
    async def ready(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text("Question 1: tell us about yourself")

    @dp.message(F.voice)
    async def voice(message: Message) -> None:
        assert message.voice is not None
        file = await message.bot.get_file(message.voice.file_id)  # type: ignore[union-attr]
        assert file.file_path is not None
        data = await message.bot.download_file(file.file_path)  # type: ignore[union-attr]
        assert data is not None
        await message.answer(f"Answer received ({len(data.read())} bytes)")

    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        await ann.send_command("/start inv_x")
        welcome = await ann.expect_message("Welcome!", timeout=5)
        assert "invite=inv_x" in welcome["text"]
        press = await ann.press("Ready")
        await ann.expect_callback_answer(press["callback_query"]["id"], timeout=5)
        await ann.expect_edit("Question 1", timeout=5)
        await ann.send_voice(MEDIA / "voice.ogg")
        size = (MEDIA / "voice.ogg").stat().st_size
        await ann.expect_message(re.compile(rf"Answer received \({size} bytes\)"), timeout=5)
        await ann.expect_no_message(within=0.2)
        assert fake.unanswered_callback_queries() == []
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, timeout=10)


async def test_expect_message_times_out_with_chat_log(ann: FakeUser) -> None:
    await ann.send_text("hello?")
    with pytest.raises(AssertionError, match=r"(?s)no bot message.*hello\?"):
        await ann.expect_message("never", timeout=0.1)


async def test_python_telegram_bot_reads_the_fake_too(fake: FakeTelegram, ann: FakeUser) -> None:
    """Second, independent reading of the Bot API schema: PTB's Bot against the same fake."""
    import telegram

    ptb = telegram.Bot(
        fake.token,
        base_url=f"{fake.base_url}/bot",
        base_file_url=f"{fake.base_url}/file/bot",
    )
    async with ptb:
        assert ptb.username == fake.bot_username
        markup = telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("Ready", callback_data="a:1:ready")]]
        )
        sent = await ptb.send_message(ann.chat_id, "Hi", reply_markup=markup)
        assert sent.date.year >= 2024 and sent.from_user is not None
        await ann.press("Ready")
        # editing the text without reply_markup drops the keyboard, as on Telegram
        edited = await ptb.edit_message_text("Hi again", ann.chat_id, sent.message_id)
        assert isinstance(edited, telegram.Message) and edited.edit_date is not None
        assert edited.reply_markup is None
        await ann.send_voice(MEDIA / "voice.ogg")
        updates = await ptb.get_updates(timeout=0)
        query, voice_msg = updates[0].callback_query, updates[1].message
        assert query is not None and query.data == "a:1:ready"
        assert voice_msg is not None and voice_msg.voice is not None
        file = await ptb.get_file(voice_msg.voice.file_id)
        data = await file.download_as_bytearray()
        assert bytes(data) == (MEDIA / "voice.ogg").read_bytes()
        assert await ptb.answer_callback_query(query.id)
