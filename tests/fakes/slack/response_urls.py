"""Interaction ``response_url``s: issuing them and answering the bot's POSTs to them."""

from __future__ import annotations

import json
import secrets
from typing import Any

from aiohttp import web

from tests.fakes.slack.messages import MessageStoreMixin
from tests.fakes.slack.records import JsonDict

RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_TTL_S = 30 * 60


class ResponseUrlMixin(MessageStoreMixin):
    """A response_url works ``RESPONSE_URL_MAX_USES`` times within ``RESPONSE_URL_TTL_S``."""

    def issue_response_url(
        self, *, channel: str | None, user_id: str, message_ts: str | None = None
    ) -> str:
        rid = f"{next(self._ids)}{secrets.token_hex(8)}"
        self._response_urls[rid] = {
            "channel": channel,
            "user": user_id,
            "message_ts": message_ts,
            "issued": self.now(),
            "uses": 0,
        }
        return f"{self.base_url}/response/{rid}"

    @property
    def response_url_posts(self) -> list[JsonDict]:
        return list(self._response_posts)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        info = self._response_urls.get(rid)
        try:
            payload = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = dict(await request.post())
        if not isinstance(payload, dict):
            payload = {}
        if info is None:
            await self._record("response_url", payload, None, 404, {"error": "no_such_url"})
            return web.Response(status=404, text="no_service")
        if (
            info["uses"] >= RESPONSE_URL_MAX_USES
            or self.now() - info["issued"] > RESPONSE_URL_TTL_S
        ):
            await self._record("response_url", payload, None, 404, {"error": "used_url"})
            return web.Response(status=404, text="used_url")
        info["uses"] += 1
        channel: str | None = info["channel"]
        original = (
            self.message(channel, info["message_ts"]) if (channel and info["message_ts"]) else None
        )
        effect: str
        if _truthy(payload.get("delete_original")):
            effect = "delete_original"
            if original is not None and channel is not None:
                self._messages[channel].remove(original)
        elif _truthy(payload.get("replace_original")):
            effect = "replace_original"
            if original is not None:
                for key in ("text", "blocks", "attachments"):
                    if key in payload:
                        original[key] = payload[key]
                original["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        elif payload.get("response_type") == "in_channel" and channel is not None:
            effect = "in_channel"
            msg = self._bot_message(channel, payload)
            self._store_message(channel, msg)
        else:
            effect = "ephemeral"
            self._ephemerals.append(
                {
                    "channel": channel,
                    "user": info["user"],
                    "text": payload.get("text") or "",
                    "blocks": payload.get("blocks"),
                    "thread_ts": payload.get("thread_ts"),
                    "message_ts": self._next_ts(),
                    "via": "response_url",
                }
            )
        record = {
            "url_id": rid,
            "effect": effect,
            "channel": channel,
            "user": info["user"],
            "message_ts": info["message_ts"],
            "payload": payload,
        }
        self._response_posts.append(record)
        await self._record("response_url", {**payload, "_effect": effect}, None, 200, record)
        return web.Response(text="ok", content_type="text/html")


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")
