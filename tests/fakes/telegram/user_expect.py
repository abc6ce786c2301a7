"""Waiting on the bot from a simulated user's side: messages, edits, deletions, answers."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram.message_json import Matcher, matches
from tests.fakes.telegram.records import CallbackRecord
from tests.fakes.telegram.user_chat import UserChat


class UserExpectationsMixin(UserChat):
    """``expect_*`` assertions; they raise AssertionError with the chat log on timeout."""

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
                if mid not in self._consumed and matches(st.messages[mid], contains):
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
                if (message_id is None or mid == message_id) and matches(snapshot, contains):
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
