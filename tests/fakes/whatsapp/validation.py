"""What the Cloud API refuses on `POST /<phone id>/messages` (PLATFORMS.md 4.3), in its own
error shape: HTTP 400 with `{"error": {"message", "type", "code", "error_data": {"details"}}}`
(code 100 for a missing or wrong parameter, 131009 for a value out of range)."""

from __future__ import annotations

from typing import Any

MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_ID = 200
MAX_ROW_DESCRIPTION = 72
MAX_SECTION_TITLE = 24


class Refused(Exception):
    def __init__(self, code: int, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details

    def body(self) -> dict[str, Any]:
        message = ("(#100) Invalid parameter" if self.code == 100
                   else f"(#{self.code}) Parameter value is not valid")
        return {"error": {"message": message, "type": "OAuthException", "code": self.code,
                          "error_data": {"messaging_product": "whatsapp",
                                         "details": self.details},
                          "fbtrace_id": "AfakeTraceId"}}


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Refused(100, f"{what} is required and must be a non-empty string")
    if len(value) > limit:
        raise Refused(131009, f"{what} length invalid. Min length: 1, Max length: {limit}")
    return value


def validate_message(data: Any, templates: dict[str, tuple[str, int]] | None = None) -> str:
    """The message type when the API would accept `data`; raises Refused otherwise.
    `templates`: the approved ones, name -> (language codes, comma-separated, number of
    body parameters)."""
    if not isinstance(data, dict) or data.get("messaging_product") != "whatsapp":
        raise Refused(100, "messaging_product must be 'whatsapp'")
    if not data.get("to"):
        raise Refused(100, "The parameter to is required.")
    kind = data.get("type", "text")
    if kind == "text":
        _text((data.get("text") or {}).get("body"), "text.body", MAX_TEXT)
    elif kind == "interactive":
        _interactive(data.get("interactive"))
    elif kind == "template":
        _template(data.get("template"), templates or {})
    else:
        raise Refused(100, f"message type {kind!r} is not supported by this fake")
    return str(kind)


def _interactive(interactive: Any) -> None:
    if not isinstance(interactive, dict):
        raise Refused(100, "interactive is required")
    _text((interactive.get("body") or {}).get("text"), "body.text", MAX_INTERACTIVE_BODY)
    action = interactive.get("action")
    if not isinstance(action, dict):
        raise Refused(100, "interactive.action is required")
    kind = interactive.get("type")
    if kind == "button":
        _buttons(action.get("buttons"))
    elif kind == "list":
        _list(action)
    else:
        raise Refused(100, f"interactive type {kind!r} is not supported by this fake")


def _buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
        raise Refused(131009, f"buttons must have 1 to {MAX_BUTTONS} items")
    titles, ids = [], []
    for button in buttons:
        reply = button.get("reply") if isinstance(button, dict) else None
        if not isinstance(reply, dict) or button.get("type") != "reply":
            raise Refused(100, "each button must be {type: reply, reply: {id, title}}")
        titles.append(_text(reply.get("title"), "Button title", MAX_BUTTON_TITLE))
        ids.append(_text(reply.get("id"), "Button id", MAX_BUTTON_ID))
    if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
        raise Refused(131009, "Button title and id must be unique")


def _list(action: dict[str, Any]) -> None:
    _text(action.get("button"), "action.button", MAX_LIST_BUTTON)
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= MAX_SECTIONS:
        raise Refused(131009, f"sections must have 1 to {MAX_SECTIONS} items")
    ids: list[str] = []
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("rows"), list):
            raise Refused(100, "each section needs rows")
        if len(sections) > 1 or section.get("title"):
            _text(section.get("title"), "Section title", MAX_SECTION_TITLE)
        for row in section["rows"]:
            if not isinstance(row, dict):
                raise Refused(100, "each row must be an object")
            ids.append(_text(row.get("id"), "Row id", MAX_ROW_ID))
            _text(row.get("title"), "Row title", MAX_ROW_TITLE)
            if row.get("description") is not None:
                _text(row["description"], "Row description", MAX_ROW_DESCRIPTION)
    if not 1 <= len(ids) <= MAX_ROWS:
        raise Refused(131009, f"a list has 1 to {MAX_ROWS} rows in total")
    if len(set(ids)) != len(ids):
        raise Refused(131009, "Row ids must be unique")


def _template(template: Any, approved: dict[str, tuple[str, int]]) -> None:
    if not isinstance(template, dict) or not isinstance(template.get("language"), dict):
        raise Refused(100, "template needs a name and a language")
    name, language = template.get("name"), template["language"].get("code")
    if name not in approved or language not in approved[name][0].split(","):
        raise Refused(132001, f"template name ({name}) does not exist in {language}")
    parameters = [p for c in template.get("components") or [] if c.get("type") == "body"
                  for p in c.get("parameters") or []]
    if len(parameters) != approved[name][1]:
        raise Refused(132000, f"number of parameters ({len(parameters)}) does not match "
                              f"the expected number of params ({approved[name][1]})")
    for parameter in parameters:
        _text(parameter.get("text") if isinstance(parameter, dict) else None,
              "template parameter", 1024)
