"""What a platform reports about messages it accepted (WhatsApp status webhooks: sent,
delivered, read, failed), kept on the outbox row that sent them.

Many WhatsApp send failures arrive this way, after the send call succeeded. A failed message
is sent again or given up, per its error code: outside the 24-hour window (131047) the
window is closed and the message goes again (as its template, or it waits for the
candidate); a rate limit (131056 pair rate, 130429 / 80007 throughput) sends it again after
a backoff; anything else (131026 undeliverable, ...) marks it failed, in the audit log and in
`campaign list` (`undeliverable=`), and the recruiters are told in chat once per interview
(`undeliverable.py`).

A status can arrive before the send call's answer has been read and recorded (the platform
pushes it at once, or to another replica): it is then kept in the database and applied
when the send is recorded (`replay`, called by the outbox after each send), so a `failed`
is never lost to that race.
"""

from __future__ import annotations

import logging
import re
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
# What a report must look like to concern a message of ours: platform message ids are
# printable ASCII and fit the outbox column; statuses are short words (sent, delivered, ...).
# Anything else is dropped before it reaches the database, where it could only fail.
OUR_MESSAGE_ID = re.compile(r"[\x21-\x7e]{1,200}")
A_STATUS = re.compile(r"[a-z_]{1,16}")


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
        """Keep `status` on the row that sent `message_id`; act on a failure. When no row
        has sent it (yet), the report waits for the send to be recorded."""
        if not (OUR_MESSAGE_ID.fullmatch(message_id) and A_STATUS.fullmatch(status)):
            log.info("a status report no message of ours could have (id of %d characters, "
                     "status of %d): dropped", len(message_id), len(status))
            return
        again = False
        async with self.db.unit_of_work() as uow:
            item = await uow.outbox.by_platform_id(message_id)
            if item is None:
                await uow.outbox.keep_early_report(message_id, status, errors, self.clock())
            else:
                again = await self._apply(uow, item, status, errors)
            await uow.commit()
        if item is None:
            log.info("status %s for message %s, not recorded as sent yet: kept",
                     status, message_id)
            # The send may have been recorded meanwhile, before the report was kept.
            await self.replay(message_id)
        elif again:
            self.wake_outbox()

    async def replay(self, message_id: str) -> None:
        """Apply the reports kept for `message_id`, now that its send is recorded. Called
        after a send is recorded and after a report is kept, so whichever comes second
        applies them; each report is taken once."""
        async with self.db.unit_of_work() as uow:
            reports = await uow.outbox.take_early_reports(message_id)
            item = await uow.outbox.by_platform_id(message_id) if reports else None
            if item is None:
                return  # nothing kept, or not recorded yet (the report stays)
            again = False
            for report in reports:
                again = await self._apply(uow, item, report.status, report.errors) or again
                item = await uow.outbox.get(item.id) or item
            await uow.commit()
        log.info("%d early status report(s) applied to outbox item %s", len(reports), item.id)
        if again:
            self.wake_outbox()

    async def _apply(
        self, uow: UnitOfWork, item: OutboxItem, status: str, errors: Sequence[tuple[int, str]]
    ) -> bool:
        """True when the outbox has something new due."""
        await uow.outbox.set_delivery_status(item.id, status)
        return status == FAILED and await self._failed(uow, item, errors)

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
