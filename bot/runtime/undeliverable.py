"""A candidate's message given up for good (WhatsApp's 131026 "undeliverable", a chat the
candidate blocked, retries exhausted): marked failed, in the audit log (`undeliverable`),
counted in `campaign list`, and, the first time for an interview, the recruiters are told in
chat (`RecruiterAlert`, wired in the composition root; `bot/recruiting/alerts.py`).

Used by delivery (a failure at send time) and by delivery reports (a `failed` status that
came later), so both say it the same way, once per interview.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.runtime.outbox_kinds import OutboxKind
from storage.db import UnitOfWork
from storage.records import OutboxItem

UNDELIVERABLE = "undeliverable"  # the audit log's action


class RecruiterAlert(Protocol):
    async def undeliverable(self, uow: UnitOfWork, interview_id: str, reason: str) -> bool:
        """Write messages for the recruiters in `uow`; True when any was written."""
        ...


async def give_up(
    uow: UnitOfWork, item: OutboxItem, reason: str, now: datetime,
    alert: RecruiterAlert | None, *, prefix: str = "",
) -> bool:
    """Mark `item` failed (its error: `prefix` + `reason`). True when recruiters' messages
    were written (wake the outbox)."""
    await uow.outbox.mark_failed(item.id, prefix + reason)
    if item.kind != OutboxKind.SEND or item.interview_id is None:
        return False  # only what a candidate should have read (recruiters' notes have none)
    earlier = await uow.audit.for_interview(item.interview_id)
    first = not any(entry.action == UNDELIVERABLE for entry in earlier)
    await uow.audit.log("platform", UNDELIVERABLE, item.interview_id,
                        {"outbox_item": item.id, "reason": reason}, now)
    if not first or alert is None:
        return False
    return await alert.undeliverable(uow, item.interview_id, reason)
