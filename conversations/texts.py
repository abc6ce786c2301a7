"""Message catalogs: candidate-facing sentences keyed by text id, in gettext `.po` files.

`conversations/locales/<lang>/LC_MESSAGES/messages.po` holds one entry per text id
(msgid = the id, e.g. "consent.ask"; msgstr = the sentence with `{placeholders}`).
Loading reads a file, so it lives outside the engine (`bot/runtime/catalogs.py`:
`load_catalog("en-GB")` tries `en_GB`, then `en`, then falls back to English); this module
only holds the loaded sentences and renders messages with them.

Rendering rules (`Catalog.render`):
- the text is the catalog sentence formatted with the message params;
- a message with `verbatim` (a kit question, intro, consent) places it where the sentence has
  `{verbatim}`; a sentence without that placeholder gets the verbatim text in front of it,
  separated by a blank line; an empty sentence renders the verbatim text alone;
- a param named `formats` holds comma-separated `AnswerFormat` codes and is rendered through
  the `format.<code>` entries, joined by `format.or` ("voice,text" -> "a voice message or
  text");
- button labels are catalog entries too (`Button.label_id`, `Button.label_params`).
A missing id raises `UnknownTextId`, a missing parameter `MissingParam`: fail loudly.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from conversations.errors import MissingParam, UnknownTextId
from conversations.messages import Message, ParamValue, RenderedMessage

DEFAULT_LANGUAGE = "en"
FORMATS_PARAM = "formats"


def placeholders(template: str) -> frozenset[str]:
    """Names of the `{placeholders}` in a catalog sentence."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class Catalog:
    language: str
    texts: dict[str, str]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.texts)

    def text(self, text_id: str) -> str:
        try:
            return self.texts[text_id]
        except KeyError:
            raise UnknownTextId(text_id, self.language) from None

    def format(self, text_id: str, params: dict[str, ParamValue]) -> str:
        template = self.text(text_id)
        values = dict(params)
        if FORMATS_PARAM in values:
            values[FORMATS_PARAM] = self._formats(str(values[FORMATS_PARAM]))
        for name in placeholders(template):
            if name not in values:
                raise MissingParam(text_id, name)
        return template.format(**values)

    def render(self, message: Message) -> RenderedMessage:
        params = message.param_dict
        if message.verbatim is not None:
            params["verbatim"] = message.verbatim
        text = self.format(message.text_id, params)
        has_slot = "verbatim" in placeholders(self.text(message.text_id))
        if message.verbatim and not has_slot:
            text = f"{message.verbatim}\n\n{text}" if text else message.verbatim
        buttons = tuple(
            (self.format(b.label_id, dict(b.label_params)), b.payload) for b in message.buttons
        )
        return RenderedMessage(text=text, buttons=buttons, status_slot=message.status_slot)

    def _formats(self, codes: str) -> str:
        names = [self.text(f"format.{code.strip()}") for code in codes.split(",") if code.strip()]
        if len(names) < 2:
            return "".join(names)
        return self.text("format.or").format(first=", ".join(names[:-1]), last=names[-1])
