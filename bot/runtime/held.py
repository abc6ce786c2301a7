"""Held messages do not wait forever (`reply_window.py` holds them until the candidate
writes again). When the interview ends without anything left to tell her (expired,
withdrawn, declined) or is erased (on request, or when its retention period is over), its
held messages are dropped, and a message that would be held for such an interview is dropped
instead: each time with an audit line (`held_dropped`, how many, why), never silently.

Kept: anything held for an interview still running or submitted (released when she writes;
a submitted interview is erased when its retention period ends), and the decision's text
after a partial, expired submission (she may still reply to its template).
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.runtime.reply_window import Purpose
from conversations.state import Phase
from storage.db import UnitOfWork
from storage.records import OutboxItem

log = logging.getLogger(__name__)
HELD_DROPPED = "held_dropped"  # the audit log's action
ENDED = frozenset({Phase.EXPIRED, Phase.WITHDRAWN, Phase.DECLINED, Phase.ERASED})


def droppable(phase: Phase, purpose: str | None) -> bool:
    """Whether a message held for an interview in `phase` can never matter any more."""
    if phase is Phase.ERASED:
        return True
    return phase in ENDED and purpose != Purpose.DECISION


async def drop_held(uow: UnitOfWork, interview_id: str, phase: Phase, now: datetime) -> int:
    """The interview just ended (`phase`): drop its held messages that no longer matter."""
    items = [i for i in await uow.outbox.waiting_for(interview_id)
             if droppable(phase, i.payload.get("purpose"))]
    return await _drop(uow, items, interview_id, phase, now)


async def drop_instead_of_holding(uow: UnitOfWork, item: OutboxItem, now: datetime) -> bool:
    """True (and dropped) when `item`, about to be held, is for an interview that is over."""
    if item.interview_id is None:
        return False
    state = await uow.interviews.get(item.interview_id)
    if state is None or not droppable(state.phase, item.payload.get("purpose")):
        return False
    return await _drop(uow, [item], item.interview_id, state.phase, now) > 0


async def _drop(
    uow: UnitOfWork, items: list[OutboxItem], interview_id: str, phase: Phase, now: datetime
) -> int:
    dropped = await uow.outbox.drop([i.id for i in items])
    if dropped:
        await uow.audit.log("platform", HELD_DROPPED, interview_id,
                            {"messages": dropped, "why": phase.value}, now)
        log.info("interview %s is %s: %d held message(s) dropped", interview_id, phase.value,
                 dropped)
    return dropped
