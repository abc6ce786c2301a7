"""Each candidate channel says how its invite links look and how its user ids are written;
the recruiting room only asks them (one platform call per batch)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from adapters.telegram.invites import TelegramInvites
from adapters.whatsapp.invites import WhatsAppInvites
from bot.recruiting.invites import invite_links


@dataclass
class CountingInvites:
    platform: str
    batches: list[int] = field(default_factory=list)

    async def links(self, tokens: Sequence[str]) -> list[str]:
        self.batches.append(len(tokens))
        return [f"{self.platform}://{t}" for t in tokens]

    def user_id(self, written: str) -> str | None:
        return written or None


async def test_one_link_per_enabled_channel_asked_once_per_batch() -> None:
    a, b = CountingInvites("telegram"), CountingInvites("whatsapp")
    links = await invite_links([a, b], ["t1", "t2"], None)
    assert links == [["telegram://t1", "whatsapp://t1"], ["telegram://t2", "whatsapp://t2"]]
    assert a.batches == [2] and b.batches == [2]


async def test_a_channel_filter_and_the_bare_token_without_channels() -> None:
    a, b = CountingInvites("telegram"), CountingInvites("whatsapp")
    assert await invite_links([a, b], ["t1"], "whatsapp") == [["whatsapp://t1"]]
    assert a.batches == []
    assert await invite_links([], ["t1", "t2"], None) == [["t1"], ["t2"]]


async def test_telegram_and_whatsapp_links_and_user_ids() -> None:
    telegram = TelegramInvites(token="1:x", api_url="http://127.0.0.1:9", username="screen_bot")
    assert await telegram.links(["abc"]) == ["https://t.me/screen_bot?start=abc"]
    assert telegram.user_id(" 4242 ") == "4242" and telegram.user_id("@ann") is None
    whatsapp = WhatsAppInvites("+44 7700 900123".replace(" ", ""))
    assert await whatsapp.links(["abc"]) == ["https://wa.me/447700900123?text=abc"]
    assert whatsapp.user_id("+44 7700 900123") == "447700900123"
    assert whatsapp.user_id("ann") is None
