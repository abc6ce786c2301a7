"""A group chat as tests see it: what the bot posted there, and members pressing buttons.

``fake.group(chat_id, title)`` adds the group; ``group.add(user, status)`` makes a
:class:`FakeUser` a member (``getChatMember`` answers with that status); ``group.press(user,
label, message_id=...)`` emits the ``callback_query`` that user's client would send.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import telegram

from tests.fakes.telegram.message_json import Matcher, buttons_of, describe, matches
from tests.fakes.telegram.records import CallbackRecord, ChatState

if TYPE_CHECKING:
    from tests.fakes.telegram.client import FakeUser
    from tests.fakes.telegram.server import FakeTelegram


class FakeGroup:
    def __init__(self, fake: FakeTelegram, chat_id: int, title: str) -> None:
        self.fake = fake
        self.chat_id = chat_id
        fake.add_group(chat_id, title)

    @property
    def state(self) -> ChatState:
        return self.fake.chat(self.chat_id)

    def add(self, user: FakeUser, status: str = "member") -> FakeUser:
        self.fake.set_member(self.chat_id, user.ptb_user.to_dict(), status)
        return user

    # ------------------------------------------------------------------ what is there

    def message(self, message_id: int) -> dict[str, Any]:
        """The bot's message as it is now (after edits)."""
        return self.fake._public(self.state.messages[message_id])

    def bot_messages(self, contains: Matcher = None) -> list[dict[str, Any]]:
        st = self.state
        return [self.fake._public(st.messages[mid]) for mid in st.bot_message_ids
                if mid not in st.deleted and matches(st.messages[mid], contains)]

    def replies_to(self, message_id: int) -> list[dict[str, Any]]:
        return [m for m in self.bot_messages()
                if (m.get("reply_to_message") or {}).get("message_id") == message_id]

    def is_deleted(self, message_id: int) -> bool:
        return message_id in self.state.deleted

    def log(self) -> str:
        st = self.state
        lines = [describe(st.messages[mid], self.fake.bot_id)
                 + (" (deleted)" if mid in st.deleted else "") for mid in st.order]
        return f"group {self.chat_id} log:\n  " + "\n  ".join(lines or ["(empty)"])

    async def expect_message(self, contains: Matcher, timeout: float = 10.0) -> dict[str, Any]:
        """The first (not deleted) bot message matching ``contains``, once there."""
        def find() -> dict[str, Any] | None:
            found = self.bot_messages(contains)
            return found[0] if found else None

        try:
            return await self.fake.wait_for(find, timeout, what=f"group message {contains!r}")
        except TimeoutError:
            raise AssertionError(f"no group message matching {contains!r}\n{self.log()}") from None

    async def expect(self, message_id: int, contains: Matcher, timeout: float = 10.0
                     ) -> dict[str, Any]:
        """Message ``message_id`` once its current content matches (an edit)."""
        def now() -> dict[str, Any] | None:
            msg = self.message(message_id)
            return msg if matches(msg, contains) else None

        try:
            return await self.fake.wait_for(now, timeout, what=f"message {message_id} edit")
        except TimeoutError:
            raise AssertionError(
                f"message {message_id} never matched {contains!r}\n{self.log()}") from None

    # ------------------------------------------------------------------ members pressing

    async def press(self, user: FakeUser, label: str | re.Pattern[str], *, message_id: int,
                    timeout: float = 5.0) -> CallbackRecord:
        """``user`` taps ``label`` on the bot's message ``message_id``; waits for (and
        returns) the bot's answer to that press."""
        for button in buttons_of(self.message(message_id)):
            text = str(button.get("text", ""))
            if (label.search(text) if isinstance(label, re.Pattern) else text == label):
                return await self.press_data(user, str(button["callback_data"]),
                                             message_id=message_id, timeout=timeout)
        raise AssertionError(f"no button {label!r} on message {message_id}\n{self.log()}")

    async def press_data(self, user: FakeUser, data: str, *, message_id: int,
                         timeout: float = 5.0) -> CallbackRecord:
        message = telegram.Message.de_json(self.message(message_id), None)
        self.fake._callback_seq += 1
        query_id = f"g{user.user_id}{self.fake._callback_seq:08d}"
        query = telegram.CallbackQuery(
            id=query_id, from_user=user.ptb_user, chat_instance=f"group{self.chat_id}",
            message=message, data=data)
        user.last_callback_query_id = query_id
        user._emit(telegram.Update(update_id=self.fake.next_update_id(), callback_query=query))
        return await user.expect_callback_answer(query_id, timeout=timeout)
