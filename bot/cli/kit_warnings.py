"""`kit validate` warnings: formats a kit asks for that a candidate channel turned on in the
settings cannot take as such. A warning never makes a kit invalid (the exit code stays 0)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from adapters.base import Capabilities
from config.kit import AnswerFormat, Kit


def format_warnings(
    path: Path, kit: Kit, channels: Mapping[str, Capabilities],
    places: Mapping[str, tuple[int, int]] | None = None,
) -> list[str]:
    """One `FILE:LINE:COL: warning: …` line per question and channel without video notes
    where the question takes video notes but not videos (there, a video is asked for
    instead). `places`: where each question's formats are (`load_kit_with_places`)."""
    lines: list[str] = []
    questions = ([kit.practice] if kit.practice is not None else []) + list(kit.questions)
    for platform, caps in sorted(channels.items()):
        if caps.video_notes:
            continue
        for question in questions:
            formats = question.formats
            if AnswerFormat.VIDEO_NOTE in formats and AnswerFormat.VIDEO not in formats:
                line, col = (places or {}).get(question.id, (1, 1))
                lines.append(
                    f"{path}:{line}:{col}: warning: question {question.id} asks for video "
                    f"notes, which {platform} does not have: candidates there are asked for a "
                    "video instead")
    return lines
