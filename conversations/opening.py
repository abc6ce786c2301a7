"""Whether an invite may be opened now: a paused or closed campaign starts nobody new.

The runtime knows the campaign's status (storage); the rule and the words are here. An
interview already opened goes on whatever the campaign's status (closing ends those through
`CampaignClosed`, with the candidate told)."""

from __future__ import annotations

from enum import StrEnum

from conversations.effects import Notify, Send
from conversations.events import Started
from conversations.messages import msg
from conversations.state import Decision, InterviewState, Phase


class Availability(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


def refuse_opening(
    state: InterviewState | None, event: Started, availability: Availability
) -> Decision | None:
    """The refusal for an invite not opened yet in a campaign that starts nobody; None when
    the engine should handle the event as usual."""
    if state is None or state.phase is not Phase.INVITED or availability is Availability.OPEN:
        return None
    reply = Send(to=event.conversation, message=msg(f"invite.{availability.value}"))
    noted = Notify(interview_id=state.interview_id, what="open_refused",
                   detail=availability.value)
    return Decision(state=state, effects=(reply, noted))
