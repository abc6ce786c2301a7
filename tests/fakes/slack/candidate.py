"""A person in a direct message with the bot, script-style (`send_text`, `send_clip`,
`press("Retake")`, `expect_message`), over the fake Slack and the signed driver.

Messages the person writes are stored in the DM (an `im` channel, id `D…`) and pushed to the
bot as signed `message` events (`channel_type: im`; a clip or upload as `subtype: file_share`
with the file registered in the fake, downloadable only with the bot token). Clicks are
signed `block_actions` on the stored bot message that shows the button.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import re
from pathlib import Path
from typing import Any

from tests.fakes.slack.driver import DriverResponse, SlackDriver
from tests.fakes.slack.server import FakeSlack

Matcher = str | re.Pattern[str]
CLIP_SUBTYPES = {"audio": "slack_audio", "video": "slack_video"}


def _text(message: dict[str, Any]) -> str:
    return str(message.get("text") or "")


def _matches(message: dict[str, Any], contains: Matcher) -> bool:
    text = _text(message)
    return bool(contains.search(text)) if isinstance(contains, re.Pattern) else contains in text


class SlackCandidate:
    def __init__(self, fake: FakeSlack, driver: SlackDriver, user_id: str,
                 name: str = "ada") -> None:
        self.fake, self.driver, self.user_id = fake, driver, user_id
        fake.add_user(user_id, name=name)
        self.dm = fake._dm_for(user_id)
        self._seen: set[str] = set()
        self._edits_seen = 0
        self.last_event: DriverResponse | None = None

    # -- what the person does -----------------------------------------------------------

    async def send_text(self, text: str, **kw: Any) -> DriverResponse:
        response = await self.driver.message(self.user_id, self.dm, text, **kw)
        assert response.status == 200, response
        self.last_event = response
        return response

    async def send_clip(self, path: Path, kind: str = "audio", *,
                        mimetype: str | None = None) -> DriverResponse:
        """A clip recorded in Slack (`kind` audio or video), shared in the DM."""
        mime = mimetype or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "audio" and mime.startswith("video/"):
            mime = "audio/" + mime.removeprefix("video/")  # an audio clip in MP4 / WebM
        content = await asyncio.to_thread(path.read_bytes)
        file = self.fake.add_file(content, name=path.name, mimetype=mime,
                                  user=self.user_id)
        file.subtype = CLIP_SUBTYPES[kind]
        response = await self.driver.message(self.user_id, self.dm, "", files=[file])
        assert response.status == 200, response
        self.last_event = response
        return response

    async def press(self, label: str, timeout: float = 10.0) -> DriverResponse:
        """Click the newest button labelled `label` in the DM (waiting for it to appear)."""

        def find() -> tuple[str, dict[str, Any]] | None:
            for message in reversed(self.fake.messages(self.dm)):
                for block in message.get("blocks") or []:
                    for element in block.get("elements") or []:
                        if element.get("type") == "button" and \
                                element["text"]["text"] == label:
                            return str(message["ts"]), element
            return None

        try:
            ts, button = await self.fake.wait_until(find, timeout, what=f"button {label!r}")
        except TimeoutError:
            raise AssertionError(f"no button {label!r}\n{self.chat_log()}") from None
        response = await self.driver.click(
            self.user_id, channel=self.dm, message_ts=ts, action_id=button["action_id"],
            value=button.get("value"))
        assert response.status == 200 and response.elapsed < 3, response
        return response

    # -- what the person sees -----------------------------------------------------------

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.fake.messages(self.dm) if m.get("bot_id")]

    async def expect_message(self, contains: Matcher, timeout: float = 10.0
                             ) -> dict[str, Any]:
        """The next not-yet-seen bot message in the DM matching `contains`."""

        def find() -> dict[str, Any] | None:
            for message in self.bot_messages():
                if message["ts"] not in self._seen and _matches(message, contains):
                    return message
            return None

        try:
            found = await self.fake.wait_until(find, timeout, what=f"message {contains!r}")
        except TimeoutError:
            raise AssertionError(f"no bot message matching {contains!r} within {timeout}s\n"
                                 f"{self.chat_log()}") from None
        self._seen.add(found["ts"])
        return found

    async def expect_edit(self, contains: Matcher, timeout: float = 10.0) -> dict[str, Any]:
        """The next chat.update of a message in the DM whose new text matches."""

        def find() -> tuple[int, dict[str, Any]] | None:
            updates = [c for c in self.fake.calls("chat.update")
                       if c.params.get("channel") == self.dm]
            for n in range(self._edits_seen, len(updates)):
                if _matches(updates[n].params, contains):
                    return n + 1, updates[n].params
            return None

        try:
            position, params = await self.fake.wait_until(find, timeout, what="chat.update")
        except TimeoutError:
            raise AssertionError(f"no edit matching {contains!r}\n{self.chat_log()}") from None
        self._edits_seen = position
        return params

    def chat_log(self) -> str:
        lines = []
        for message in self.fake.messages(self.dm):
            who = "bot" if message.get("bot_id") else message.get("user")
            buttons = [e["text"]["text"] for b in message.get("blocks") or []
                       for e in b.get("elements") or [] if e.get("type") == "button"]
            files = [f.get("name") for f in message.get("files") or []]
            lines.append(f"[{who}] {_text(message)!r}" + (f" {buttons}" if buttons else "")
                         + (f" files={files}" if files else ""))
        return "\n".join(lines)

    def blocks_json(self) -> str:
        return json.dumps([m.get("blocks") for m in self.bot_messages()], ensure_ascii=False)
