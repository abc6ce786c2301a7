"""Pure Block Kit modals for the reviewer side: the blind scoring view and the decision
confirmation, and parsing of what Slack sends back when they are submitted (no I/O).

Slack limits honoured here: 100 blocks per modal, 24 characters per title / submit / close.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.slack.blocks import Block, context, escape, plain, section
from config.kit import Question, RubricDimension
from conversations.review_views import DECISION_LABELS
from conversations.scoring import ScoreKey

SCORE_VIEW = "score"
DECISION_VIEW = "decision"
SCORE_ACTION = "score"
COMMENT_BLOCK = "comment"
COMMENT_ACTION = "comment"
REASON_BLOCK = "reason"
REASON_ACTION = "reason"


# ------------------------------------------------------------------ scoring modal


def score_block_id(question_id: str, dimension_id: str) -> str:
    return f"s|{question_id}|{dimension_id}"


def _option(score: int, anchor: str) -> dict[str, Any]:
    return {"text": plain(f"{score} · {anchor}"), "value": str(score)}


def scoring_modal(
    interview_id: str,
    candidate: str,
    questions: Sequence[Question],
    rubric: Sequence[RubricDimension],
    own: Mapping[ScoreKey, int],
    comment: str,
    metadata: Mapping[str, str],
) -> dict[str, Any]:
    """Per question × dimension a required select with the anchored 1-4 descriptions,
    prefilled with this reviewer's own previous scores (never anyone else's)."""
    blocks: list[Block] = [
        context("Your scores stay private until enough reviewers are done. "
                "You can revise them until a decision is made."),
    ]
    for number, q in enumerate(questions, start=1):
        blocks.append(section(f"*Q{number}. {escape(q.text)}*"))
        for dim in rubric:
            scale = sorted(dim.anchors, reverse=True)
            options = [_option(s, dim.anchors.get(s, "")) for s in scale]
            element: Block = {
                "type": "static_select", "action_id": SCORE_ACTION,
                "placeholder": plain("Score 1-4"), "options": options,
            }
            mine = own.get((q.id, dim.id))
            if mine is not None:
                element["initial_option"] = _option(mine, dim.anchors.get(mine, ""))
            blocks.append({
                "type": "input", "block_id": score_block_id(q.id, dim.id),
                "label": plain(f"Q{number} · {dim.name}"), "element": element,
            })
    comment_el: Block = {"type": "plain_text_input", "action_id": COMMENT_ACTION,
                         "multiline": True}
    if comment:
        comment_el["initial_value"] = comment
    blocks.append({"type": "input", "block_id": COMMENT_BLOCK, "optional": True,
                   "label": plain("Comment"), "element": comment_el})
    return {
        "type": "modal", "callback_id": SCORE_VIEW,
        "title": plain(f"Score {candidate}", 24), "submit": plain("Save scores", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"interview_id": interview_id, **metadata}),
        "blocks": blocks[:100],
    }


def parse_scores(values: Mapping[str, Any]) -> tuple[dict[ScoreKey, int], str]:
    """`view.state.values` of the scoring modal -> (scores, comment)."""
    scores: dict[ScoreKey, int] = {}
    for block_id, actions in values.items():
        if block_id.startswith("s|"):
            _, question_id, dimension_id = block_id.split("|", 2)
            chosen = (actions.get(SCORE_ACTION) or {}).get("selected_option") or {}
            if chosen.get("value"):
                scores[(question_id, dimension_id)] = int(chosen["value"])
    raw = (values.get(COMMENT_BLOCK) or {}).get(COMMENT_ACTION) or {}
    return scores, str(raw.get("value") or "").strip()


# ------------------------------------------------------------------ decision modal


def decision_modal(
    interview_id: str, decision: str, candidate: str, metadata: Mapping[str, str]
) -> dict[str, Any]:
    label = DECISION_LABELS[decision]
    return {
        "type": "modal", "callback_id": DECISION_VIEW,
        "title": plain(f"{label} candidate", 24), "submit": plain(label, 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps(
            {"interview_id": interview_id, "decision": decision, **metadata}
        ),
        "blocks": [
            section(f"{label} *{escape(candidate)}*? The candidate receives the campaign's "
                    f"closing message for this decision right away."),
            {"type": "input", "block_id": REASON_BLOCK, "optional": True,
             "label": plain("Reason (optional, internal)"),
             "element": {"type": "plain_text_input", "action_id": REASON_ACTION,
                         "multiline": True}},
        ],
    }


def parse_reason(values: Mapping[str, Any]) -> str:
    raw = (values.get(REASON_BLOCK) or {}).get(REASON_ACTION) or {}
    return str(raw.get("value") or "").strip()
