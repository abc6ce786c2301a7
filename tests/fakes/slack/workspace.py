"""Workspace Web API methods: ``api.test``, ``auth.test``, ``conversations.*``, ``users.info``."""

from __future__ import annotations

from tests.fakes.slack.core import FakeSlackCore
from tests.fakes.slack.records import ApiHandler, JsonDict, SlackApiFailure, require


class WorkspaceMixin(FakeSlackCore):
    """Auth checks, DMs / group DMs, channel members and user records."""

    def _api_handlers(self) -> dict[str, ApiHandler]:
        return {
            **super()._api_handlers(),
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "users.info": self._users_info,
        }

    async def _api_test(self, params: JsonDict, token: str) -> JsonDict:
        return {"ok": True, "args": params}

    async def _auth_test(self, params: JsonDict, token: str) -> JsonDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain,
            "user": "interview-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    async def _conversations_open(self, params: JsonDict, token: str) -> JsonDict:
        if params.get("channel"):
            return {"ok": True, "channel": {"id": str(params["channel"])}}
        require(params, "users")
        users = [u.strip() for u in str(params["users"]).split(",") if u.strip()]
        if len(users) == 1:
            cid = self._dm_for(users[0])
        else:
            key = ",".join(sorted(users))
            cid = self._dms.setdefault(key, self._new_id("G"))
        self._members.setdefault(cid, [*users, self.bot_user_id])
        return {"ok": True, "channel": {"id": cid}}

    async def _conversations_members(self, params: JsonDict, token: str) -> JsonDict:
        require(params, "channel")
        members = self._members.get(str(params["channel"]))
        if members is None:
            raise SlackApiFailure("channel_not_found")
        return {"ok": True, "members": list(members), "response_metadata": {"next_cursor": ""}}

    async def _users_info(self, params: JsonDict, token: str) -> JsonDict:
        require(params, "user")
        user = self._users.get(str(params["user"]))
        if user is None:
            raise SlackApiFailure("user_not_found")
        return {"ok": True, "user": user}
