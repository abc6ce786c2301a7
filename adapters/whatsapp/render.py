"""Neutral rendered messages -> what a WhatsApp message shows (pure, unit-tested).

WhatsApp has two kinds of buttons: up to 3 *reply buttons* (titles at most 20 characters,
unique) under a message, or a *list message* (one button that opens up to 10 rows, titles at
most 24 characters, an optional 72-character description). The channel declares 10 buttons;
this step picks reply buttons for 1-3 and a list for 4-10 (more never reach it: the runtime's
fitting turns them into numbered replies). The text of a message with buttons is at most 1,024
characters (`max_text_with_buttons`: the runtime splits longer ones before they get here).
Labels are built with pywa's `Button` / `SectionList` types.
"""

from __future__ import annotations

from dataclasses import dataclass

from pywa.types.callback import Button, Section, SectionList, SectionRow

from adapters.base import Capabilities

MAX_TEXT = 4096
MAX_INTERACTIVE_TEXT = 1024
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
MAX_BUTTON_TITLE = 20  # a reply button, and the button that opens a list
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_DOWNLOAD = 20 * 1024 * 1024  # the engine refuses bigger answers (conversations/validation)
# The label of the button that opens a list, and its one section's title. English only, like
# the numbered-reply prompt of `conversations/fitting.py`.
LIST_BUTTON = "Choose"
CAPABILITIES = Capabilities(
    max_buttons=MAX_LIST_ROWS,
    max_text_length=MAX_TEXT,
    max_button_label=MAX_BUTTON_TITLE,
    video_notes=False,  # WhatsApp has no round video messages
    max_download_bytes=MAX_DOWNLOAD,
    max_text_with_buttons=MAX_INTERACTIVE_TEXT,
    media_durations=False,  # webhooks carry no duration: measured after download
    reply_window_seconds=24 * 3600,  # the customer-service window: templates outside it
)
ELLIPSIS = "…"

Keyboard = list[Button] | SectionList


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Cloud API message: a text, with reply buttons or a list, or neither."""

    text: str
    keyboard: Keyboard | None = None


def render(text: str, buttons: tuple[tuple[str, str], ...]) -> Outgoing:
    """`buttons` are (label, payload) pairs; the payload comes back as the button's id."""
    body = text if text.strip() else ELLIPSIS  # WhatsApp refuses an empty body
    if not buttons:
        return Outgoing(body)
    if len(buttons) > MAX_LIST_ROWS:
        raise ValueError(f"{len(buttons)} buttons: the runtime numbers more than "
                         f"{MAX_LIST_ROWS} (Capabilities.max_buttons)")
    if len(buttons) <= MAX_REPLY_BUTTONS:
        titles = unique_titles([label for label, _ in buttons], MAX_BUTTON_TITLE)
        return Outgoing(body, [Button(title=t, callback_data=payload)
                               for t, (_, payload) in zip(titles, buttons, strict=True)])
    return Outgoing(body, _list(buttons))


def _list(buttons: tuple[tuple[str, str], ...]) -> SectionList:
    titles = unique_titles([label for label, _ in buttons], MAX_ROW_TITLE)
    rows = [
        # A clipped title keeps its full wording in the row's description.
        SectionRow(title=title, callback_data=payload,
                   description=clip(label, MAX_ROW_DESCRIPTION) if title != label else None)
        for title, (label, payload) in zip(titles, buttons, strict=True)
    ]
    return SectionList(button_title=LIST_BUTTON,
                       sections=[Section(title=LIST_BUTTON, rows=rows)])


def clip(label: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one is near, marked with an ellipsis."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    room = limit - len(ELLIPSIS)
    cut = label.rfind(" ", 0, room + 1)
    head = label[:cut] if cut > room // 2 else label[:room]
    return head.rstrip(" ,.;:-") + ELLIPSIS


def unique_titles(labels: list[str], limit: int) -> list[str]:
    """Clipped titles; WhatsApp refuses two equal titles on one message, so a title that
    clipping made equal to an earlier one ends in its position instead."""
    titles: list[str] = []
    for position, label in enumerate(labels, start=1):
        title = clip(label, limit) or str(position)
        if title in titles:
            suffix = f" {position}"
            title = clip(label, limit - len(suffix)) + suffix
        titles.append(title)
    return titles
