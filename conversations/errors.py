"""Domain errors of the conversation layer."""

from __future__ import annotations


class ConversationError(Exception):
    """Base class of errors raised by `conversations/`."""


class CatalogError(ConversationError):
    """A message catalog is missing or cannot be read."""


class UnknownTextId(CatalogError):
    """A message names a text id that the catalog does not have."""

    def __init__(self, text_id: str, language: str) -> None:
        super().__init__(f"no text {text_id!r} in the {language!r} catalog")
        self.text_id = text_id
        self.language = language


class MissingParam(CatalogError):
    """A catalog text has a placeholder the message does not supply."""

    def __init__(self, text_id: str, name: str) -> None:
        super().__init__(f"text {text_id!r} needs parameter {name!r}")
        self.text_id = text_id
        self.name = name
