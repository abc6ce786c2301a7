"""The timer port: schedule / cancel after commit, fire through the handler path.

Two implementations share everything here: `TimerService` (APScheduler 3, the embedded
SQLite default, one process) and `QueueTimers` (procrastinate on PostgreSQL, any number of
replicas). The `timers` table is the source of truth for both; a job only says when to wake.
A timer fires as a `TimerFired` event whose id names the timer and its due time, and the
handler marks the row fired in the same transaction, so a stale, duplicate or second
replica's job is a no-op: each timer fires once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.runtime.clock import Clock
from conversations.effects import Cancel, Schedule
from conversations.events import ConversationRef, Event, TimerFired, TimerKind
from conversations.state import InterviewState
from storage.db import Database, UnitOfWork
from storage.records import TimerRecord

log = logging.getLogger(__name__)


class EventHandler(Protocol):
    async def handle(self, event: Event) -> object: ...


@dataclass(frozen=True, slots=True)
class TimerScope:
    """Which interviews' timers a process fires.

    A timer's messages can only reach the candidate through a process that has their
    channel. The service fires every timer except those of interviews still running on a
    channel that lives in one terminal (`terminal_platforms`: the shell); that terminal
    fires its own interview's timers while it runs (`interview_id`), from memory, so two
    processes never share the job store. Once such an interview is over, its remaining
    timers (the retention purge) say nothing to anyone and are the service's again.
    """

    interview_id: str | None = None
    terminal_platforms: frozenset[str] = frozenset()

    @property
    def in_memory(self) -> bool:
        return self.interview_id is not None

    async def pending(self, uow: UnitOfWork) -> list[TimerRecord]:
        if self.interview_id is not None:
            return [t for t in await uow.timers.for_interview(self.interview_id)
                    if t.fired_at is None]
        return await uow.timers.pending(skip_live_on=self.terminal_platforms)

    def owns(self, state: InterviewState) -> bool:
        if self.interview_id is not None:
            return state.interview_id == self.interview_id
        live_elsewhere = state.candidate is not None and not state.is_final and (
            state.candidate.platform in self.terminal_platforms)
        return not live_elsewhere


class TimerPort(Protocol):
    """What the composition root and the runtime's after-commit step use."""

    scope: TimerScope

    @property
    def running(self) -> bool: ...

    async def start(self) -> None:
        """Begin firing; reconcile the jobs with the timers table first."""

    async def stop(self) -> None: ...

    async def reconcile(self) -> None:
        """Every pending timer has a job; overdue ones fire now."""

    def apply(self, schedules: list[Schedule], cancels: list[Cancel]) -> None:
        """After commit: wake at the new times, forget the cancelled ones (best effort: the
        table decides, and `reconcile` on start repairs what a crash lost)."""


def job_id(interview_id: str, kind: str, key: str) -> str:
    return f"{interview_id}:{kind}:{key}"


@dataclass
class TimerFiring:
    """A job's wake-up turned into a `TimerFired` event on the handler path."""

    db: Database
    clock: Clock
    runtime: EventHandler | None
    scope: TimerScope

    async def fire(self, interview_id: str, kind: TimerKind, key: str, due: datetime) -> None:
        assert self.runtime is not None, "the timers' runtime is wired in bootstrap"
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(interview_id)
        if state is None:
            log.warning("timer %s/%s for unknown interview %s", kind, key, interview_id)
            return
        if not self.scope.owns(state):  # a job left from before: its terminal fires it
            log.info("timer %s/%s of interview %s left to its own channel", kind, key,
                     interview_id)
            return
        conversation = state.candidate or ConversationRef.of_interview(interview_id)
        await self.runtime.handle(timer_event(interview_id, kind, key, due, conversation,
                                              self.clock()))


def timer_event(
    interview_id: str, kind: TimerKind, key: str, due: datetime,
    conversation: ConversationRef, now: datetime,
) -> TimerFired:
    return TimerFired(
        event_id=f"timer:{interview_id}:{kind.value}:{key}:{due.isoformat()}",
        occurred_at=now,
        conversation=conversation,
        kind=kind,
        interview_id=interview_id,
        due_at=due,
        timer_key=key,
    )
