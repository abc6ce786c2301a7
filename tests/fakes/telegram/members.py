"""Group chats and their members: ``getChatMember`` as the Bot API answers it."""

from __future__ import annotations

import copy
from typing import Any

from tests.fakes.telegram.core import FakeTelegramCore
from tests.fakes.telegram.errors import bad_request
from tests.fakes.telegram.params import Params
from tests.fakes.telegram.records import ChatState

_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
    "can_delete_stories", "can_send_welcome_messages",
)
STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


def chat_member(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object with the fields its status requires."""
    if status not in STATUSES:
        raise ValueError(f"unsupported member status {status!r}")
    member: dict[str, Any] = {"status": status, "user": copy.deepcopy(user)}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({right: right == "can_delete_messages" for right in _ADMIN_RIGHTS})
    elif status == "kicked":
        member["until_date"] = 0
    return member


class ChatMembersMixin(FakeTelegramCore):
    """Groups the bot is in (``add_group``), who is in them (``set_member``)."""

    def add_group(self, chat_id: int, title: str, kind: str = "supergroup") -> ChatState:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        return self.ensure_chat({"id": chat_id, "type": kind, "title": title})

    def set_member(self, chat_id: int, user: dict[str, Any], status: str = "member") -> None:
        self.chat(chat_id).members[int(user["id"])] = chat_member(user, status)
        self._notify()

    async def _m_getChatMember(self, p: Params) -> Any:
        state = self.chats.get(p.chat_id())
        if state is None:
            raise bad_request("chat not found")
        user_id = p.int_("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        if user_id == self.bot_id:
            return chat_member(self.bot_user, "administrator")
        member = state.members.get(user_id)
        if member is None:
            # Telegram answers "left" for a user it knows who is not in the chat.
            known = self.chats.get(user_id)
            if known is None:
                raise bad_request("user not found")
            user = {"id": user_id, "is_bot": False,
                    "first_name": known.chat.get("first_name", "User")}
            return chat_member(user, "left")
        return copy.deepcopy(member)
