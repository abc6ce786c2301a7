"""``view.state.values`` for modal submissions, typed from the view's input elements."""

from __future__ import annotations

from typing import Any

from tests.fakes.slack.records import JsonDict


def view_state_values(view: JsonDict | None, values: JsonDict) -> JsonDict:
    """Normalise ``{block_id: {action_id: raw|slack_shape}}`` or ``{block_id: raw}``."""
    elements: dict[str, tuple[str, JsonDict]] = {}
    for block in (view or {}).get("blocks", []):
        el = block.get("element")
        if block.get("type") == "input" and isinstance(el, dict) and block.get("block_id"):
            elements[block["block_id"]] = (el.get("action_id", ""), el)
    out: JsonDict = {}
    for block_id, inner in values.items():
        known = elements.get(block_id)
        if not isinstance(inner, dict):
            if known is None:
                raise ValueError(f"block {block_id!r} not in the view; give {{action_id: v}}")
            inner = {known[0]: inner}
        out[block_id] = {}
        for action_id, raw in inner.items():
            el = known[1] if known and known[0] == action_id else {}
            out[block_id][action_id] = element_state(el, raw)
    return out


def element_state(element: JsonDict, raw: Any) -> JsonDict:
    if isinstance(raw, dict) and "type" in raw:
        return raw
    etype = element.get("type", "plain_text_input")

    def option(value: Any) -> JsonDict:
        for opt in element.get("options", []):
            if opt.get("value") == value:
                return dict(opt)
        return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": value}

    if etype in ("static_select", "radio_buttons"):
        return {"type": etype, "selected_option": None if raw is None else option(raw)}
    if etype in ("multi_static_select", "checkboxes"):
        return {"type": etype, "selected_options": [option(v) for v in raw or []]}
    if etype in ("users_select", "conversations_select", "channels_select"):
        key = {
            "users_select": "selected_user",
            "conversations_select": "selected_conversation",
            "channels_select": "selected_channel",
        }[etype]
        return {"type": etype, key: raw}
    if etype == "multi_users_select":
        return {"type": etype, "selected_users": list(raw or [])}
    if etype == "datepicker":
        return {"type": etype, "selected_date": raw}
    if etype == "number_input":
        return {"type": etype, "value": None if raw is None else str(raw)}
    return {"type": etype, "value": raw}
