"""Helpers for the timer port's contract tests: interviews to time, a recording handler."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from config.kit import AnswerFormat, Kit, Question
from conversations.effects import Schedule
from conversations.events import Event, TimerFired, TimerKind
from storage.db import Database

KIT = Kit(title="Screen", questions=(
    Question(id="q1", text="Tell us.", answer_seconds=600, formats=(AnswerFormat.VOICE,)),))


class FiredTimers:
    """Handles `TimerFired` as the runtime does (event id recorded, row marked fired, one
    transaction) and counts what got through."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.fired: Counter[tuple[str, str, str]] = Counter()
        self.due: dict[tuple[str, str, str], datetime] = {}
        self.lateness: list[float] = []

    async def handle(self, event: Event) -> None:
        assert isinstance(event, TimerFired)
        async with self.db.unit_of_work() as uow:
            if not await uow.events.record(event.event_id):
                return
            if not await uow.timers.mark_fired(event.interview_id, event.kind.value,
                                               event.timer_key, due_at=event.due_at):
                return
            await uow.commit()
        key = (event.interview_id, event.kind.value, event.timer_key)
        self.fired[key] += 1
        self.due[key] = event.due_at
        self.lateness.append((datetime.now(UTC) - event.due_at).total_seconds())

    def has(self, interview_id: str, kind: TimerKind, key: str = "") -> bool:
        return self.fired[(interview_id, kind.value, key)] > 0


async def interviews(db: Database, count: int) -> list[str]:
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "screen", "live")
        ids = [(await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                   f"P{n}")).interview_id
               for n in range(count)]
        await uow.commit()
    return ids


async def write_timers(db: Database, schedules: list[Schedule]) -> None:
    """What the handler writes in its transaction for `Schedule` effects."""
    async with db.unit_of_work() as uow:
        for s in schedules:
            await uow.timers.upsert(s.interview_id, s.timer, s.key, s.at)
        await uow.commit()


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
