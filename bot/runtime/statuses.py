"""What a platform reports about messages it accepted (WhatsApp status webhooks: sent,
delivered, read, failed), kept on the outbox row that sent them.

Many WhatsApp send failures arrive this way, after the send call succeeded. A failed message
is sent again or given up, per its error code: outside the 24-hour window (131047) the
window is closed and the message goes again (as its template, or it waits for the
candidate); a rate limit (131056 pair rate, 130429 / 80007 throughput) sends it again after
a backoff; anything else (131026 undeliverable, ...) marks it failed, in the audit log and in
`campaign list` (`undeliverable=`), and the recruiters are told in chat once per interview
(`undeliverable.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.runtime.clock import Clock
from bot.runtime.delivery import backoff_seconds
from bot.runtime.undeliverable import RecruiterAlert, give_up
from storage.db import Database, UnitOfWork
from storage.records import OutboxItem, OutboxStatus

log = logging.getLogger(__name__)

OUTSIDE_WINDOW = 131047
RATE_LIMITS = frozenset({131056, 130429, 80007})
FAILED = "failed"


@dataclass
class DeliveryReports:
    db: Database
    clock: Clock
    wake_outbox: Callable[[], None]
    max_attempts: int = 8
    alert: RecruiterAlert | None = None  # tells the recruiters (bot/recruiting/alerts.py)

    async def record(
        self, message_id: str, status: str, errors: Sequence[tuple[int, str]] = ()
    ) -> None:
        """Keep `status` on the row that sent `message_id`; act on a failure."""
        async with self.db.unit_of_work() as uow:
            item = await uow.outbox.by_platform_id(message_id) if message_id else None
            if item is None:
                log.info("status %s for an unknown message %s", status, message_id)
                return
            await uow.outbox.set_delivery_status(item.id, status)
            again = status == FAILED and await self._failed(uow, item, errors)
            await uow.commit()
        if again:
            self.wake_outbox()

    async def _failed(
        self, uow: UnitOfWork, item: OutboxItem, errors: Sequence[tuple[int, str]]
    ) -> bool:
        """True when the outbox has something new due (the message again, or the
        recruiters' note)."""
        codes = {code for code, _ in errors}
        reason = "; ".join(f"{code} {title}" for code, title in errors) or "no reason given"
        now = self.clock()
        if item.status != OutboxStatus.SENT:
            return False  # already handled (a redelivered status)
        if OUTSIDE_WINDOW in codes and item.conversation_key:
            await uow.windows.close(item.conversation_key)
            await uow.outbox.send_again(item.id, now, reason)
            log.info("outbox item %s: outside the reply window; sent again", item.id)
            return True
        if codes & RATE_LIMITS and item.attempts + 1 < self.max_attempts * 4:
            at = now + timedelta(seconds=backoff_seconds(item.attempts + 1))
            await uow.outbox.send_again(item.id, at, reason)
            log.info("outbox item %s: rate limited (%s); sent again later", item.id, reason)
            return True
        log.error("outbox item %s (interview %s) reported failed: %s",
                  item.id, item.interview_id, reason)
        # True when the recruiters' note was written: it is due now.
        return await give_up(uow, item, reason, now, self.alert,
                             prefix="reported failed: ")
