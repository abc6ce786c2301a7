"""What an outbox row asks for. One handler per kind, registered in the composition root
(`bot/cli/app.py`); the values are what storage keeps in `outbox.kind`."""

from __future__ import annotations

from enum import StrEnum


class OutboxKind(StrEnum):
    SEND = "send"  # a message to a candidate (bot/runtime/senders.py)
    EDIT = "edit"  # an earlier message changed (senders.py)
    FETCH_MEDIA = "fetch_media"  # download an answer part (bot/runtime/media.py)
    REVIEW = "review"  # post a submission for reviewers (bot/review/service.py)
    REVIEW_UPLOAD = "review_upload"  # attach one recording under the post
    REVIEW_REFRESH = "review_refresh"  # progress / decision shown on the post
    REVIEW_AGGREGATE = "review_aggregate"  # the aggregate, once enough reviewers scored
    REVIEW_ERASE = "review_erase"  # answers erased: the reviewers' copies go too
    DECISION_WEBHOOK = "decision_webhook"  # the decision to the ATS (bot/review/webhook.py)


def review_lane(interview_id: str) -> str:
    """Outbox lane of one interview's review items, so they run in order."""
    return f"review:{interview_id}"
