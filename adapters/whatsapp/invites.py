"""WhatsApp invite links: `https://wa.me/<number>?text=<token>` opens a chat with the
business number, the token typed in as the first message. User ids are phone numbers
(digits, international format, an optional leading +)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.events import Platform

PHONE = re.compile(r"\+?\d{6,15}")


@dataclass
class WhatsAppInvites:
    number: str  # WHATSAPP_NUMBER, the public business number
    platform: str = Platform.WHATSAPP

    async def links(self, tokens: Sequence[str]) -> list[str]:
        return [f"https://wa.me/{self.number.lstrip('+')}?text={token}" for token in tokens]

    def user_id(self, written: str) -> str | None:
        text = written.strip().replace(" ", "")
        return text.lstrip("+") if PHONE.fullmatch(text) else None
