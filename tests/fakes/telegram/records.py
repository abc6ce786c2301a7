"""What the fake records and stores: bot calls, files, callback queries, chats, deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BotCall:
    """One request the bot made to the fake (recorded before faults are applied)."""

    method: str
    params: dict[str, Any]
    time: float
    files: dict[str, bytes] = field(default_factory=dict)
    http_method: str = "POST"
    status: int | None = None
    response: dict[str, Any] | None = None
    via: str = "http"  # "http" or "webhook_response"


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_size: int
    mime_type: str | None = None
    file_name: str | None = None
    file_path: str | None = None


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str | None
    time: float
    answered: bool = False
    answer: dict[str, Any] | None = None
    answered_at: float | None = None


@dataclass
class WebhookDelivery:
    update_id: int
    attempt: int
    url: str
    status: int | None
    error: str | None
    time: float
    secret_token: str | None = None


@dataclass
class PendingUpdate:
    update: dict[str, Any]
    returned: bool = False
    redelivery: bool = False
    attempts: int = 0


@dataclass
class ChatState:
    chat: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    bot_message_ids: list[int] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)
    edits: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (message_id, snapshot)
    next_message_id: int = 1
    members: dict[int, dict[str, Any]] = field(default_factory=dict)  # groups: ChatMember JSON

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid
