"""``chat.*`` Web API methods: post, update, delete and ephemeral messages."""

from __future__ import annotations

from tests.fakes.slack.messages import MessageStoreMixin
from tests.fakes.slack.records import ApiHandler, JsonDict, SlackApiFailure, require


class ChatMixin(MessageStoreMixin):
    """``chat.postMessage`` / ``chat.update`` / ``chat.delete`` / ``chat.postEphemeral``."""

    def _api_handlers(self) -> dict[str, ApiHandler]:
        return {
            **super()._api_handlers(),
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
        }

    async def _chat_post_message(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        self._check_text(params)
        msg = self._bot_message(channel, params)
        self._store_message(channel, msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": dict(msg)}

    async def _chat_update(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        require(params, "ts")
        msg = self.message(channel, str(params["ts"]))
        if msg is None or msg.get("deleted"):
            raise SlackApiFailure("message_not_found")
        if msg.get("user") != self.bot_user_id:
            raise SlackApiFailure("cant_update_message")
        if "blocks" in params or "text" in params:
            self._check_text({**{"text": msg.get("text")}, **params})
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                msg[key] = params[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": msg["ts"],
            "text": msg.get("text", ""),
            "message": dict(msg),
        }

    async def _chat_delete(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        require(params, "ts")
        msg = self.message(channel, str(params["ts"]))
        if msg is None or msg.get("deleted"):
            raise SlackApiFailure("message_not_found")
        self._messages[channel].remove(msg)
        return {"ok": True, "channel": channel, "ts": msg["ts"]}

    async def _chat_post_ephemeral(self, params: JsonDict, token: str) -> JsonDict:
        channel = self._channel_param(params)
        require(params, "user")
        self._check_text(params)
        user = str(params["user"])
        members = self._members.get(channel)
        if members is not None and user not in members:
            raise SlackApiFailure("user_not_in_channel")
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "text": params.get("text") or "",
                "blocks": params.get("blocks"),
                "thread_ts": params.get("thread_ts"),
                "message_ts": ts,
                "via": "chat.postEphemeral",
            }
        )
        return {"ok": True, "message_ts": ts}
