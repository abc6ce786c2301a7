"""The fake's 24-hour customer-service window (PLATFORMS.md 4.4) and its clock.

Free-form messages reach a user only within `seconds` of their last message; templates
always do. The clock is the wall clock moved by `offset` seconds: moved forward, every
window closes at once (while the bot, on its own clock, still believes it open: the 131047
path). To close a window after a few seconds on both sides, `closes_in` stamps what users
write as if sent almost a day ago (`backdate`): the bot measures the window from those
stamps, as it does from Meta's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DAY = 24 * 3600.0
FREE_FORM = frozenset({"text", "interactive", "audio", "video", "document", "image"})


@dataclass
class ServiceWindow:
    seconds: float = DAY
    offset: float = 0.0
    backdate: float = 0.0
    wall: Callable[[], float] = time.time
    enforced: bool = True  # False: every message is allowed (tests of other things)
    last_inbound: dict[str, float] = field(default_factory=dict)

    def now(self) -> float:
        return self.wall() + self.offset

    def stamp(self) -> int:
        """The `timestamp` of a message a user sends now."""
        return int(self.now() - self.backdate)

    def closes_in(self, seconds: float) -> None:
        """Users' next messages open a window that closes `seconds` after each."""
        self.backdate = self.seconds - seconds

    def reset(self) -> None:
        self.offset = self.backdate = 0.0

    def heard(self, value: dict[str, Any]) -> None:
        """A webhook `value` pushed to the bot: its user messages open their windows."""
        for message in value.get("messages", []):
            stamp = float(message.get("timestamp", self.now()))
            sender = str(message.get("from"))
            self.last_inbound[sender] = max(stamp, self.last_inbound.get(sender, stamp))

    def allows(self, wa_id: str, kind: str) -> bool:
        if not self.enforced or kind not in FREE_FORM:
            return True  # templates may be sent at any time
        last = self.last_inbound.get(wa_id)
        return last is not None and self.now() - last < self.seconds
