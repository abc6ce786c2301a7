"""Web invite links: `<PUBLIC_URL or the local server>/i/<token>`. The web page has no user
ids of its own (the link is the key), so no written id is one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conversations.events import Platform


@dataclass
class WebInvites:
    base_url: str
    platform: str = Platform.WEB

    async def links(self, tokens: Sequence[str]) -> list[str]:
        return [self.link(token) for token in tokens]

    def link(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/i/{token}"

    def user_id(self, written: str) -> str | None:
        return None
