"""Interactivity of the Slack driver: button clicks, modal submissions and slash commands."""

from __future__ import annotations

import secrets

from tests.fakes.slack.driver_transport import DriverResponse, DriverTransport
from tests.fakes.slack.driver_view_state import view_state_values
from tests.fakes.slack.records import JsonDict


class InteractionsMixin(DriverTransport):
    """``block_actions``, ``view_submission`` and slash command requests, as Slack sends them."""

    # ------------------------------------------------------------------ interactivity

    def _find_button(
        self, blocks: list[JsonDict], action_id: str, value: str | None
    ) -> tuple[JsonDict, JsonDict] | None:
        for block in blocks:
            elements = block.get("elements", []) if block.get("type") == "actions" else []
            accessory = block.get("accessory")
            if accessory:
                elements = [*elements, accessory]
            for el in elements:
                same_value = value is None or el.get("value") == value
                if el.get("action_id") == action_id and same_value:
                    return block, el
        return None

    async def click(
        self,
        user_id: str,
        *,
        channel: str,
        message_ts: str,
        action_id: str,
        value: str | None = None,
        block_id: str | None = None,
        strict: bool = True,
        trigger_age: float = 0.0,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Click a button on a message; ``block_id`` / text are taken from the stored message.

        With ``strict`` the message must exist in the fake and carry that button (catches
        clicks on buttons the bot never rendered). ``trigger_age`` back-dates the trigger_id.
        """
        msg = self.fake.message(channel, message_ts)
        found = self._find_button(msg.get("blocks") or [], action_id, value) if msg else None
        if strict and found is None:
            raise AssertionError(
                f"no button action_id={action_id!r} value={value!r} on message "
                f"{channel}/{message_ts}: {msg!r}"
            )
        element: JsonDict = found[1] if found else {}
        if block_id is None:
            block_id = found[0].get("block_id", "") if found else secrets.token_hex(3)
        if value is None:
            value = element.get("value")
        trigger_id = self.fake.issue_trigger(user_id, age=trigger_age)
        response_url = self.fake.issue_response_url(
            channel=channel, user_id=user_id, message_ts=message_ts
        )
        action_ts = f"{self._clock():.6f}"
        action: JsonDict = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": element.get("text")
            or {"type": "plain_text", "text": action_id, "emoji": True},
            "action_ts": action_ts,
        }
        if value is not None:
            action["value"] = value
        if "style" in element:
            action["style"] = element["style"]
        message = {
            k: v
            for k, v in (msg or {"type": "message", "ts": message_ts}).items()
            if k != "channel"
        }
        container: JsonDict = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        if msg and msg.get("thread_ts"):
            container["thread_ts"] = msg["thread_ts"]
        payload: JsonDict = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.fake.app_id,
            "token": self.fake.verification_token,
            "container": container,
            "trigger_id": trigger_id,
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": self.fake.channel_name(channel)},
            "message": message,
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [action],
        }
        return await self._send_interaction(payload, bad_signature=bad_signature, stale=stale)

    async def submit_view(
        self,
        user_id: str,
        *,
        view_id: str | None = None,
        callback_id: str | None = None,
        private_metadata: str | None = None,
        state_values: JsonDict | None = None,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Submit a modal. The view comes from the fake by ``view_id`` or latest ``callback_id``.

        ``state_values``: Slack's shape ``{block_id: {action_id: {"type": ..., ...}}}``, or raw
        values ``{block_id: {action_id: "v"}}`` / ``{block_id: "v"}`` typed from the view's
        input element (static_select -> selected_option, plain_text_input -> value, ...).
        """
        view: JsonDict | None = None
        if view_id is not None:
            view = self.fake.view(view_id)
        elif callback_id is not None:
            matches = [
                v["view"]
                for v in self.fake.views_opened
                if v["view"].get("callback_id") == callback_id
            ]
            view = self.fake.view(matches[-1]["id"]) if matches else None
        if view is None:
            view = {
                "id": view_id or f"V{self._next():08d}",
                "type": "modal",
                "blocks": [],
                "callback_id": callback_id or "",
                "private_metadata": "",
                "title": {"type": "plain_text", "text": "Form"},
            }
        view = dict(view)
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        view["state"] = {"values": view_state_values(view, state_values or {})}
        view.setdefault("team_id", self.fake.team_id)
        view.setdefault("app_id", self.fake.app_id)
        view.setdefault("bot_id", self.fake.bot_id)
        payload: JsonDict = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.fake.app_id,
            "token": self.fake.verification_token,
            "trigger_id": self.fake.issue_trigger(user_id),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self._send_interaction(payload, bad_signature=bad_signature, stale=stale)

    # ------------------------------------------------------------------ slash commands

    async def slash(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str = "C0CHAN001",
        trigger_age: float = 0.0,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        user = self.fake.user(user_id)
        fields = {
            "token": self.fake.verification_token,
            "team_id": self.fake.team_id,
            "team_domain": self.fake.team_domain,
            "channel_id": channel_id,
            "channel_name": self.fake.channel_name(channel_id),
            "user_id": user_id,
            "user_name": user["name"],
            "command": command,
            "text": text,
            "api_app_id": self.fake.app_id,
            "is_enterprise_install": "false",
            "response_url": self.fake.issue_response_url(channel=channel_id, user_id=user_id),
            "trigger_id": self.fake.issue_trigger(user_id, age=trigger_age),
        }
        return await self._send_form(
            fields, dict(fields), bad_signature=bad_signature, stale=stale
        )
