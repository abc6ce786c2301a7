"""Dead letters on every backend: a failing event is raised again until its N-th failure,
then set aside (with its reason, recorded processed) and never raised again; rejected input
is kept with its reason; text that PostgreSQL would refuse is stored safely."""

from __future__ import annotations

import pytest

from adapters.base import RejectedInput
from bot.runtime.dead_letters import DeadLetters
from conversations.events import ConversationRef, Event, TextReceived
from storage.db import Database
from storage.records import DeadLetterStatus
from tests.contract.conftest import T0

WHO = ConversationRef(platform="telegram", chat_id="7", user_id="7")


def _event(event_id: str) -> TextReceived:
    return TextReceived(event_id=event_id, occurred_at=T0, conversation=WHO, text="a\x00b")


async def test_a_failing_event_is_set_aside_after_n_failures(db: Database) -> None:
    calls: list[str] = []

    async def broken(event: Event) -> None:
        calls.append(event.event_id)
        raise RuntimeError("boom http://x/bot123456789:AAE-secret_part_of_the_token/x")

    guarded = DeadLetters(db, after_failures=3).guard(broken)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            await guarded(_event("telegram:1"))
    await guarded(_event("telegram:1"))  # the third failure: set aside, not raised
    assert calls == ["telegram:1"] * 3

    async with db.unit_of_work(read_only=True) as uow:
        [letter] = await uow.dead_letters.latest()
        assert await uow.events.seen("telegram:1")  # a redelivery is now a duplicate
        assert await uow.dead_letters.counts() == {
            DeadLetterStatus.REJECTED: 0, DeadLetterStatus.FAILED: 1}
    assert (letter.status, letter.attempts, letter.event_id) == (
        DeadLetterStatus.FAILED, 3, "telegram:1")
    assert letter.reason.startswith("RuntimeError: boom")
    assert "secret_part_of_the_token" not in letter.reason
    assert "\x00" not in letter.payload and '"kind": "TextReceived"' in letter.payload


async def test_a_success_forgets_earlier_failures(db: Database) -> None:
    outcomes = iter([RuntimeError("once"), None, RuntimeError("a"), RuntimeError("b")])

    async def flaky(_event: Event) -> None:
        outcome = next(outcomes)
        if outcome is not None:
            raise outcome

    guarded = DeadLetters(db, after_failures=2).guard(flaky)
    with pytest.raises(RuntimeError):
        await guarded(_event("e1"))
    await guarded(_event("e1"))  # succeeded: the count starts again
    with pytest.raises(RuntimeError):
        await guarded(_event("e1"))
    await guarded(_event("e1"))
    async with db.unit_of_work(read_only=True) as uow:
        assert [d.attempts for d in await uow.dead_letters.latest()] == [2]


async def test_rejected_input_is_kept_with_its_reason(db: Database) -> None:
    letters = DeadLetters(db)
    await letters.reject(RejectedInput(platform="telegram", reason="message.chat: missing",
                                       raw='{"x": "\x00\ud800"}', event_id="telegram:9"))
    assert await letters.counts() == {"rejected": 1, "failed": 0}
    [letter] = await letters.latest()
    assert letter.reason == "message.chat: missing" and "\x00" not in letter.payload
