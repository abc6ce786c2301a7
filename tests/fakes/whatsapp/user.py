"""Script client for the fake WhatsApp: one candidate writing to the business number.

`send_text`, `send_voice`, `send_video`, `send_document`, `send_image` push a signed webhook
to the bot (media registered with the fake first, as WhatsApp does); `press("Keep")` taps a
reply button or picks a list row on the latest bot message showing it; `expect_message`
waits for the next bot message not yet seen that matches.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.whatsapp.server import Delivery, FakeWhatsApp, Sent

Matcher = str | re.Pattern[str] | None
_message_ids = itertools.count(1)


def _matches(text: str, contains: Matcher) -> bool:
    if contains is None:
        return True
    if isinstance(contains, re.Pattern):
        return contains.search(text) is not None
    return contains in text


def _read(path: Path) -> bytes:
    return path.read_bytes()  # small fixtures: reading them blocks for microseconds


class FakeWhatsAppUser:
    def __init__(self, fake: FakeWhatsApp, wa_id: str, name: str) -> None:
        self.fake = fake
        self.wa_id = wa_id
        self.name = name
        self._seen: set[str] = set()
        self.sent_ids: list[str] = []  # ids of the messages this user sent

    # -- what the bot sent -----------------------------------------------------------------

    @property
    def messages(self) -> list[Sent]:
        return self.fake.messages_to(self.wa_id)

    def chat_log(self) -> str:
        lines = [f"  {'*' if m.id not in self._seen else ' '} {m.text[:100]!r} "
                 f"{[title for _, title, _ in m.options]}" for m in self.messages]
        return f"chat with {self.wa_id} (* unseen):\n" + ("\n".join(lines) or "  (empty)")

    async def expect_message(self, contains: Matcher = None, timeout: float = 10.0) -> Sent:
        def find() -> Sent | None:
            return next((m for m in self.messages
                         if m.id not in self._seen and _matches(m.text, contains)), None)

        try:
            message = await self.fake.wait_until(find, timeout, f"message {contains!r}")
        except AssertionError:
            raise AssertionError(f"no bot message matching {contains!r} within {timeout}s\n"
                                 f"{self.chat_log()}") from None
        self._seen.add(message.id)
        return message

    def consume_all(self) -> None:
        """Mark every bot message so far as seen (`expect_*` only look at newer ones)."""
        self._seen.update(m.id for m in self.messages)

    async def expect_no_message(self, contains: Matcher = None, within: float = 0.5) -> None:
        try:
            await self.expect_message(contains, timeout=within)
        except AssertionError:
            return
        raise AssertionError(f"unexpected bot message\n{self.chat_log()}")

    # -- what the user does ------------------------------------------------------------------

    def message(self, kind: str, content: dict[str, Any],
                context: dict[str, Any] | None = None) -> dict[str, Any]:
        """The webhook `value` of one message from this user."""
        message_id = f"wamid.USER{self.wa_id}{next(_message_ids):08d}"
        message: dict[str, Any] = {"from": self.wa_id, "id": message_id,
                                   "timestamp": str(self.fake.window.stamp()), "type": kind,
                                   kind: content}
        if context:
            message["context"] = context
        return {"contacts": [{"profile": {"name": self.name}, "wa_id": self.wa_id}],
                "messages": [message]}

    async def _send(self, value: dict[str, Any]) -> Delivery:
        self.sent_ids.append(value["messages"][0]["id"])
        delivery = await self.fake.push(value)
        assert delivery.status == 200, delivery
        return delivery

    async def send_text(self, text: str) -> Delivery:
        return await self._send(self.message("text", {"body": text}))

    async def send_voice(self, path: Path) -> Delivery:
        media = self.fake.add_media(_read(path), "audio/ogg; codecs=opus")
        return await self._send(self.message("audio", {
            "id": media.id, "mime_type": media.mime, "sha256": media.sha256, "voice": True}))

    async def send_video(self, path: Path) -> Delivery:
        media = self.fake.add_media(_read(path), "video/mp4")
        return await self._send(self.message("video", {
            "id": media.id, "mime_type": media.mime, "sha256": media.sha256}))

    async def send_document(self, content: bytes, filename: str, mime: str) -> Delivery:
        media = self.fake.add_media(content, mime)
        return await self._send(self.message("document", {
            "id": media.id, "mime_type": mime, "sha256": media.sha256, "filename": filename}))

    async def send_image(self, content: bytes = b"\x89PNG fake") -> Delivery:
        media = self.fake.add_media(content, "image/png")
        return await self._send(self.message("image", {
            "id": media.id, "mime_type": "image/png", "sha256": media.sha256}))

    async def press(self, label: str, timeout: float = 10.0) -> Delivery:
        """Tap the reply button (or pick the list row) titled `label` on the latest bot
        message that shows it."""
        message, kind, payload = await self.expect_button(label, timeout)
        reply = "button_reply" if kind == "button" else "list_reply"
        content = {"type": reply, reply: {"id": payload, "title": label}}
        return await self._send(self.message("interactive", content,
                                             {"from": self.fake.display_number,
                                              "id": message.id}))

    async def expect_button(self, label: str, timeout: float = 10.0) -> tuple[Sent, str, str]:
        """The latest bot message showing a button or list row titled `label`, with the
        option's kind and payload, once one has arrived."""
        def find() -> tuple[Sent, str, str] | None:
            for message in reversed(self.messages):
                for kind, title, payload in message.options:
                    if title == label:
                        return message, kind, payload
            return None

        try:
            message, kind, payload = await self.fake.wait_until(find, timeout, f"{label!r}")
        except AssertionError:
            raise AssertionError(f"no button {label!r} within {timeout}s\n"
                                 f"{self.chat_log()}") from None
        return message, kind, payload
