"""Terminal rendering: buttons become numbered replies, parsed back into button presses."""

from __future__ import annotations

from adapters.base import Capabilities

CAPABILITIES = Capabilities(
    max_buttons=20,  # shown as numbered choices by this adapter itself (render_text)
    max_text_length=100_000,
    max_button_label=200,
    video_notes=False,
    max_download_bytes=None,
)


def render_text(text: str, buttons: tuple[tuple[str, str], ...]) -> str:
    if not buttons:
        return text
    choices = "   ".join(f"[{n}] {label}" for n, (label, _) in enumerate(buttons, 1))
    return f"{text}\n   {choices}"


def parse_choice(line: str, buttons: tuple[tuple[str, str], ...]) -> str | None:
    """The payload of the numbered choice typed, or None if the line is not a choice."""
    stripped = line.strip().lstrip("[").rstrip("]")
    if not stripped.isdigit():
        return None
    index = int(stripped) - 1
    return buttons[index][1] if 0 <= index < len(buttons) else None
