
"""Script client for the fake Telegram: one :class:`FakeUser` per simulated user.

Inbound updates are built with python-telegram-bot's object model (``telegram.Update`` etc.,
``to_dict()``), an implementation of the Bot API schema independent of aiogram's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import telegram

from tests.fakes.telegram.server import CallbackRecord, ChatState, StoredFile, probe_media

if TYPE_CHECKING:
    from tests.fakes.telegram.server import FakeTelegram

Matcher = str | re.Pattern[str] | Callable[[dict[str, Any]], bool] | None
MediaSource = str | Path | bytes

# PTB serialises these as explicit ``false``; Telegram omits them.
_FALSE_FLAGS = frozenset(
    {"channel_chat_created", "delete_chat_photo", "group_chat_created", "supergroup_chat_created"}
)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not (k in _FALSE_FLAGS and v is False)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def to_json(obj: telegram.TelegramObject) -> dict[str, Any]:
    """PTB object -> plain JSON dict (enums become strings, PTB-only false flags removed)."""
    return _clean(json.loads(json.dumps(obj.to_dict())))  # type: ignore[no-any-return]


def message_text(msg: dict[str, Any]) -> str:
    return str(msg.get("text") or msg.get("caption") or "")


def _matches(msg: dict[str, Any], contains: Matcher) -> bool:
    if contains is None:
        return True
    if isinstance(contains, str):
        return contains in message_text(msg)
    if isinstance(contains, re.Pattern):
        return contains.search(message_text(msg)) is not None
    return bool(contains(msg))


def _read(source: MediaSource) -> bytes:
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def _file_name(source: MediaSource, default: str | None = None) -> str | None:
    return default if isinstance(source, bytes) else (default or Path(source).name)


def buttons_of(msg: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def describe(msg: dict[str, Any], bot_id: int) -> str:
    who = "bot " if (msg.get("from") or {}).get("id") == bot_id else "user"
    body = message_text(msg)
    for kind in ("voice", "video_note", "video", "audio", "document", "sticker", "photo"):
        if kind in msg:
            media = msg[kind]
            extra = ""
            if isinstance(media, dict) and "duration" in media:
                extra = f" {media['duration']}s"
            body = f"<{kind}{extra}> {body}".rstrip()
    labels = [b.get("text", "") for b in buttons_of(msg)]
    line = f"[{who} #{msg.get('message_id')}] {body!r}"
    if labels:
        line += " buttons=" + " | ".join(labels)
    if "edit_date" in msg:
        line += " (edited)"
    return line


class FakeUser:
    """A simulated Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        fake: FakeTelegram,
        *,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> None:
        self.fake = fake
        self.user_id = user_id
        self.chat_id = user_id
        self.chat_instance = f"{abs(hash((fake.bot_id, user_id))) % 10**18}"
        self.ptb_user = telegram.User(
            id=user_id,
            first_name=first_name,
            is_bot=False,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.ptb_chat = telegram.Chat(
            id=user_id,
            type="private",
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
        fake.ensure_chat(to_json(self.ptb_chat))
        self._consumed: set[int] = set()
        self._edits_consumed = 0
        self.sent_updates: list[dict[str, Any]] = []
        self.last_callback_query_id: str | None = None

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> ChatState:
        return self.fake.chat(self.chat_id)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Bot messages in this chat (current content after edits; deleted ones excluded)."""
        st = self.state
        return [
            self.fake._public(st.messages[mid])
            for mid in st.bot_message_ids
            if mid not in st.deleted
        ]

    @property
    def all_messages(self) -> list[dict[str, Any]]:
        """Every message in the chat (user and bot), in order, deleted ones included."""
        st = self.state
        return [self.fake._public(st.messages[mid]) for mid in st.order]

    @property
    def unconsumed(self) -> list[dict[str, Any]]:
        st = self.state
        return [
            self.fake._public(st.messages[mid])
            for mid in st.bot_message_ids
            if mid not in self._consumed
        ]

    @property
    def last_bot_message(self) -> dict[str, Any] | None:
        msgs = self.messages
        return msgs[-1] if msgs else None

    def is_deleted(self, message_id: int) -> bool:
        return message_id in self.state.deleted

    def consume_all(self) -> None:
        """Mark every bot message so far as consumed (expect_message only sees newer ones)."""
        self._consumed.update(self.state.bot_message_ids)
        self._edits_consumed = len(self.state.edits)

    def chat_log(self) -> str:
        st = self.state
        lines = []
        for mid in st.order:
            line = describe(st.messages[mid], self.fake.bot_id)
            if mid in st.deleted:
                line += " (deleted)"
            if mid in st.bot_message_ids and mid not in self._consumed:
                line += " *unconsumed*"
            lines.append(line)
        return f"chat {self.chat_id} log:\n  " + ("\n  ".join(lines) if lines else "(empty)")

    # ------------------------------------------------------------------ emitting updates

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(self.fake.clock()), tz=dt.UTC)

    def _emit_message(self, **fields: Any) -> dict[str, Any]:
        message = telegram.Message(
            message_id=self.state.new_message_id(),
            date=self._now(),
            chat=self.ptb_chat,
            from_user=self.ptb_user,
            **fields,
        )
        return self._emit(telegram.Update(update_id=self.fake.next_update_id(), message=message))

    def _emit(self, update: telegram.Update) -> dict[str, Any]:
        data = self.fake.inject_raw_update(to_json(update))
        self.sent_updates.append(data)
        return data

    async def send_text(self, text: str) -> dict[str, Any]:
        """Send a plain text message. Returns the update dict (with ``update_id``)."""
        return self._emit_message(text=text)

    async def send_command(self, command: str) -> dict[str, Any]:
        """Send e.g. ``"/start inv_x"`` with a ``bot_command`` entity at offset 0."""
        if not command.startswith("/"):
            command = "/" + command
        length = len(command.split(" ", 1)[0].encode("utf-16-le")) // 2
        entity = telegram.MessageEntity(type="bot_command", offset=0, length=length)
        return self._emit_message(text=command, entities=[entity])

    def _register(
        self,
        source: MediaSource,
        kind: str,
        *,
        file_size: int | None,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> tuple[StoredFile, dict[str, int]]:
        data = _read(source)
        info = probe_media(data) if kind in ("voice", "video_note", "video", "audio") else {}
        stored = self.fake.new_file(
            data, kind, file_size=file_size, mime_type=mime_type, file_name=file_name
        )
        return stored, info

    async def send_voice(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        file_size: int | None = None,
        mime_type: str = "audio/ogg",
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored, info = self._register(path, "voice", file_size=file_size, mime_type=mime_type)
        voice = telegram.Voice(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            duration=duration if duration is not None else info.get("duration", 0),
            mime_type=mime_type,
            file_size=stored.file_size,
        )
        return self._emit_message(voice=voice, caption=caption)

    async def send_video_note(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        length: int | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        stored, info = self._register(path, "video_note", file_size=file_size)
        note = telegram.VideoNote(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            length=length if length is not None else info.get("width", 384),
            duration=duration if duration is not None else info.get("duration", 0),
            file_size=stored.file_size,
        )
        return self._emit_message(video_note=note)

    async def send_video(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        width: int | None = None,
        height: int | None = None,
        file_size: int | None = None,
        mime_type: str = "video/mp4",
        file_name: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        name = _file_name(path, file_name)
        stored, info = self._register(
            path, "video", file_size=file_size, mime_type=mime_type, file_name=name
        )
        video = telegram.Video(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=width if width is not None else info.get("width", 0),
            height=height if height is not None else info.get("height", 0),
            duration=duration if duration is not None else info.get("duration", 0),
            mime_type=mime_type,
            file_name=name,
            file_size=stored.file_size,
        )
        return self._emit_message(video=video, caption=caption)

    async def send_audio(
        self,
        path: MediaSource,
        duration: int | None = None,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        file_size: int | None = None,
        performer: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        name = _file_name(path, file_name)
        if mime_type is None:
            mime_type = _guess_mime(name, "audio/mpeg")
        stored, info = self._register(
            path, "audio", file_size=file_size, mime_type=mime_type, file_name=name
        )
        audio = telegram.Audio(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            duration=duration if duration is not None else info.get("duration", 0),
            performer=performer,
            title=title,
            file_name=name,
            mime_type=mime_type,
            file_size=stored.file_size,
        )
        return self._emit_message(audio=audio)

    async def send_document(
        self,
        path: MediaSource,
        mime: str | None = None,
        *,
        file_name: str | None = None,
        file_size: int | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        name = _file_name(path, file_name)
        mime = mime or _guess_mime(name, "application/octet-stream")
        stored, _ = self._register(
            path, "document", file_size=file_size, mime_type=mime, file_name=name
        )
        document = telegram.Document(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            file_name=name,
            mime_type=mime,
            file_size=stored.file_size,
        )
        return self._emit_message(document=document, caption=caption)

    async def send_sticker(self, emoji: str = "\N{THUMBS UP SIGN}") -> dict[str, Any]:
        stored, _ = self._register(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "sticker", file_size=None)
        sticker = telegram.Sticker(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            type="regular",
            emoji=emoji,
            file_size=stored.file_size,
        )
        return self._emit_message(sticker=sticker)

    async def send_photo(
        self, path: MediaSource = b"\xff\xd8\xff\xd9", *, caption: str | None = None
    ) -> dict[str, Any]:
        stored, _ = self._register(path, "photo", file_size=None)
        photo = telegram.PhotoSize(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=320,
            height=320,
            file_size=stored.file_size,
        )
        return self._emit_message(photo=[photo], caption=caption)

    async def press(self, label: str | re.Pattern[str], *, timeout: float = 5.0) -> dict[str, Any]:
        """Tap the inline button ``label`` on the latest (non-deleted) bot message showing it.

        Waits up to ``timeout`` for such a button to appear. Returns the emitted update; the
        callback query id is ``update["callback_query"]["id"]`` (also ``last_callback_query_id``).
        """

        def label_ok(text: str) -> bool:
            if isinstance(label, re.Pattern):
                return label.search(text) is not None
            return text == label

        def find() -> tuple[dict[str, Any], dict[str, Any]] | None:
            st = self.state
            for mid in reversed(st.bot_message_ids):
                if mid in st.deleted:
                    continue
                for button in buttons_of(st.messages[mid]):
                    if label_ok(str(button.get("text", ""))):
                        return st.messages[mid], button
            return None

        try:
            msg, button = await self.fake.wait_for(find, timeout, what=f"button {label!r}")
        except TimeoutError:
            raise AssertionError(
                f"no inline button {label!r} within {timeout}s\n{self.chat_log()}"
            ) from None
        if "callback_data" not in button:
            raise AssertionError(f"button {label!r} has no callback_data: {button}")
        return self.press_data(str(button["callback_data"]), message_id=msg["message_id"])

    def press_data(self, data: str, message_id: int | None = None) -> dict[str, Any]:
        """Emit a callback_query with arbitrary ``data`` (e.g. a stale or forged button)."""
        st = self.state
        if message_id is None:
            candidates = [m for m in st.bot_message_ids if m not in st.deleted]
            if not candidates:
                raise AssertionError(
                    f"no bot message to attach the callback to\n{self.chat_log()}"
                )
            message_id = candidates[-1]
        message = telegram.Message.de_json(self.fake._public(st.messages[message_id]), None)
        self.fake._callback_seq += 1
        query_id = f"{self.user_id}{self.fake._callback_seq:08d}"
        query = telegram.CallbackQuery(
            id=query_id,
            from_user=self.ptb_user,
            chat_instance=self.chat_instance,
            message=message,
            data=data,
        )
        self.last_callback_query_id = query_id
        return self._emit(
            telegram.Update(update_id=self.fake.next_update_id(), callback_query=query)
        )

    # ------------------------------------------------------------------ waiting on the bot

    async def expect_message(
        self, contains: Matcher = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Wait for the next not-yet-consumed bot message in this chat matching ``contains``.

        ``contains``: substring of text/caption, compiled regex (``search``), a predicate on the
        message dict, or None (any). Marks it consumed and returns it (Telegram JSON dict).
        Raises AssertionError with the chat log on timeout.
        """

        def find() -> int | None:
            st = self.state
            for mid in st.bot_message_ids:
                if mid not in self._consumed and _matches(st.messages[mid], contains):
                    return mid
            return None

        try:
            mid = await self.fake.wait_for(find, timeout, what="bot message")
        except TimeoutError:
            raise AssertionError(
                f"no bot message matching {contains!r} within {timeout}s\n{self.chat_log()}"
            ) from None
        self._consumed.add(mid)
        return self.fake._public(self.state.messages[mid])

    async def expect_no_message(self, within: float = 0.3, contains: Matcher = None) -> None:
        """Assert that no unconsumed bot message (matching) arrives within ``within`` seconds."""
        try:
            await self.expect_message(contains, timeout=within)
        except AssertionError:
            return
        raise AssertionError(f"unexpected bot message\n{self.chat_log()}")

    async def expect_edit(
        self,
        contains: Matcher = None,
        *,
        message_id: int | None = None,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """Wait for the next not-yet-consumed edit (text/caption/markup) of a bot message."""

        def find() -> int | None:
            edits = self.state.edits
            for index in range(self._edits_consumed, len(edits)):
                mid, snapshot = edits[index]
                if (message_id is None or mid == message_id) and _matches(snapshot, contains):
                    return index + 1
            return None

        try:
            position = await self.fake.wait_for(find, timeout, what="message edit")
        except TimeoutError:
            raise AssertionError(
                f"no edit matching {contains!r} within {timeout}s\n{self.chat_log()}"
            ) from None
        self._edits_consumed = position
        return dict(self.state.edits[position - 1][1])

    async def expect_deleted(self, message_id: int, timeout: float = 10.0) -> None:
        try:
            await self.fake.wait_for(
                lambda: message_id in self.state.deleted, timeout, what="deletion"
            )
        except TimeoutError:
            raise AssertionError(
                f"message {message_id} not deleted within {timeout}s\n{self.chat_log()}"
            ) from None

    async def expect_callback_answer(
        self, callback_query_id: str | None = None, timeout: float = 10.0
    ) -> CallbackRecord:
        """Wait until the bot answered the callback query (default: the last one pressed)."""
        qid = callback_query_id or self.last_callback_query_id
        if qid is None:
            raise AssertionError("no callback query pressed yet")
        record = self.fake.callback_queries[qid]
        try:
            await self.fake.wait_for(lambda: record.answered, timeout, what="answerCallbackQuery")
        except TimeoutError:
            raise AssertionError(
                f"callback query {qid} not answered within {timeout}s\n{self.chat_log()}"
            ) from None
        return record


def _guess_mime(name: str | None, default: str) -> str:
    import mimetypes

    if not name:
        return default
    return mimetypes.guess_type(name)[0] or default
