"""Poison input is set aside, never allowed to block what comes after it.

`guard(handle)` wraps the sink the channels deliver events to. A failing event is raised
again (so the platform redelivers it, or the polling batch is fetched again) until it has
failed `after_failures` times; then it is written to the dead-letter table with its reason,
recorded as processed (a later redelivery is a duplicate), and the caller carries on as if
it had been handled. Malformed input that adapters reject goes to the same table as
`rejected`. `/healthz` counts both; `interview-bot dead-letters` lists them.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

from adapters.base import EventSink, RejectedInput
from bot.runtime.redaction import error_text
from conversations.events import Event
from storage.db import Database
from storage.records import DeadLetter, DeadLetterStatus

log = logging.getLogger(__name__)
DEFAULT_AFTER_FAILURES = 3
REMEMBERED_FAILURES = 10_000  # failing event ids tracked at once (oldest forgotten first)


def _clean(text: str) -> str:
    """What the table can hold on every backend (no NUL, no lone surrogate)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def event_payload(event: Event) -> str:
    """The event as JSON (STYLE 10: keep the raw payload of what failed)."""
    data = {"kind": type(event).__name__, **asdict(event)}
    return _clean(json.dumps(data, default=str, ensure_ascii=False))


@dataclass
class DeadLetters:
    db: Database
    after_failures: int = DEFAULT_AFTER_FAILURES
    _failures: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def guard(self, handle: EventSink) -> EventSink:
        async def guarded(event: Event) -> None:
            try:
                await handle(event)
            except Exception as exc:
                if not await self._failed(event, exc):
                    raise
            else:
                self._failures.pop(event.event_id, None)

        return guarded

    async def _failed(self, event: Event, exc: Exception) -> bool:
        """Count one failure; True when it set the event aside (the caller carries on)."""
        attempts = self._failures.pop(event.event_id, 0) + 1
        if attempts < self.after_failures:
            self._failures[event.event_id] = attempts
            while len(self._failures) > REMEMBERED_FAILURES:
                self._failures.popitem(last=False)
            return False
        reason = _clean(error_text(exc))
        async with self.db.unit_of_work() as uow:
            await uow.dead_letters.add(
                platform=event.conversation.platform, event_id=event.event_id,
                status=DeadLetterStatus.FAILED, attempts=attempts, reason=reason,
                payload=event_payload(event),
            )
            await uow.events.record(event.event_id)
            await uow.commit()
        log.error("event_id=%s set aside as a dead letter after %d failed attempts: %s",
                  event.event_id, attempts, reason)
        return True

    async def reject(self, rejected: RejectedInput) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.dead_letters.add(
                platform=rejected.platform, event_id=rejected.event_id,
                status=DeadLetterStatus.REJECTED, attempts=0,
                reason=_clean(rejected.reason), payload=_clean(rejected.raw),
            )
            await uow.commit()

    async def counts(self) -> dict[str, int]:
        async with self.db.unit_of_work(read_only=True) as uow:
            found = await uow.dead_letters.counts()
        return {status.value: n for status, n in found.items()}

    async def latest(self, limit: int = 100) -> list[DeadLetter]:
        async with self.db.unit_of_work(read_only=True) as uow:
            return await uow.dead_letters.latest(limit)
