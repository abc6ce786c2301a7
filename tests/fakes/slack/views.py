"""``views.*`` Web API methods (modals) and the trigger_ids they must be opened with."""

from __future__ import annotations

import secrets
from typing import Any

from tests.fakes.slack.blocks import validate_blocks
from tests.fakes.slack.core import FakeSlackCore
from tests.fakes.slack.records import ApiHandler, JsonDict, SlackApiFailure

TRIGGER_TTL_S = 3.0


class ViewsMixin(FakeSlackCore):
    """``views.open`` / ``views.push`` / ``views.update``; trigger_ids expire and are one-shot."""

    def _api_handlers(self) -> dict[str, ApiHandler]:
        return {
            **super()._api_handlers(),
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
        }

    def issue_trigger(self, user_id: str, *, age: float = 0.0) -> str:
        """Register a trigger_id (as Slack does on an interaction); ``age`` back-dates it."""
        trigger_id = f"{next(self._ids)}.{self.team_id}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = {"user": user_id, "issued": self.now() - age, "used": False}
        return trigger_id

    @property
    def views_opened(self) -> list[JsonDict]:
        """``{"id", "method", "trigger_id", "user", "view"}`` per views.open / views.push."""
        return list(self._views_opened)

    def view(self, view_id: str) -> JsonDict:
        """Current state of a view (as returned by views.* calls)."""
        return self._views[view_id]

    # ------------------------------------------------------------------ helpers

    def _check_trigger(self, params: JsonDict) -> str:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise SlackApiFailure("invalid_arguments", needed="trigger_id")
        trig = self._triggers.get(str(trigger_id))
        if trig is None:
            raise SlackApiFailure("invalid_trigger_id")
        if self.now() - trig["issued"] > TRIGGER_TTL_S:
            raise SlackApiFailure("expired_trigger_id")
        if trig["used"]:
            raise SlackApiFailure("exchanged_trigger_id")
        trig["used"] = True
        return str(trig["user"])

    def _make_view(
        self,
        view: Any,
        *,
        view_id: str | None = None,
        root: str | None = None,
        previous: str | None = None,
    ) -> JsonDict:
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            raise SlackApiFailure("invalid_arguments", needed="view")
        validate_blocks(view.get("blocks", []), unique_action_ids=self.unique_action_ids)
        if len(view.get("private_metadata") or "") > 3000:
            raise SlackApiFailure(
                "invalid_arguments", response_metadata={"messages": ["private_metadata too long"]}
            )
        vid = view_id or self._new_id("V")
        return {
            "id": vid,
            "team_id": self.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": secrets.token_hex(8),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root or vid,
            "previous_view_id": previous,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    # ------------------------------------------------------------------ Web API methods

    async def _views_open(self, params: JsonDict, token: str) -> JsonDict:
        return self._show_view(params, "views.open")

    async def _views_push(self, params: JsonDict, token: str) -> JsonDict:
        return self._show_view(params, "views.push")

    def _show_view(self, params: JsonDict, method: str) -> JsonDict:
        """``views.open`` / ``views.push``: a fresh trigger id opens (or stacks) a view."""
        user = self._check_trigger(params)
        view = self._make_view(params.get("view"))
        self._views[view["id"]] = view
        self._views_opened.append({"id": view["id"], "method": method, "user": user,
                                   "trigger_id": params["trigger_id"], "view": view})
        return {"ok": True, "view": view}

    async def _views_update(self, params: JsonDict, token: str) -> JsonDict:
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if not view_id and external_id:
            view_id = next(
                (v["id"] for v in self._views.values() if v.get("external_id") == external_id),
                None,
            )
        if not view_id or view_id not in self._views:
            raise SlackApiFailure("not_found")
        old = self._views[view_id]
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackApiFailure("hash_conflict")
        view = self._make_view(
            params.get("view"),
            view_id=view_id,
            root=old["root_view_id"],
            previous=old["previous_view_id"],
        )
        self._views[view_id] = view
        return {"ok": True, "view": view}
