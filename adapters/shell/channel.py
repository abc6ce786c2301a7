"""A terminal as a messaging channel: one candidate, stdin in, stdout out.

Lines are read on a daemon thread (a blocked `readline` must not hold up shutdown) and
handed to the event loop. A line that names an existing file is a media answer; its
duration is read from the file by the injected `probe`.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import sys
import threading
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from adapters.base import EventSink, SentMessage
from adapters.errors import MediaUnavailable
from adapters.shell.render import CAPABILITIES, parse_choice, render_text
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    ConversationRef,
    Event,
    MediaKind,
    MediaReceived,
    Platform,
    TextReceived,
)
from conversations.messages import RenderedMessage

PLATFORM = Platform.SHELL
CHUNK = 65536
KIND_BY_SUFFIX = {
    ".ogg": MediaKind.VOICE, ".oga": MediaKind.VOICE, ".opus": MediaKind.VOICE,
    ".mp4": MediaKind.VIDEO, ".mov": MediaKind.VIDEO, ".webm": MediaKind.VIDEO,
    ".mp3": MediaKind.AUDIO, ".m4a": MediaKind.AUDIO, ".wav": MediaKind.AUDIO,
}
Probe = Callable[[Path], float | None]


class ShellChannel:
    platform = PLATFORM
    capabilities = CAPABILITIES

    def __init__(
        self, probe: Probe, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
        user: str = "candidate",
    ) -> None:
        self.conversation = ConversationRef(PLATFORM, "terminal", user)
        self._probe = probe
        self._stdin = stdin
        self._stdout = stdout
        self._buttons: tuple[tuple[str, str], ...] = ()
        self._ids = itertools.count(1)
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._sink: EventSink | None = None

    async def start(self, sink: EventSink) -> None:
        self._sink = sink
        loop = asyncio.get_running_loop()

        def read() -> None:
            for line in self._stdin:
                loop.call_soon_threadsafe(self.lines.put_nowait, line.rstrip("\n"))
            loop.call_soon_threadsafe(self.lines.put_nowait, None)

        threading.Thread(target=read, name="shell-stdin", daemon=True).start()

    async def stop(self) -> None:
        return None

    def event_for(self, line: str) -> Event | None:
        """Turn one typed line into an event (None for an empty line)."""
        if not line.strip():
            return None
        common: dict[str, Any] = {
            "event_id": f"{PLATFORM}:{next(self._ids)}:{datetime.now(UTC).timestamp()}",
            "occurred_at": datetime.now(UTC),
            "conversation": self.conversation,
            "language": "en",
        }
        payload = parse_choice(line, self._buttons)
        if payload is not None:
            return ButtonPressed(**common, payload=payload)
        path = Path(line.strip()).expanduser()
        if path.is_file():  # before commands: an absolute path also starts with "/"
            return self._media_event(path, common)
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            return CommandReceived(**common, name=name.lower(), args=args.strip())
        return TextReceived(**common, text=line)

    def _media_event(self, path: Path, common: dict[str, Any]) -> MediaReceived:
        kind = KIND_BY_SUFFIX.get(path.suffix.lower(), MediaKind.DOCUMENT)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return MediaReceived(
            **common,
            kind=kind,
            file_ref=str(path.resolve()),
            duration_s=self._probe(path),
            size_bytes=path.stat().st_size,
            mime=mime,
            file_name=path.name,
        )

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        self._buttons = message.buttons
        self._write(render_text(message.text, message.buttons))
        return SentMessage(message_id=str(next(self._ids)))

    async def edit(self, to: ConversationRef, message_id: str, message: RenderedMessage) -> None:
        self._buttons = message.buttons or self._buttons
        self._write(render_text(message.text, message.buttons))

    def _write(self, text: str) -> None:
        self._stdout.write(f"\nbot> {text}\n")
        self._stdout.flush()

    async def download(self, file_ref: str) -> AsyncIterator[bytes]:
        path = Path(file_ref)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except OSError as exc:
            raise MediaUnavailable(f"cannot read {path}: {exc}") from exc
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            handle.close()
