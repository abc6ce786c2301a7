"""Held messages (outside a reply window, no template) do not wait forever: when the
interview ends (expired, withdrawn, declined) or is erased (on request, or when its retention
period is over), they are dropped, each time with an audit line; a message held for an
interview already over is dropped instead of held. The decision's text after a partial
(expired) submission still waits for the candidate, until the interview is erased."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.runtime.held import HELD_DROPPED, droppable
from conversations.buttons import Action, ButtonPayload
from conversations.events import (
    ButtonPressed,
    DeadlineExtended,
    EraseRequested,
    Started,
    TimerFired,
    TimerKind,
)
from conversations.state import Phase
from storage.records import OutboxStatus
from tests.integration.test_reply_window import ANN, Service, service, statuses

__all__ = ["service"]  # the fixture


async def _held_since_long_ago(service: Service) -> str:
    """Ann opened the invite 25 hours ago (WhatsApp delivered it late): all is held."""
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    await service.runtime.handle(Started(event_id="e1", occurred_at=long_ago,
                                         conversation=ANN, invite_token=service.invite_token))
    assert await service.dispatcher.drain(10)
    assert set(await statuses(service.db)) == {OutboxStatus.WAITING}
    async with service.db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.by_token(service.invite_token)
    assert state is not None
    return state.interview_id


async def _dropped(service: Service, interview_id: str) -> list[dict[str, object]]:
    async with service.db.unit_of_work(read_only=True) as uow:
        entries = await uow.audit.for_interview(interview_id)
        [summary] = await uow.campaigns.list_summaries()
    assert summary.waiting == 0  # campaign list: nobody is waiting any more
    return [e.detail for e in entries if e.action == HELD_DROPPED]


async def test_held_messages_are_dropped_when_the_interview_expires(service: Service) -> None:
    now = datetime.now(UTC)
    await service.runtime.handle(Started(event_id="e1", occurred_at=now, conversation=ANN,
                                         invite_token=service.invite_token))
    async with service.db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.by_token(service.invite_token)
    assert state is not None
    iid = state.interview_id
    yes = ButtonPayload(Action.CONSENT_YES, iid).pack()
    await service.runtime.handle(ButtonPressed(event_id="e2", occurred_at=now,
                                               conversation=ANN, payload=yes))
    assert await service.dispatcher.drain(10)
    sent = len(service.channel.sent)
    async with service.db.unit_of_work() as uow:
        await uow.windows.close(ANN.key)  # she went quiet; her window closed
        await uow.commit()
    # The recruiter gives her more time: she is told, but that has to wait for her.
    await service.runtime.handle(DeadlineExtended(
        event_id="r1", occurred_at=now, conversation=ANN, interview_id=iid, seconds=3600,
        requested_by="telegram:1", reason="asked"))
    assert await service.dispatcher.drain(10)
    assert OutboxStatus.WAITING in await statuses(service.db)
    async with service.db.unit_of_work(read_only=True) as uow:
        [deadline] = [t for t in await uow.timers.for_interview(iid)
                      if t.kind == TimerKind.DEADLINE and t.fired_at is None]
    await service.runtime.handle(TimerFired(
        event_id="t1", occurred_at=datetime.now(UTC), conversation=ANN,
        kind=TimerKind.DEADLINE, interview_id=iid, due_at=deadline.due_at))
    assert await service.dispatcher.drain(10)
    assert OutboxStatus.WAITING not in await statuses(service.db)
    assert len(service.channel.sent) == sent  # nothing stale reaches her if she writes again
    # The extension's news when it expired; the deadline notice when it would be held.
    assert await _dropped(service, iid) == [{"messages": 1, "why": "expired"},
                                            {"messages": 1, "why": "expired"}]


async def test_erasure_removes_held_messages(service: Service) -> None:
    iid = await _held_since_long_ago(service)
    await service.runtime.handle(EraseRequested(
        event_id="x1", occurred_at=datetime.now(UTC), conversation=ANN, interview_id=iid,
        requested_by="telegram:1"))
    assert await service.dispatcher.drain(10)
    assert OutboxStatus.WAITING not in await statuses(service.db)
    assert service.channel.sent == []
    assert await _dropped(service, iid) == [{"messages": 2, "why": "erased"},
                                            {"messages": 1, "why": "erased"}]


@pytest.mark.parametrize(("phase", "purpose", "dropped"), [
    (Phase.ANSWERING, None, False),
    (Phase.SUBMITTED, "decision", False),  # the closing text waits for her reply
    (Phase.SUBMITTED, None, False),  # until retention erases the interview
    (Phase.EXPIRED, "reminder", True),
    (Phase.EXPIRED, "decision", False),  # a partial submission was decided
    (Phase.WITHDRAWN, None, True),
    (Phase.DECLINED, None, True),
    (Phase.ERASED, "decision", True),
])
def test_what_is_dropped_when(phase: Phase, purpose: str | None, dropped: bool) -> None:
    assert droppable(phase, purpose) is dropped


async def test_a_held_decision_goes_when_the_retention_period_ends(service: Service) -> None:
    """Submitted and decided, the decision's text waits for her reply; she never writes:
    when the retention period ends (the interview is erased), it goes too."""
    iid = await _held_since_long_ago(service)
    now = datetime.now(UTC)
    async with service.db.unit_of_work() as uow:
        state = await uow.interviews.get(iid)
        assert state is not None
        await uow.interviews.save(replace(state, phase=Phase.SUBMITTED, submitted_at=now))
        for held in await uow.outbox.waiting_for(iid):  # as if sent before she went quiet
            await uow.outbox.mark_sent(held.id, f"m{held.id}", now)
        closing = await uow.outbox.add("send", {"to": {}, "text": "We are moving on.",
                                                "purpose": "decision"}, ANN.key, iid)
        await uow.outbox.hold(closing, "the decision template announced it")
        await uow.timers.upsert(iid, TimerKind.RETENTION, "", now)
        await uow.commit()
    await service.runtime.handle(TimerFired(
        event_id="t9", occurred_at=now, conversation=ANN, kind=TimerKind.RETENTION,
        interview_id=iid, due_at=now))
    assert await service.dispatcher.drain(10)
    async with service.db.unit_of_work(read_only=True) as uow:
        assert await uow.outbox.get(closing) is None
        assert (await uow.interviews.get(iid)).phase is Phase.ERASED  # type: ignore[union-attr]
    assert await _dropped(service, iid) == [{"messages": 1, "why": "erased"}]
