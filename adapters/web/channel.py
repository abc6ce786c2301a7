"""The web channel as the engine sees it: `send` and `edit` keep what the page shows,
`download` reads a recording the browser uploaded, and the routes hand in events."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from adapters.base import Capabilities, EventSink, SentMessage
from adapters.errors import MediaUnavailable
from adapters.web.store import PageStore
from adapters.web.uploads import MAX_RECORDING_BYTES, UploadRefused, Uploads
from conversations.events import ConversationRef, Event, Platform
from conversations.messages import RenderedMessage

CAPABILITIES = Capabilities(
    max_buttons=6,
    max_text_length=8000,
    max_button_label=60,
    video_notes=False,  # a recorded video is sent as the video format the question takes
    max_download_bytes=MAX_RECORDING_BYTES,
    media_durations=True,  # measured when the upload is joined (routes)
)


def page_key(token: str) -> str:
    """What stands for a link in conversation keys, event ids, logs and upload folders: the
    token is the key to an interview, so it is never written there."""
    return hashlib.sha256(f"web-page:{token}".encode()).hexdigest()[:32]


def conversation_of(token: str) -> ConversationRef:
    """A web interview's conversation is its link: whichever browser holds the link."""
    key = page_key(token)
    return ConversationRef(Platform.WEB, key, key)


class WebChannel:
    platform = Platform.WEB
    capabilities = CAPABILITIES

    def __init__(self, store: PageStore, uploads: Uploads) -> None:
        self.store = store
        self.uploads = uploads
        self._sink: EventSink | None = None

    async def start(self, sink: EventSink) -> None:
        self._sink = sink

    async def stop(self) -> None:
        self._sink = None

    async def emit(self, event: Event) -> None:
        if self._sink is None:
            raise RuntimeError("the web channel is not started")
        await self._sink(event)

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        shown = await self.store.add_message(to.chat_id, message.text, message.buttons,
                                             message.status_slot)
        await self._sweep(to.chat_id)
        return SentMessage(message_id=str(shown))

    async def _sweep(self, page: str) -> None:
        """Joined recordings the blob store already holds (their part is committed as
        stored, which is what the engine answers with a message) lose their chunks here, so
        a candidate's recording is kept once, where erasure and retention find it."""
        held = await self.uploads.held(page)
        if not held:
            return
        for content_hash in await self.store.stored(tuple(held)):
            await self.uploads.forget(page, held[content_hash])

    async def edit(self, to: ConversationRef, message_id: str, message: RenderedMessage
                   ) -> None:
        if message_id.isdigit():
            await self.store.edit_message(to.chat_id, int(message_id), message.text,
                                          message.buttons)

    async def download(self, file_ref: str) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.uploads.stream(file_ref):
                yield chunk
        except UploadRefused as exc:
            raise MediaUnavailable(f"cannot read the uploaded recording: {exc}") from exc
