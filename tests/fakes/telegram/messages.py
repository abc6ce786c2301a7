"""Messages the bot sends, edits and deletes; callback answers and chat actions."""

from __future__ import annotations

import copy
from typing import Any

from tests.fakes.telegram.core import FakeTelegramCore
from tests.fakes.telegram.errors import TelegramAPIError, bad_request, not_modified
from tests.fakes.telegram.formatting import apply_parse_mode, validate_reply_markup
from tests.fakes.telegram.params import Params
from tests.fakes.telegram.records import ChatState

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class MessagesMixin(FakeTelegramCore):
    """The per-chat message store as the bot changes it, and the Bot API methods doing so."""

    def _chat_for_send(self, params: Params) -> ChatState:
        chat_id = params.chat_id()
        state = self.chats.get(chat_id)
        if state is None:
            raise bad_request("chat not found")
        if state.chat.get("type") == "private" and chat_id in self.blocked_users:
            raise TelegramAPIError(403, "Forbidden: bot was blocked by the user")
        return state

    def _store_bot_message(self, state: ChatState, content: dict[str, Any]) -> dict[str, Any]:
        mid = state.new_message_id()
        msg: dict[str, Any] = {
            "message_id": mid,
            "from": self.bot_user,
            "chat": state.chat,
            "date": int(self.clock()),
            **content,
        }
        state.messages[mid] = msg
        state.order.append(mid)
        state.bot_message_ids.append(mid)
        return copy.deepcopy(msg)

    def _find_message(
        self, params: Params, *, edit: bool = True
    ) -> tuple[ChatState, dict[str, Any]]:
        chat_id = params.chat_id()
        mid = params.int_("message_id")
        if mid is None:
            raise bad_request(
                "message_id is empty" if edit else "message identifier is not specified"
            )
        state = self.chats.get(chat_id)
        if state is None:
            raise bad_request("chat not found")
        msg = state.messages.get(mid)
        what = "edit" if edit else "delete"
        if msg is None or mid in state.deleted:
            raise bad_request(f"message to {what} not found")
        return state, msg

    def _text_and_markup(
        self, params: Params, text_key: str, max_len: int, *, allow_empty: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        content: dict[str, Any] = {}
        raw = params.str_(text_key)
        if raw is None or raw == "":
            if not allow_empty:
                raise bad_request("message text is empty")
        else:
            plain = apply_parse_mode(raw, params.str_("parse_mode"))
            if not plain.strip() and not allow_empty:
                raise bad_request("message text is empty")
            if len(plain) > max_len:
                raise bad_request(
                    "message is too long" if text_key == "text" else "message caption is too long"
                )
            if plain:
                content[text_key] = plain
            if params.str_("parse_mode"):
                content["_raw_" + text_key] = raw
        markup = validate_reply_markup(params.json_("reply_markup"))
        return content, markup

    def _public(self, msg: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in msg.items() if not k.startswith("_")}

    # ------------------------------------------------------------------ Bot API methods

    def _reply_to(self, state: ChatState, p: Params) -> dict[str, Any]:
        """`reply_parameters` (or the older `reply_to_message_id`) -> `reply_to_message`, a
        copy of the message replied to, one level deep as Telegram sends it."""
        reply = p.json_("reply_parameters") or {}
        mid = reply.get("message_id") if isinstance(reply, dict) else None
        mid = mid if mid is not None else p.int_("reply_to_message_id")
        if mid is None:
            return {}
        target = state.messages.get(int(mid))
        if target is None or int(mid) in state.deleted:
            if reply.get("allow_sending_without_reply") or p.bool_("allow_sending_without_reply"):
                return {}
            raise bad_request("message to be replied not found")
        return {"reply_to_message": {k: copy.deepcopy(v) for k, v in target.items()
                                     if k != "reply_to_message" and not k.startswith("_")}}

    async def _m_sendMessage(self, p: Params) -> Any:
        state = self._chat_for_send(p)
        content, markup = self._text_and_markup(p, "text", MAX_TEXT_LENGTH)
        if markup is not None:
            content["reply_markup"] = markup
        content.update(self._reply_to(state, p))
        return self._public(self._store_bot_message(state, content))

    async def _m_editMessageText(self, p: Params) -> Any:
        if p.has("inline_message_id"):
            self._text_and_markup(p, "text", MAX_TEXT_LENGTH)
            return True
        state, msg = self._find_message(p)
        if msg.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        content, markup = self._text_and_markup(p, "text", MAX_TEXT_LENGTH)
        if content.get("text") == msg.get("text") and markup == msg.get("reply_markup"):
            raise not_modified()
        msg.pop("_raw_text", None)
        msg.update(content)
        self._set_markup(msg, markup)
        return self._record_edit(state, msg)

    async def _m_editMessageCaption(self, p: Params) -> Any:
        if p.has("inline_message_id"):
            return True
        state, msg = self._find_message(p)
        if msg.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        content, markup = self._text_and_markup(p, "caption", MAX_CAPTION_LENGTH, allow_empty=True)
        if content.get("caption") == msg.get("caption") and markup == msg.get("reply_markup"):
            raise not_modified()
        msg.pop("caption", None)
        msg.pop("_raw_caption", None)
        msg.update(content)
        self._set_markup(msg, markup)
        return self._record_edit(state, msg)

    async def _m_editMessageReplyMarkup(self, p: Params) -> Any:
        if p.has("inline_message_id"):
            validate_reply_markup(p.json_("reply_markup"))
            return True
        state, msg = self._find_message(p)
        if msg.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        markup = validate_reply_markup(p.json_("reply_markup"))
        if markup == msg.get("reply_markup") or (
            not markup and not msg.get("reply_markup", {}).get("inline_keyboard")
        ):
            raise not_modified()
        self._set_markup(msg, markup)
        return self._record_edit(state, msg)

    def _set_markup(self, msg: dict[str, Any], markup: dict[str, Any] | None) -> None:
        if markup and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)

    def _record_edit(self, state: ChatState, msg: dict[str, Any]) -> dict[str, Any]:
        msg["edit_date"] = max(int(self.clock()), int(msg["date"]))
        state.edits.append((msg["message_id"], self._public(msg)))
        return self._public(msg)

    async def _m_deleteMessage(self, p: Params) -> Any:
        state, msg = self._find_message(p, edit=False)
        state.deleted.add(msg["message_id"])
        return True

    async def _m_deleteMessages(self, p: Params) -> Any:
        state = self.chats.get(p.chat_id())
        ids = p.json_("message_ids") or []
        if state is not None:
            for mid in ids:
                if int(mid) in state.messages:
                    state.deleted.add(int(mid))
        return True

    async def _m_answerCallbackQuery(self, p: Params) -> Any:
        qid = p.str_("callback_query_id")
        if not qid:
            raise bad_request("query_id is empty")
        record = self.callback_queries.get(qid)
        if record is None or record.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.str_("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answered_at = self.clock()
        record.answer = {
            "text": text,
            "show_alert": p.bool_("show_alert"),
            "url": p.str_("url"),
            "cache_time": p.int_("cache_time"),
        }
        return True

    async def _m_sendChatAction(self, p: Params) -> Any:
        self._chat_for_send(p)
        action = p.str_("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True
