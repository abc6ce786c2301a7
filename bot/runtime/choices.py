"""Numbered replies read back as button presses.

Where a platform cannot show a message's buttons (`Capabilities.max_buttons`), the sender
lists them as numbered replies and remembers which outbox item they came from (the
`choices` message slot of the conversation). A text that is only a number then means that
button, until a message with real buttons or a new numbered list replaces it. The engine
still judges the press like any other (a stale one is refused politely)."""

from __future__ import annotations

from conversations.events import ButtonPressed, Event, TextReceived
from storage.db import UnitOfWork

CHOICES_SLOT = "choices"
MAX_DIGITS = 2


async def as_choice(uow: UnitOfWork, event: Event) -> Event:
    """`event`, or the button press a typed number stands for."""
    if not isinstance(event, TextReceived):
        return event
    typed = event.text.strip().rstrip(".")
    if not typed.isdigit() or len(typed) > MAX_DIGITS:
        return event
    item_id = await uow.outbox.get_slot(event.conversation.key, CHOICES_SLOT)
    item = await uow.outbox.get(int(item_id)) if item_id and item_id.isdigit() else None
    buttons = item.payload.get("choices", []) if item is not None else []
    index = int(typed) - 1
    if not 0 <= index < len(buttons):
        return event
    return ButtonPressed(
        event_id=event.event_id, occurred_at=event.occurred_at,
        conversation=event.conversation, language=event.language,
        display_name=event.display_name, payload=str(buttons[index][1]),
    )
