"""Reply windows as delivery policy (WhatsApp's 24-hour customer-service window).

A platform whose `Capabilities.reply_window_seconds` is set accepts free-form messages only
within that time of the candidate's last message. The engine does not know: it says what to
send, and delivery decides how. Each inbound candidate message moves the window
(`note_inbound`, in the handler's transaction) and releases what was held. A message due
outside the window goes as the approved template for its purpose (reminder, deadline notice,
decision) when the channel has one; otherwise it is held (`waiting`) until the candidate
writes again, in its original order. The decision's template only announces news: the kit's
closing text follows once the candidate answers it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from adapters.base import Capabilities
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    Event,
    MediaReceived,
    Started,
    TextReceived,
    UnsupportedReceived,
)
from conversations.messages import Message
from conversations.reviewing import CLOSING_TEXT_ID
from storage.db import UnitOfWork


class Purpose(StrEnum):
    REMINDER = "reminder"
    DEADLINE = "deadline"
    DECISION = "decision"


PURPOSE_OF_TEXT = {
    "reminder": Purpose.REMINDER,
    "expired": Purpose.DEADLINE,
    "expired.partial": Purpose.DEADLINE,
    CLOSING_TEXT_ID: Purpose.DECISION,
}
# The template's body parameters, in order, from the message's own parameters.
TEMPLATE_PARAMS: dict[Purpose, tuple[str, ...]] = {
    Purpose.REMINDER: ("deadline", "time_left"),
    Purpose.DEADLINE: ("deadline",),
    Purpose.DECISION: (),
}
# Templates that announce rather than say: the message itself follows the candidate's reply.
ANNOUNCES = frozenset({Purpose.DECISION})
# What the candidate sends (not timers, transcripts or recruiters' actions about them).
INBOUND = (Started, TextReceived, MediaReceived, ButtonPressed, CommandReceived,
           UnsupportedReceived)
# Treat the window as closed a little early: a message may take a while to leave the outbox.
MARGIN = timedelta(minutes=1)


class Held(Exception):
    """Delivery set this item aside until the candidate writes again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def tag(payload: dict[str, Any], message: Message, part: int, language: str) -> None:
    """Mark a message that may have to go out as a template, with the template's values
    and the candidate's language (the template's, when it is approved in several)."""
    purpose = PURPOSE_OF_TEXT.get(message.text_id)
    if purpose is None:
        return
    values = message.param_dict
    payload["purpose"] = purpose.value
    payload["part"] = part
    payload["language"] = language
    payload["template_params"] = [str(values.get(name, "")) for name in TEMPLATE_PARAMS[purpose]]


def window_open(last_inbound: datetime | None, caps: Capabilities, now: datetime) -> bool:
    if caps.reply_window_seconds is None:
        return True
    if last_inbound is None:
        return False
    return now < last_inbound + timedelta(seconds=caps.reply_window_seconds) - MARGIN


async def note_inbound(
    uow: UnitOfWork, event: Event, caps: Capabilities | None, now: datetime
) -> bool:
    """The candidate wrote: the window restarts (from when the platform says they wrote)
    and what was held is due again. True when something was released."""
    if caps is None or caps.reply_window_seconds is None or not isinstance(event, INBOUND):
        return False
    key = event.conversation.key
    await uow.windows.touch(key, min(event.occurred_at, now))
    return await uow.outbox.release_waiting(key, now) > 0
