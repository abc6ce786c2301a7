"""Typed, versioned button payloads packed under Telegram's 64-byte `callback_data` limit.

Format: `v1:<action>:<interview_id>:<step>`; `step` identifies what the button belonged to
(question id and attempt), so a press on an old message is recognised as stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

VERSION = "v1"
MAX_PAYLOAD_BYTES = 64


class Action(StrEnum):
    CONSENT_YES = "cy"
    CONSENT_NO = "cn"
    BEGIN = "bg"  # instructions read, start
    READY = "rd"  # question read, start preparing
    START_NOW = "sn"  # skip the rest of the prep time
    DONE = "dn"  # multi-part answer finished
    KEEP = "kp"
    RETAKE = "rt"
    SKIP_PRACTICE = "sp"
    RESUME = "rs"
    WITHDRAW_CONFIRM = "wc"
    WITHDRAW_CANCEL = "wx"


class PayloadError(ValueError):
    """A payload that is not ours or not this version."""


@dataclass(frozen=True, slots=True)
class ButtonPayload:
    action: Action
    interview_id: str
    step: str = ""

    def pack(self) -> str:
        packed = ":".join((VERSION, self.action.value, self.interview_id, self.step))
        if len(packed.encode()) > MAX_PAYLOAD_BYTES:
            raise PayloadError(f"payload over {MAX_PAYLOAD_BYTES} bytes: {packed!r}")
        return packed

    @classmethod
    def unpack(cls, raw: str) -> ButtonPayload:
        parts = raw.split(":", 3)
        if len(parts) != 4 or parts[0] != VERSION:
            raise PayloadError(f"not a {VERSION} payload: {raw!r}")
        try:
            action = Action(parts[1])
        except ValueError as exc:
            raise PayloadError(f"unknown action in {raw!r}") from exc
        return cls(action=action, interview_id=parts[2], step=parts[3])
