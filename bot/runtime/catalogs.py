"""Message catalogs read from the gettext `.po` files shipped in `conversations/locales/`,
one per language, loaded on first use. The engine only names text ids; reading the files is
I/O, so it happens here (`conversations/texts.py` holds the loaded sentences and renders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

import conversations
from conversations.errors import CatalogError
from conversations.messages import Message, RenderedMessage
from conversations.texts import DEFAULT_LANGUAGE, Catalog

LOCALES_DIR = Path(conversations.__file__).parent / "locales"


def _candidates(language: str) -> list[str]:
    code = language.replace("-", "_")
    found = [code, code.split("_")[0].lower(), DEFAULT_LANGUAGE]
    return list(dict.fromkeys(found))


def load_catalog(language: str = DEFAULT_LANGUAGE, base: Path = LOCALES_DIR) -> Catalog:
    """`en-GB` tries `en_GB`, then `en`, then falls back to English."""
    for code in _candidates(language):
        path = base / code / "LC_MESSAGES" / "messages.po"
        if path.is_file():
            return catalog_from_file(path, code)
    raise CatalogError(f"no catalog for {language!r} (nor {DEFAULT_LANGUAGE!r}) in {base}")


def catalog_from_file(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        po = read_po(handle, locale=None)
    texts = {entry.id: entry.string for entry in po
             if entry.id and isinstance(entry.id, str) and isinstance(entry.string, str)}
    return Catalog(language=language, texts=texts)


@dataclass
class Catalogs:
    _loaded: dict[str, Catalog] = field(default_factory=dict)

    def render(self, language: str, message: Message) -> RenderedMessage:
        catalog = self._loaded.get(language)
        if catalog is None:
            catalog = self._loaded[language] = load_catalog(language)
        return catalog.render(message)
