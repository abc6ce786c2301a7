"""``conversations.history``: a channel's top-level messages, newest first; message metadata
only with ``include_all_metadata`` (as Slack does)."""

from __future__ import annotations

from tests.fakes.slack.core import FakeSlackCore
from tests.fakes.slack.records import ApiHandler, JsonDict, SlackApiFailure, require

DEFAULT_LIMIT, MAX_LIMIT = 100, 999


class HistoryMixin(FakeSlackCore):
    def _api_handlers(self) -> dict[str, ApiHandler]:
        return {**super()._api_handlers(), "conversations.history": self._history}

    async def _history(self, params: JsonDict, token: str) -> JsonDict:
        require(params, "channel")
        channel = self._resolve_channel(str(params["channel"]))
        if channel not in self._messages and channel not in self._members:
            raise SlackApiFailure("channel_not_found")
        oldest = float(params.get("oldest") or 0)
        limit = min(int(params.get("limit") or DEFAULT_LIMIT), MAX_LIMIT)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        top = [m for m in self._messages.get(channel, [])
               if m.get("thread_ts") in (None, m["ts"]) and float(m["ts"]) > oldest
               and not m.get("deleted")]
        newest_first = sorted(top, key=lambda m: float(m["ts"]), reverse=True)[:limit]
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                 for m in newest_first]
        return {"ok": True, "messages": shown, "has_more": len(top) > limit,
                "response_metadata": {"next_cursor": ""}}
