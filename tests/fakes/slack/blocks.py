"""Limits Slack enforces on message text and Block Kit blocks (messages and views)."""

from __future__ import annotations

from typing import Any

from tests.fakes.slack.records import JsonDict, SlackApiFailure

MAX_BLOCKS = 50
MAX_TEXT = 40_000


def validate_blocks(blocks: Any, *, unique_action_ids: bool) -> None:
    """Raise ``invalid_blocks`` (with Slack's json-pointer messages) for blocks Slack rejects.

    ``unique_action_ids``: Slack wants action_ids unique within their containing block.
    """
    if blocks is None:
        return
    if not isinstance(blocks, list):
        raise SlackApiFailure("invalid_blocks_format")
    problems: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"missing required field: type [json-pointer:/blocks/{i}]")
            continue
        bid = block.get("block_id")
        if bid is not None:
            if bid in block_ids:
                problems.append(f"duplicate block_id [json-pointer:/blocks/{i}/block_id]")
            block_ids.add(bid)
            if len(bid) > 255:
                problems.append(f"block_id too long [json-pointer:/blocks/{i}/block_id]")
        text = block.get("text")
        if (
            block["type"] == "section"
            and isinstance(text, dict)
            and len(text.get("text", "")) > 3000
        ):
            problems.append(
                f"must be less than 3001 characters [json-pointer:/blocks/{i}/text/text]"
            )
        action_ids: set[str] = set()
        elements = block.get("elements", []) if block["type"] == "actions" else []
        for j, el in enumerate(elements):
            where = f"[json-pointer:/blocks/{i}/elements/{j}]"
            aid = el.get("action_id")
            if aid is not None:
                if aid in action_ids and unique_action_ids:
                    problems.append(f"duplicate action_id {where}")
                action_ids.add(aid)
                if len(aid) > 255:
                    problems.append(f"action_id too long {where}")
            if el.get("type") == "button":
                if len(str(el.get("value", ""))) > 2000:
                    problems.append(f"value must be less than 2001 characters {where}")
                if len(el.get("text", {}).get("text", "")) > 75:
                    problems.append(f"text must be less than 76 characters {where}")
    if problems:
        raise SlackApiFailure("invalid_blocks", response_metadata={"messages": problems})


def check_text(params: JsonDict, *, unique_action_ids: bool) -> None:
    """A message needs text, blocks or attachments; text and blocks must be within limits."""
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        raise SlackApiFailure("no_text")
    if len(str(params.get("text") or "")) > MAX_TEXT:
        raise SlackApiFailure("msg_too_long")
    validate_blocks(params.get("blocks"), unique_action_ids=unique_action_ids)
