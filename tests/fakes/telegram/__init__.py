"""In-process fake of the Telegram Bot API (aiohttp on 127.0.0.1) plus a per-user script client."""

from tests.fakes.telegram.client import FakeUser
from tests.fakes.telegram.group import FakeGroup
from tests.fakes.telegram.server import (
    BotCall,
    CallbackRecord,
    FakeTelegram,
    StoredFile,
    WebhookDelivery,
)

__all__ = [
    "BotCall",
    "CallbackRecord",
    "FakeGroup",
    "FakeTelegram",
    "FakeUser",
    "StoredFile",
    "WebhookDelivery",
]
