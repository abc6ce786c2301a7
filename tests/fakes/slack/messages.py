"""The per-channel message store: messages the bot posts, messages humans write, threads."""

from __future__ import annotations

from tests.fakes.slack.blocks import check_text
from tests.fakes.slack.core import FakeSlackCore
from tests.fakes.slack.records import FakeFile, JsonDict, SlackApiFailure, require


class MessageStoreMixin(FakeSlackCore):
    """Messages by channel (oldest first), thread bookkeeping and ephemeral messages."""

    def add_user_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[FakeFile] | None = None,
    ) -> JsonDict:
        """Store a message written by a human (the driver does this for message events)."""
        msg: JsonDict = {
            "type": "message",
            "ts": self._next_ts(),
            "channel": channel,
            "user": user,
            "team": self.team_id,
            "text": text,
        }
        if thread_ts:
            msg["thread_ts"] = thread_ts
        if files:
            msg["subtype"] = "file_share"
            msg["files"] = [f.to_api() for f in files]
            for f in files:
                if channel not in f.channels:
                    f.channels.append(channel)
        self._store_message(channel, msg)
        return msg

    # ------------------------------------------------------------------ inspection

    def messages(self, channel: str, *, include_replies: bool = False) -> list[JsonDict]:
        """Messages in ``channel`` (top-level only unless ``include_replies``), oldest first."""
        msgs = [m for m in self._messages.get(self._resolve_channel(channel), [])]
        if include_replies:
            return msgs
        return [m for m in msgs if m.get("thread_ts") in (None, m["ts"])]

    def message(self, channel: str, ts: str) -> JsonDict | None:
        for m in self._messages.get(self._resolve_channel(channel), []):
            if m["ts"] == ts:
                return m
        return None

    def thread(self, channel: str, ts: str) -> list[JsonDict]:
        """Like conversations.replies: the parent (if known) first, then its replies."""
        msgs = self._messages.get(self._resolve_channel(channel), [])
        parent = [m for m in msgs if m["ts"] == ts]
        replies = [m for m in msgs if m.get("thread_ts") == ts and m["ts"] != ts]
        return parent + replies

    @property
    def ephemerals(self) -> list[JsonDict]:
        """``{"channel","user","text","blocks","via"}``; via = chat.postEphemeral|response_url."""
        return list(self._ephemerals)

    # ------------------------------------------------------------------ helpers

    def _bot_message(self, channel: str, params: JsonDict) -> JsonDict:
        msg: JsonDict = {
            "type": "message",
            "subtype": "bot_message",
            "ts": self._next_ts(),
            "channel": channel,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text") or "",
        }
        if params.get("blocks") is not None:
            msg["blocks"] = params["blocks"]
        if params.get("attachments") is not None:
            msg["attachments"] = params["attachments"]
        if params.get("thread_ts"):
            msg["thread_ts"] = str(params["thread_ts"])
        if params.get("metadata") is not None:
            msg["metadata"] = params["metadata"]
        return msg

    def _store_message(self, channel: str, msg: JsonDict) -> None:
        self._messages.setdefault(channel, []).append(msg)
        parent_ts = msg.get("thread_ts")
        if parent_ts and parent_ts != msg["ts"]:
            parent = self.message(channel, parent_ts)
            if parent is not None:
                parent["thread_ts"] = parent_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1

    def _channel_param(self, params: JsonDict) -> str:
        require(params, "channel")
        channel = str(params["channel"])
        if channel.startswith("#"):
            raise SlackApiFailure("channel_not_found")
        return self._resolve_channel(channel)

    def _check_text(self, params: JsonDict) -> None:
        check_text(params, unique_action_ids=self.unique_action_ids)
