"""The engine's chat wording, said the way the page works (pure, unit-tested), like Slack's
`dm_render.slack_commands`: the page has buttons where a chat has typed commands, and a
recorder where a chat has voice messages.

Everything comes from the page's catalog, so it holds in any language:
- `web.say.<text id>`: the page's version of a whole engine sentence. A shown text that is
  that sentence (its placeholders matched as wildcards) is said again with the same values;
- `web.format.<code>`: what an answer format is called on the page ("a voice recording");
- a `/command` the page has a button for is named by the button's label; a help line for a
  command the page cannot send is left out.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from conversations.texts import Catalog

SAY = "web.say."
PAGE_COMMANDS = ("status", "pause", "help")  # the page's "More" buttons (routes.COMMANDS)
COMMAND = re.compile(r"(?<![\w/])/([a-z]+)\b")
HELP_LINE = re.compile(r"^/([a-z]+):.*$\n?", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Said:
    pattern: re.Pattern[str]
    template: str


def _pattern(template: str) -> re.Pattern[str]:
    """A catalog sentence as a regular expression; each placeholder matches any text."""
    pieces, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(template):
        pieces.append(re.escape(literal))
        if name is None:
            continue
        pieces.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
    return re.compile("".join(pieces), re.DOTALL)


class Wording:
    def __init__(self, catalog: Catalog) -> None:
        self._said = [Said(_pattern(catalog.text(text_id[len(SAY):])), catalog.text(text_id))
                      for text_id in sorted(catalog.ids) if text_id.startswith(SAY)
                      and text_id[len(SAY):] in catalog.ids]
        formats = [(catalog.text(text_id.replace("web.", "", 1)), catalog.text(text_id))
                   for text_id in catalog.ids if text_id.startswith("web.format.")
                   and text_id.replace("web.", "", 1) in catalog.ids]
        # Longest first: "a video note" is said before "a video" could match inside it.
        self._formats = sorted(formats, key=lambda pair: -len(pair[0]))
        self._labels = {name: catalog.text(f"web.command.{name}") for name in PAGE_COMMANDS}

    def __call__(self, text: str) -> str:
        for said in self._said:
            found = said.pattern.fullmatch(text)
            if found:
                text = said.template.format(**found.groupdict())
                break
        for chat, page in self._formats:
            text = text.replace(chat, page)
        text = HELP_LINE.sub(self._help_line, text)
        return COMMAND.sub(self._command, text)

    def _help_line(self, line: re.Match[str]) -> str:
        return line.group(0) if line.group(1) in self._labels else ""

    def _command(self, found: re.Match[str]) -> str:
        label = self._labels.get(found.group(1))
        return f"\u201c{label}\u201d" if label else found.group(0)
