"""Neutral rendered messages -> Telegram `sendMessage` arguments (pure, unit-tested)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.base import Capabilities

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
CAPABILITIES = Capabilities(
    max_buttons=8,
    max_text_length=MAX_TEXT,
    max_button_label=64,
    video_notes=True,
    max_download_bytes=20 * 1024 * 1024,
)
ROW_WIDTH = 2  # two short buttons side by side; long labels get their own row
SHORT_LABEL = 14


def fit_text(text: str) -> str:
    """Telegram refuses empty or over-long texts; cut at a line break where possible."""
    if not text.strip():
        return "…"
    if len(text) <= MAX_TEXT:
        return text
    cut = text.rfind("\n", 0, MAX_TEXT - 1)
    return text[: cut if cut > MAX_TEXT // 2 else MAX_TEXT - 1] + "…"


def keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for label, payload in buttons:
        if len(payload.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {payload!r}")
        button = InlineKeyboardButton(text=label, callback_data=payload)
        if rows and len(rows[-1]) < ROW_WIDTH and _short(rows[-1][0].text) and _short(label):
            rows[-1].append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _short(label: str) -> bool:
    return len(label) <= SHORT_LABEL
