"""Message catalogs, one per language, loaded on first use (`conversations/texts.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.messages import Message, RenderedMessage
from conversations.texts import Catalog


@dataclass
class Catalogs:
    _loaded: dict[str, Catalog] = field(default_factory=dict)

    def render(self, language: str, message: Message) -> RenderedMessage:
        catalog = self._loaded.get(language)
        if catalog is None:
            catalog = self._loaded[language] = Catalog.load(language)
        return catalog.render(message)
