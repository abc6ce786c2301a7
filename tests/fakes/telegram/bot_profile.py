"""Bot-level Bot API methods: ``getMe``, session methods, commands, name and descriptions."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.fakes.telegram.core import FakeTelegramCore
from tests.fakes.telegram.errors import bad_request
from tests.fakes.telegram.params import Params

CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
_BOT_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class BotProfileMixin(FakeTelegramCore):
    """The bot's identity and settings; commands are kept per (scope, language_code)."""

    async def _m_getMe(self, p: Params) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_logOut(self, p: Params) -> Any:
        return True

    async def _m_close(self, p: Params) -> Any:
        return True

    async def _m_setMyCommands(self, p: Params) -> Any:
        scope = p.json_("scope") or {}
        if isinstance(scope, dict) and scope.get("type") in CHAT_SCOPES and (
            scope.get("chat_id") not in self.chats
        ):
            raise bad_request("chat not found")
        commands = p.json_("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        cleaned = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise bad_request("can't parse BotCommand")
            name = str(cmd.get("command", ""))
            desc = str(cmd.get("description", ""))
            if not _BOT_COMMAND_RE.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": desc})
        self.commands[self._commands_key(p)] = cleaned
        return True

    async def _m_getMyCommands(self, p: Params) -> Any:
        key = self._commands_key(p)
        if key in self.commands:
            return copy.deepcopy(self.commands[key])
        return copy.deepcopy(self.commands.get((key[0], ""), []))

    async def _m_deleteMyCommands(self, p: Params) -> Any:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.json_("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.str_("language_code") or ""

    async def _m_setMyDescription(self, p: Params) -> Any:
        return True

    async def _m_setMyShortDescription(self, p: Params) -> Any:
        return True

    async def _m_setMyName(self, p: Params) -> Any:
        return True

    async def _m_setChatMenuButton(self, p: Params) -> Any:
        return True
