"""Terminal rendering: buttons become numbered choices (read back in `lines.py`)."""

from __future__ import annotations

from adapters.base import Capabilities

CAPABILITIES = Capabilities(
    max_buttons=20,  # shown as numbered choices by this adapter itself (render_text)
    max_text_length=100_000,
    max_button_label=200,
    video_notes=True,  # a square video of up to 60 s is sent as one (see media.py)
    max_download_bytes=None,
)


def render_text(text: str, buttons: tuple[tuple[str, str], ...]) -> str:
    if not buttons:
        return text
    choices = "   ".join(f"[{n}] {label}" for n, (label, _) in enumerate(buttons, 1))
    return f"{text}\n   {choices}"
