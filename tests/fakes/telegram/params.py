"""Bot API request parameters: reading them from a request and recording them for tests."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.telegram.errors import bad_request


class Params:
    """Request parameters from a query string, JSON, urlencoded or multipart body."""

    def __init__(self, values: dict[str, Any], files: dict[str, tuple[bytes, str | None]]):
        self.values = values
        self.files = files

    def has(self, key: str) -> bool:
        return key in self.values and self.values[key] not in (None, "")

    def str_(self, key: str, default: str | None = None) -> str | None:
        value = self.values.get(key)
        if value is None:
            return default
        return value if isinstance(value, str) else str(value)

    def required(self, key: str) -> Any:
        if not self.has(key):
            raise bad_request(f"{_missing_name(key)} is empty")
        return self.values[key]

    def int_(self, key: str, default: int | None = None) -> int | None:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            try:
                return int(float(str(value)))
            except ValueError:
                raise bad_request(f"invalid {key} specified") from None

    def bool_(self, key: str, default: bool = False) -> bool:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1", "yes")

    def json_(self, key: str) -> Any:
        value = self.values.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {key} JSON object") from None
        return value

    def chat_id(self) -> int | str:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        text = str(value)
        try:
            return int(text)
        except ValueError:
            return text

    def file(self, key: str) -> tuple[bytes, str | None] | str | None:
        """An uploaded file (bytes, filename), or a file_id / URL string, or None."""
        if key in self.files:
            return self.files[key]
        value = self.values.get(key)
        if value is None or value == "":
            return None
        text = str(value)
        if text.startswith("attach://"):
            ref = text[len("attach://") :]
            if ref in self.files:
                return self.files[ref]
            raise bad_request(f"file {ref!r} must be uploaded as a multipart part")
        return text


def _missing_name(key: str) -> str:
    return {"text": "message text", "callback_query_id": "query_id"}.get(key, key)


_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "message_ids",
        "media",
        "menu_button",
    }
)


def recordable(values: dict[str, Any]) -> dict[str, Any]:
    """Params as recorded: JSON-string fields (reply_markup, ...) decoded for easy assertions."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                out[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        out[key] = value
    return out


async def read_params(request: web.Request) -> Params:
    """The parameters of a Bot API request: query string plus JSON or form body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[bytes, str | None]] = {}
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.file.read(), value.filename)
                else:
                    values[key] = value
    return Params(values, files)
