"""One simulated user's private chat with the bot: identity, the chat as seen, emitting updates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import telegram

from tests.fakes.telegram.message_json import describe, to_json
from tests.fakes.telegram.records import ChatState

if TYPE_CHECKING:
    from tests.fakes.telegram.server import FakeTelegram


class UserChat:
    """Base of :class:`~tests.fakes.telegram.client.FakeUser`: state and update emission."""

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
