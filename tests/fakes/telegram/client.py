"""Script client for the fake Telegram: one :class:`FakeUser` per simulated user.

Inbound updates are built with python-telegram-bot's object model (``telegram.Update`` etc.,
``to_dict()``), an implementation of the Bot API schema independent of aiogram's.

The user is assembled from ``user_chat`` (identity, chat view, emitting updates),
``user_media`` (media messages) and ``user_expect`` (waiting on the bot); JSON helpers live in
``message_json``.  The names below are re-exported here.
"""

from __future__ import annotations

import re
from typing import Any

import telegram

from tests.fakes.telegram.message_json import (
    Matcher,
    buttons_of,
    describe,
    message_text,
    to_json,
)
from tests.fakes.telegram.user_expect import UserExpectationsMixin
from tests.fakes.telegram.user_media import MediaSource, UserMediaMixin

__all__ = [
    "FakeUser",
    "Matcher",
    "MediaSource",
    "buttons_of",
    "describe",
    "message_text",
    "to_json",
]


class FakeUser(UserMediaMixin, UserExpectationsMixin):
    """A simulated Telegram user in a private chat with the bot (chat id == user id)."""

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
