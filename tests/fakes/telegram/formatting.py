"""Validation of what the bot sends: ``parse_mode`` formatting and reply markup.

Enough to catch unescaped user text sent with HTML/MarkdownV2 and malformed keyboards.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from tests.fakes.telegram.errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "br",
    }
)


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        if tag not in _HTML_TAGS or tag == "br":
            self.error = f'Unsupported start tag "{tag}"'
            return
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.error:
            return
        if not self.stack or self.stack[-1] != tag:
            self.error = f'Unexpected end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def _parse_html(text: str) -> str:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error:
        raise bad_request(f"can't parse entities: {parser.error}")
    return "".join(parser.out)


_MDV2_FORMAT = "*_~|`"
_MDV2_RESERVED_PLAIN = ".!-=+#{}>()"


def _parse_markdown_v2(text: str) -> str:
    out: list[str] = []
    i = 0
    in_code = False
    link_depth = 0
    line_start = True
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            line_start = False
            continue
        if ch == "`":
            in_code = not in_code
        elif in_code:
            out.append(ch)
        elif ch in _MDV2_FORMAT:
            pass
        elif ch == "[":
            link_depth += 1
        elif ch == "]" and link_depth:
            link_depth -= 1
            if text[i + 1 : i + 2] == "(":
                end = text.find(")", i + 2)
                if end < 0:
                    raise bad_request("can't parse entities: Can't find end of a URL")
                i = end + 1
                line_start = False
                continue
        elif ch == ">" and line_start:
            pass
        elif ch in _MDV2_RESERVED_PLAIN or ch == "]":
            raise bad_request(
                f"can't parse entities: Character '{ch}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        else:
            out.append(ch)
        line_start = ch == "\n"
        i += 1
    if in_code:
        raise bad_request("can't parse entities: Can't find end of Code entity")
    return "".join(out)


def apply_parse_mode(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return re.sub(r"[*_`]", "", text)
    return text


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate; return the markup to store on the message (inline keyboards only)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad_request("can't parse inline keyboard button: Text must be a String")
                if not button["text"]:
                    raise bad_request("inline keyboard button text must be non-empty")
                actions = [
                    k
                    for k in (
                        "callback_data",
                        "url",
                        "web_app",
                        "login_url",
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "switch_inline_query_chosen_chat",
                        "copy_text",
                        "callback_game",
                        "pay",
                    )
                    if k in button
                ]
                if not actions:
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str):
                        raise bad_request("BUTTON_DATA_INVALID")
                    size = len(data.encode("utf-8"))
                    if size < 1 or size > MAX_CALLBACK_DATA_BYTES:
                        raise bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not re.match(r"^(https?|tg)://", str(button["url"])):
                    raise bad_request("inline keyboard button URL is invalid")
        return markup
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return None
    raise bad_request("can't parse reply keyboard markup JSON object")
