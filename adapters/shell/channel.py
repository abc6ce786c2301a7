"""A terminal as a messaging channel: one candidate, stdin in, stdout out.

Lines are read on a daemon thread (a blocked `readline` must not hold up shutdown) and
handed to the event loop. What a line means is decided in `lines.py`; files are looked at
here (exists, readable, what kind of media) so that a bad path is answered at once and
nothing half-made reaches the interview.

Numbered choices stay valid until a message with a new set replaces them, like buttons on
a phone stay on screen: a status or help message in between does not take them away. They
end when the engine edits their message without buttons (the countdown after "Start now");
a number typed then is stale and is answered here, never stored as a text answer.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import os
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from adapters.base import EventSink, SentMessage
from adapters.errors import MediaUnavailable
from adapters.shell import lines as typed
from adapters.shell.media import Probe, Refused, media_kind
from adapters.shell.render import CAPABILITIES, render_text
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    ConversationRef,
    Event,
    MediaReceived,
    Platform,
    TextReceived,
)
from conversations.messages import RenderedMessage

PLATFORM = Platform.SHELL
CHUNK = 65536
PROMPT = "you> "
CLEAR_LINE = "\r\x1b[K"


@dataclass(frozen=True, slots=True)
class Notice:
    """The shell's own answer to a line; nothing is sent to the interview."""

    text: str


class ShellChannel:
    platform = PLATFORM
    capabilities = CAPABILITIES

    def __init__(self, probe: Probe, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
                 ) -> None:
        self.conversation = ConversationRef(PLATFORM, "terminal", "candidate")
        self._probe = probe
        self._stdin = stdin
        self._stdout = stdout
        self._tty = stdout.isatty()
        self._choices: typed.Buttons = ()
        self._choices_from: str | None = None  # the message the choices belong to
        self._prompted = False
        self._ids = itertools.count(1)
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()

    def attach(self, conversation: ConversationRef) -> None:
        """The conversation of the interview this terminal drives."""
        self.conversation = conversation

    async def start(self, sink: EventSink) -> None:
        loop = asyncio.get_running_loop()

        def read() -> None:
            for line in self._stdin:
                loop.call_soon_threadsafe(self.lines.put_nowait, line.rstrip("\n"))
            loop.call_soon_threadsafe(self.lines.put_nowait, None)

        threading.Thread(target=read, name="shell-stdin", daemon=True).start()

    async def stop(self) -> None:
        return None

    def event_for(self, line: str) -> Event | Notice | None:
        """Turn one typed line into an event, or the shell's own answer (None: nothing)."""
        self._prompted = False  # the person pressed Enter: the prompt line is used up
        meaning = typed.read_line(line, self._choices)
        if meaning is None:
            return None
        common: dict[str, Any] = {
            "event_id": f"{PLATFORM}:{self.conversation.chat_id}:{next(self._ids)}:"
                        f"{datetime.now(UTC).timestamp()}",
            "occurred_at": datetime.now(UTC),
            "conversation": self.conversation,
            "language": "en",
        }
        match meaning:
            case typed.Choice(payload):
                return ButtonPressed(**common, payload=payload)
            case typed.NoSuchChoice(number):
                return Notice(f"No choice {number} right now, so nothing was sent. "
                              "Type /status to see where you are.")
            case typed.BadLine(why):
                return Notice(why)
            case typed.FileAnswer(path, kind):
                return self._file_event(path, kind, common)
            case typed.Command(name, args):
                return CommandReceived(**common, name=name, args=args)
            case typed.Text(text):
                return TextReceived(**common, text=text)
        raise AssertionError(meaning)  # pragma: no cover: the match is exhaustive

    def _file_event(self, path: Path, asked: Any, common: dict[str, Any]
                    ) -> MediaReceived | Notice:
        problem = _unreadable(path)
        if problem:
            return Notice(f"{problem}; nothing was sent.")
        recording = self._probe(path)
        kind = media_kind(path, recording, asked)
        if isinstance(kind, Refused):
            return Notice(kind.why)
        mime = (recording.mime if recording else None) or mimetypes.guess_type(path.name)[0]
        return MediaReceived(
            **common, kind=kind, file_ref=str(path.resolve()),
            duration_s=recording.duration_s if recording else None,
            size_bytes=path.stat().st_size, mime=mime or "application/octet-stream",
            file_name=path.name,
        )

    # ---- output ------------------------------------------------------------------------

    async def send(self, to: ConversationRef, message: RenderedMessage) -> SentMessage:
        sent = str(next(self._ids))
        if to != self.conversation:  # an earlier interview of this person (see --new)
            # Its questions are not the person's to answer (the shell answers them); what
            # it reports (withdrawn) is.
            if not message.buttons:
                self._say(f"bot> (your earlier interview) {message.text}")
            return SentMessage(message_id=sent)
        if message.buttons:
            self._choices, self._choices_from = message.buttons, sent
        self._say(f"bot> {render_text(message.text, message.buttons)}")
        return SentMessage(message_id=sent)

    async def edit(self, to: ConversationRef, message_id: str, message: RenderedMessage) -> None:
        """An edit only changes a message already on screen: printing it again would read
        as a new message ("Thinking time is over." right after "Start now"). What it
        changes is which numbered choices are open."""
        if to != self.conversation:
            return
        if message.buttons:
            self._choices, self._choices_from = message.buttons, message_id
            self._say(f"bot> {render_text(message.text, message.buttons)}")
        elif message_id == self._choices_from:
            self._choices, self._choices_from = (), None

    def notice(self, text: str) -> None:
        self._say(f"({text})")

    def write(self, text: str) -> None:
        """Plain text from the shell (intro, goodbye), without a prompt after it."""
        self._clear_prompt()
        self._stdout.write(f"{text}\n")
        self._stdout.flush()

    def prompt(self) -> None:
        if not self._prompted:
            self._stdout.write(PROMPT)
            self._stdout.flush()
            self._prompted = True

    def _say(self, text: str) -> None:
        self._clear_prompt()
        self._stdout.write(f"{text}\n\n")
        self.prompt()

    def _clear_prompt(self) -> None:
        if self._prompted:
            self._stdout.write(CLEAR_LINE if self._tty else "\n")
            self._prompted = False

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


def _unreadable(path: Path) -> str | None:
    """Why `path` cannot be sent, in a few words (None: it can)."""
    try:
        if not path.exists():
            return f"No file at {path}"
        if path.is_dir():
            return f"{path} is a folder, not a file"
        if not os.access(path, os.R_OK):
            return f"Cannot read {path}: permission denied"
        if path.stat().st_size == 0:
            return f"{path} is empty"
    except OSError as exc:
        return f"Cannot use {path}: {exc.strerror or exc}"
    return None
