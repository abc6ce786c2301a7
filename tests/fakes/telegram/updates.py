"""The update queue: injecting updates for the bot and delivering them by long polling."""

from __future__ import annotations

import asyncio
import contextlib
import copy
from typing import Any

from tests.fakes.telegram.core import FakeTelegramCore
from tests.fakes.telegram.errors import TelegramAPIError, conflict_webhook
from tests.fakes.telegram.params import Params
from tests.fakes.telegram.records import CallbackRecord, PendingUpdate

#: Update types delivered when ``allowed_updates`` is not set (or set to ``[]``).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdatesMixin(FakeTelegramCore):
    """Pending updates (at-least-once until confirmed by ``offset``) and ``getUpdates``."""

    def next_update_id(self) -> int:
        uid = self._next_update_id
        self._next_update_id += 1
        return uid

    def inject_raw_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (JSON dict) for the bot. Assigns ``update_id`` if missing."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self.next_update_id()
        else:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self._learn_from_update(update)
        self.updates[update["update_id"]] = update
        self._pending.append(PendingUpdate(update=update))
        self._after_enqueue()
        return update

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Deliver an already emitted update again (same update_id), e.g. for idempotency tests."""
        update = copy.deepcopy(self.updates[update_id])
        self._pending.append(PendingUpdate(update=update, redelivery=True))
        self._after_enqueue()
        return update

    @property
    def pending_update_count(self) -> int:
        return len(self._pending)

    def _after_enqueue(self) -> None:
        """Wake up whoever waits on the queue (long polls, ``wait_for``)."""
        self._notify()

    def _learn_from_update(self, update: dict[str, Any]) -> None:
        for key in ("message", "edited_message", "channel_post"):
            msg = update.get(key)
            if isinstance(msg, dict) and isinstance(msg.get("chat"), dict):
                state = self.ensure_chat(msg["chat"])
                mid = msg.get("message_id")
                if isinstance(mid, int) and mid not in state.messages:
                    state.messages[mid] = msg
                    state.order.append(mid)
                    state.next_message_id = max(state.next_message_id, mid + 1)
        cq = update.get("callback_query")
        if isinstance(cq, dict) and cq.get("id") not in self.callback_queries:
            msg = cq.get("message") or {}
            self.callback_queries[str(cq["id"])] = CallbackRecord(
                id=str(cq["id"]),
                user_id=int(cq["from"]["id"]),
                chat_id=(msg.get("chat") or {}).get("id"),
                message_id=msg.get("message_id"),
                data=cq.get("data"),
                time=self.clock(),
            )

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = [k for k in update if k != "update_id"]
        kind = kinds[0] if kinds else ""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    # ------------------------------------------------------------------ Bot API methods

    async def _m_getUpdates(self, p: Params) -> Any:
        if self.webhook_url is not None:
            raise conflict_webhook()
        offset = p.int_("offset", 0) or 0
        limit = max(1, min(100, p.int_("limit", 100) or 100))
        timeout = max(0, p.int_("timeout", 0) or 0)
        allowed = p.json_("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        self._poll_generation += 1
        generation = self._poll_generation

        if offset > 0:
            self._pending = [
                e
                for e in self._pending
                if e.update["update_id"] >= offset or (e.redelivery and not e.returned)
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise TelegramAPIError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            if self.webhook_url is not None:
                raise conflict_webhook()
            batch = [e for e in self._pending if self._allowed(e.update)][:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                break
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        self._pending = [e for e in self._pending if self._allowed(e.update)]
        for entry in batch:
            entry.returned = True
        return [copy.deepcopy(e.update) for e in batch]
