"""Which kind of media a file is, the way a messaging app would have sent it.

Telegram records a video note as a square video of at most 60 s; a terminal has no record
button, so a square video up to that length counts as one. Audio alone is a voice message.
A file that says it is media (by its suffix or `--as`) but cannot be played is refused here,
before it reaches the interview: accepting it would store a 0-second answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.shell.lines import MEDIA_SUFFIXES
from conversations.events import MediaKind

VIDEO_NOTE_MAX_S = 60.0


@dataclass(frozen=True, slots=True)
class Recording:
    """What the file's container says (read by the injected probe)."""

    duration_s: float | None
    has_audio: bool
    has_video: bool
    width: int | None = None
    height: int | None = None
    mime: str | None = None

    @property
    def square_and_short(self) -> bool:
        return (
            self.has_video and self.width is not None and self.width == self.height
            and self.duration_s is not None and self.duration_s <= VIDEO_NOTE_MAX_S
        )


Probe = Callable[[Path], Recording | None]  # None: not audio or video we can play


@dataclass(frozen=True, slots=True)
class Refused:
    why: str


def media_kind(path: Path, recording: Recording | None, asked: MediaKind | None
               ) -> MediaKind | Refused:
    """The kind to send `path` as, or why it cannot be sent as asked."""
    if asked is MediaKind.DOCUMENT:
        return MediaKind.DOCUMENT
    if recording is None:
        if asked is not None or path.suffix.lower() in MEDIA_SUFFIXES:
            return Refused(f"{path.name} could not be played as audio or video (is it "
                           f"damaged?); nothing was sent.")
        return MediaKind.DOCUMENT
    if asked is None:
        if recording.has_video:
            return MediaKind.VIDEO_NOTE if recording.square_and_short else MediaKind.VIDEO
        return MediaKind.VOICE
    return _as_asked(path, recording, asked)


def _as_asked(path: Path, recording: Recording, asked: MediaKind) -> MediaKind | Refused:
    if asked is MediaKind.VIDEO_NOTE and not recording.square_and_short:
        return Refused(f"A video note is a square video of up to {VIDEO_NOTE_MAX_S:.0f} s; "
                       f"{path.name} is not. Send it --as video instead; nothing was sent.")
    if asked is MediaKind.VIDEO and not recording.has_video:
        return Refused(f"{path.name} has no picture; send it --as voice. Nothing was sent.")
    if asked is MediaKind.VOICE and not recording.has_audio:
        return Refused(f"{path.name} has no sound; nothing was sent.")
    return asked
