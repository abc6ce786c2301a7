"""Media kinds (file paths, default MIME types) and probing of media blobs with PyAV."""

from __future__ import annotations

import io
from typing import Any

# kind -> (folder for file_path, default extension, default mime type)
FILE_KINDS: dict[str, tuple[str, str, str | None]] = {
    "voice": ("voice", "oga", "audio/ogg"),
    "video_note": ("video_notes", "mp4", None),
    "video": ("videos", "mp4", "video/mp4"),
    "audio": ("music", "mp3", "audio/mpeg"),
    "document": ("documents", "bin", "application/octet-stream"),
    "photo": ("photos", "jpg", None),
    "sticker": ("stickers", "webp", None),
    "animation": ("animations", "mp4", "video/mp4"),
}


def probe_media(data: bytes) -> dict[str, int]:
    """Best-effort duration/width/height of a media blob with PyAV (empty dict on failure)."""
    info: dict[str, int] = {}
    try:
        import av  # local import: only media tests need it

        container: Any
        with av.open(io.BytesIO(data)) as container:
            seconds: float | None = None
            if container.duration is not None:
                seconds = container.duration / 1_000_000
            for stream in container.streams:
                if seconds is None and stream.duration is not None and stream.time_base:
                    seconds = float(stream.duration * stream.time_base)
                if stream.type == "video" and "width" not in info:
                    ctx: Any = stream.codec_context
                    info["width"] = int(ctx.width or 0)
                    info["height"] = int(ctx.height or 0)
            if seconds is not None:
                info["duration"] = max(1, round(seconds)) if seconds > 0 else 0
    except Exception:
        return info
    return info
