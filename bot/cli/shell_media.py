"""What the shell needs to know about a file before sending it: the container's tracks,
duration and picture size, read with PyAV (headers only, nothing is decoded)."""

from __future__ import annotations

from pathlib import Path

import av

from adapters.shell.media import Recording
from bot.transcription.errors import MediaUndecodable
from bot.transcription.probe import probe_media


def recording_of(path: Path) -> Recording | None:
    """None when the file is not audio or video we can play (damaged, or a document)."""
    try:
        info = probe_media(path)
    except MediaUndecodable:
        return None
    width, height = _picture_size(path) if info.has_video else (None, None)
    return Recording(
        duration_s=info.duration_s, has_audio=info.has_audio, has_video=info.has_video,
        width=width, height=height, mime=info.mime_guess,
    )


def _picture_size(path: Path) -> tuple[int | None, int | None]:
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            return stream.codec_context.width or None, stream.codec_context.height or None
    except (av.FFmpegError, IndexError):
        return None, None
