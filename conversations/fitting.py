"""Fitting a rendered message to what a platform can show (its `Capabilities`): texts longer
than the platform takes are split into several messages (at a paragraph, else a line, else
a word), and buttons beyond the platform's limit become numbered replies, which the runtime
reads back into button presses (`bot/runtime/choices.py`). Some platforms take less text on a
message that carries buttons (WhatsApp: 1,024 characters on an interactive message, 4,096 on a
plain text), so the message with the buttons may be split shorter. Pure; nothing is ever cut
off."""

from __future__ import annotations

from dataclasses import replace

from conversations.messages import RenderedMessage

CHOOSE = "Reply with the number of your choice:"
# The engine never puts more buttons than this on one message: a channel that shows this
# many never numbers them, so it needs no bookkeeping of numbered choices.
MAX_BUTTONS_SHOWN = 4


def fit(
    message: RenderedMessage, max_buttons: int, max_text: int,
    max_text_with_buttons: int | None = None,
) -> list[RenderedMessage]:
    """The messages to send, in order; buttons (or numbered choices) on the last one.
    `max_text_with_buttons` (None: `max_text`) bounds the text of the message that shows
    buttons."""
    text, buttons = message.text, message.buttons
    numbered = len(buttons) > max_buttons
    if numbered:
        lines = [f"{n}. {label}" for n, (label, _) in enumerate(buttons, start=1)]
        text = "\n".join([text, "", CHOOSE, *lines])
    chunks = split_text(text, max_text)
    if buttons and not numbered and max_text_with_buttons is not None:
        chunks = [*chunks[:-1], *split_text(chunks[-1], max_text_with_buttons)]
    last = replace(message, text=chunks[-1], buttons=() if numbered else buttons,
                   choices=buttons if numbered else ())
    return [RenderedMessage(text=chunk) for chunk in chunks[:-1]] + [last]


def split_text(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*chunks, rest]


def _cut_point(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, 0, limit)
        if at > limit // 3:  # a boundary far enough in to make a useful chunk
            return at
    return limit
