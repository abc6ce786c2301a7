"""Look inside a media file without decoding it: duration, tracks, a MIME guess."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from bot.transcription.errors import MediaUndecodable

# PyAV container format names (FFmpeg demuxer names) to (audio-only, with-video) MIME types.
_MIME_BY_FORMAT: dict[str, tuple[str, str]] = {
    "ogg": ("audio/ogg", "video/ogg"),
    "mov,mp4,m4a,3gp,3g2,mj2": ("audio/mp4", "video/mp4"),
    "matroska,webm": ("audio/webm", "video/webm"),
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "wav": ("audio/wav", "audio/wav"),
    "aac": ("audio/aac", "audio/aac"),
    "flac": ("audio/flac", "audio/flac"),
    "amr": ("audio/amr", "audio/amr"),
}
_UNKNOWN_MIME = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class MediaInfo:
    duration_s: float | None  # None when the container does not say
    has_audio: bool
    has_video: bool
    mime_guess: str


def probe_media(path: Path) -> MediaInfo:
    """Read the container header only. Raises ``MediaUndecodable`` for non-media files.

    Missing or unreadable files raise the usual ``OSError`` subclasses: that is our bug, not
    the candidate's file.
    """
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            has_audio = bool(container.streams.audio)
            has_video = bool(container.streams.video)
            duration = _duration_s(container)
            format_name = container.format.name
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except av.FFmpegError as exc:
        raise MediaUndecodable(f"{type(exc).__name__}: {exc}") from exc
    if not (has_audio or has_video):
        raise MediaUndecodable(f"no audio or video stream in {format_name!r} container")
    audio_mime, video_mime = _MIME_BY_FORMAT.get(format_name, (_UNKNOWN_MIME, _UNKNOWN_MIME))
    return MediaInfo(
        duration_s=duration,
        has_audio=has_audio,
        has_video=has_video,
        mime_guess=video_mime if has_video else audio_mime,
    )


def _duration_s(container: av.container.InputContainer) -> float | None:
    if container.duration is not None:
        return float(container.duration / av.time_base)
    # Some containers only know per-stream durations.
    durations = [
        float(s.duration * s.time_base)
        for s in container.streams
        if s.duration is not None and s.time_base is not None
    ]
    return max(durations, default=None)
