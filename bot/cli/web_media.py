"""What the web page needs to know about an uploaded recording, read with PyAV: its tracks,
a MIME type, and its length. A browser's MediaRecorder writes WebM without a duration in
the header, so the length is then measured from the packets' timestamps (demuxed, never
decoded)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from bot.transcription.errors import MediaUndecodable
from bot.transcription.probe import probe_media


@dataclass(frozen=True, slots=True)
class WebRecording:
    duration_s: float | None
    has_audio: bool
    has_video: bool
    mime: str | None


def probe_recording(path: Path) -> WebRecording | None:
    """None when the file is not audio or video we can play."""
    try:
        info = probe_media(path)
    except MediaUndecodable:
        return None
    duration = info.duration_s if info.duration_s else _measured(path)
    return WebRecording(duration_s=duration, has_audio=info.has_audio,
                        has_video=info.has_video, mime=info.mime_guess)


def _measured(path: Path) -> float | None:
    """The last packet's end, in seconds, over every stream (None if nothing is timed)."""
    end = 0.0
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            for packet in container.demux():
                if packet.pts is None or packet.time_base is None:
                    continue
                stop = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                end = max(end, stop)
    except av.FFmpegError:
        return None
    return end or None
