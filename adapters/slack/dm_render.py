"""Neutral rendered messages -> a Slack DM message, Block Kit (pure, unit-tested).

One section with the text (mrkdwn, people's text escaped) and, when there are buttons, one
actions block: each button's action id is `cand_<n>` (unique in the block, as Slack
requires) and its value the engine's payload. The runtime has already split long texts at
`max_text_length` (a section's 3,000 characters) and numbered buttons past `max_buttons`.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.base import Capabilities
from adapters.slack.blocks import LABEL_MAX, SECTION_MAX, button, clip, escape, section
from adapters.slack.dm_inbound import BUTTON_PREFIX, OPEN_INVITE
from conversations.transitions import COMMANDS

MAX_BUTTONS = 10  # Slack allows 25 elements in an actions block; 10 stay readable
MAX_DOWNLOAD = 20 * 1024 * 1024  # the engine refuses bigger answers (conversations/validation)
NOTIFICATION_MAX = 3000  # the `text` fallback shown in notifications
CAPABILITIES = Capabilities(
    max_buttons=MAX_BUTTONS,
    max_text_length=SECTION_MAX,
    max_button_label=LABEL_MAX,
    video_notes=False,  # Slack has clips, not round video notes
    max_download_bytes=MAX_DOWNLOAD,
    media_durations=False,  # a file's duration_ms is not always there: measured instead
)
ACTIONS_BLOCK = "cand_actions"
# The candidate commands (conversations/transitions.py COMMANDS) as the texts write them.
# Slack keeps `/word` typed in a DM for slash commands (`/status` sets one's Slack status),
# so here they are spelled `!word`, which `dm_inbound.parse_text` reads as the command.
COMMAND = re.compile(rf"(?<![\w/])/({'|'.join(COMMANDS)})\b")

Message = dict[str, Any]


def render(text: str, buttons: tuple[tuple[str, str], ...]) -> Message:
    """`{"text", "blocks"}` for chat.postMessage / chat.update."""
    text = slack_commands(text)
    body = escape(text) if text.strip() else "…"
    blocks: list[dict[str, Any]] = [section(body)]
    if buttons:
        if len(buttons) > MAX_BUTTONS:
            raise ValueError(f"{len(buttons)} buttons: the runtime numbers more than "
                             f"{MAX_BUTTONS} (Capabilities.max_buttons)")
        blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": [
            button(label, f"{BUTTON_PREFIX}{n}", payload)
            for n, (label, payload) in enumerate(buttons)]})
    return {"text": clip(text or "…", NOTIFICATION_MAX), "blocks": blocks}


def slack_commands(text: str) -> str:
    return COMMAND.sub(r"!\1", text)


def welcome(text: str, label: str, invite_token: str) -> Message:
    """The first DM of a Slack invite: the welcome and one button that opens the interview
    (so the invite token never appears in a link anyone else could use)."""
    return {"text": clip(text, NOTIFICATION_MAX), "blocks": [
        section(escape(text)),
        {"type": "actions", "block_id": ACTIONS_BLOCK,
         "elements": [button(label, OPEN_INVITE, invite_token, style="primary")]},
    ]}
