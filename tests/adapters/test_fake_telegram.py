"""Tests of the fake Telegram Bot API server itself, driven by a real aiogram Bot over HTTP.

Bot API methods, files and whole client libraries here; update delivery and fault injection in
``test_fake_telegram_delivery.py`` and ``test_fake_telegram_faults.py``.
"""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.fakes.telegram import FakeTelegram, FakeUser
from tests.fakes.telegram.fixtures import ann_fixture, bot_fixture, fake_fixture  # noqa: F401
from tests.fakes.telegram.harness import MEDIA, make_bot


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in buttons]]
    )


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
    own = [BotCommand(command="invite", description="Invite")]
    assert await bot.set_my_commands(own, BotCommandScopeChat(chat_id=ann.chat_id))
    mine = await bot.get_my_commands(BotCommandScopeChat(chat_id=ann.chat_id))
    assert [c.command for c in mine] == ["invite"]
    with pytest.raises(TelegramBadRequest, match="chat not found"):  # no chat with the bot
        await bot.set_my_commands(own, BotCommandScopeChat(chat_id=987654))
    assert await bot.send_chat_action(ann.chat_id, "typing")


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
