"""In-process fake of the WhatsApp Cloud API (aiohttp on 127.0.0.1) plus a per-candidate
script client."""

from tests.fakes.whatsapp.server import Delivery, FakeWhatsApp, Media, Sent
from tests.fakes.whatsapp.user import FakeWhatsAppUser

__all__ = ["Delivery", "FakeWhatsApp", "FakeWhatsAppUser", "Media", "Sent"]
