"""Which invite lines carry a web link: every line when PUBLIC_URL is set, all of them when
no chat platform reaches candidates, and on request (`--channel web`)."""

from __future__ import annotations

from pydantic import SecretStr

from bot.cli.invite_links import invite_makers
from bot.recruiting.invites import invite_links
from config.settings import Settings

TOKEN = "t" * 32


async def links(settings: Settings, channel: str | None = None) -> list[str]:
    [line] = await invite_links(invite_makers(settings, channel), [TOKEN], channel)
    return line


async def test_web_links_join_the_chat_links_when_they_should() -> None:
    assert await links(Settings(http_port=8080)) == [f"http://127.0.0.1:8080/i/{TOKEN}"]
    assert await links(telegram()) == [f"https://t.me/screen_bot?start={TOKEN}"]
    public = telegram(public_url="https://jobs.example.com/")
    assert await links(public) == [f"https://t.me/screen_bot?start={TOKEN}",
                                   f"https://jobs.example.com/i/{TOKEN}"]
    assert await links(telegram(http_host="0.0.0.0", http_port=9000), "web") == [
        f"http://127.0.0.1:9000/i/{TOKEN}"]


def telegram(**more: str | int) -> Settings:
    return Settings.model_validate({"telegram_bot_token": SecretStr("1:x"),
                                    "telegram_bot_username": "screen_bot", **more})
