"""The adapter port: the small shape every platform channel has (STYLE rule 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from conversations.events import ConversationRef, Event
from conversations.messages import RenderedMessage

EventSink = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RejectedInput:
    """Inbound input that is malformed (not merely unexpected): answered, never handled,
    kept with the reason. `raw` is the input as received, made safe to store."""

    platform: str
    reason: str
    raw: str
    event_id: str | None = None  # when the input carried a usable id


RejectionSink = Callable[[RejectedInput], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Capabilities:
    max_buttons: int  # per message; more are rendered as numbered replies
    max_text_length: int
    max_button_label: int
    video_notes: bool
    max_download_bytes: int | None  # None: no platform limit
    # The text limit of a message that shows buttons, when lower (WhatsApp: 1,024).
    max_text_with_buttons: int | None = None
    # Whether a media message says how long it is (WhatsApp's do not: the runtime measures
    # the file once downloaded).
    media_durations: bool = True
    # Free-form messages only within this many seconds of the user's last message
    # (WhatsApp: 24 h); outside it only templates (`SendsTemplates`). None: no such rule.
    reply_window_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str


class Channel(Protocol):
    """One platform connection: receives events into a sink, sends rendered messages."""

    @property
    def platform(self) -> str:
        """A `Platform` value."""
    capabilities: Capabilities

    async def start(self, sink: EventSink) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage: ...

    async def edit(
        self, to: ConversationRef, message_id: str, message: RenderedMessage
    ) -> None: ...

    def download(self, file_ref: str) -> AsyncIterator[bytes]: ...


class InviteLinks(Protocol):
    """How a candidate channel's invite links look and how its user ids are written.

    `links` may ask the platform once per batch (Telegram learns its bot's username from
    getMe); `user_id` reads a user id as people write it for this platform (RECRUITERS,
    invites addressed to a user), None when the text is not one.
    """

    @property
    def platform(self) -> str:
        """A `Platform` value."""

    async def links(self, tokens: Sequence[str]) -> list[str]: ...

    def user_id(self, written: str) -> str | None: ...


class DirectInvites(Protocol):
    """A candidate channel that reaches the person itself (Slack DMs): the invite is sent
    to one user id, so it is theirs from the start, and no link with the token is shown.

    `open_invite` opens the conversation and sends `welcome`, whose one button's payload is
    the invite token (pressing it opens the interview); it returns a link to that
    conversation for the recruiter. `user_id` reads a user id as people write it.
    """

    @property
    def platform(self) -> str:
        """A `Platform` value."""

    def user_id(self, written: str) -> str | None: ...

    async def open_invite(self, user_id: str, welcome: RenderedMessage) -> str: ...


@runtime_checkable
class ReportsHealth(Protocol):
    """A channel that can tell why it cannot receive right now (long polling can)."""

    def degraded(self) -> str | None: ...


@runtime_checkable
class ReportsPolling(Protocol):
    """A channel that may poll: "leader" (this replica polls), "standby" (another does),
    or None (it receives by webhook)."""

    def polling_role(self) -> str | None: ...


class Leadership(Protocol):
    """Work that only one replica may do at a time (Telegram long polling: a second poller
    is refused). Without several replicas there is no such port: the work just runs."""

    leading: bool  # this process leads right now

    async def lead(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `work` whenever this process leads (again after a handover); cancelling
        `lead` stops it and gives the lead up."""
        ...


@runtime_checkable
class SendsTemplates(Protocol):
    """A channel that can reach a user outside its reply window with pre-approved templates,
    one per purpose (`reminder`, `deadline`, `decision`) when configured."""

    def has_template(self, purpose: str) -> bool: ...

    async def send_template(
        self, to: ConversationRef, purpose: str, params: Sequence[str],
        language: str | None = None,
    ) -> SentMessage:
        """`language`: the candidate's (the kit's); the template's nearest approved one."""
        ...
