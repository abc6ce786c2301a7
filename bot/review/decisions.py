"""Decisions: recruiters Advance / Reject / Hold; the candidate always hears back.

One transaction records the decision, the audit entry (who, what, when), the candidate's
closing message (the kit's text for that decision, on the candidate's own platform), the
refresh of the review post and, when `DECISION_WEBHOOK_URL` is set, the webhook delivery.
All of it is delivered from the outbox after commit, with retries.

The webhook body is JSON; `X-Interview-Signature: sha256=<hex>` is HMAC-SHA256 over the
raw body with `DECISION_WEBHOOK_SECRET`. `X-Interview-Delivery` is stable across retries,
so a receiver can drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from adapters.errors import AdapterError, DeliveryFailed, RecipientUnavailable
from adapters.slack import blocks, modals
from adapters.slack.app import Click, DecisionSubmitted
from adapters.slack.transport import SlackWeb
from bot.review.permissions import Gate
from bot.review.submission import lane
from bot.runtime.clock import Clock
from bot.runtime.effects import Renderer, rendered_to_payload
from config.kit_loader import DEFAULT_CLOSING
from conversations.messages import msg
from storage.db import Database
from storage.records import OutboxItem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Interview-Signature"
DELIVERY_HEADER = "X-Interview-Delivery"
CLOSING_TEXT_ID = "decision.closing"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class Decisions:
    db: Database
    slack: SlackWeb
    gate: Gate
    clock: Clock
    render: Renderer
    wake_outbox: Callable[[], None]
    webhook_url: str | None = None
    webhook_secret: str | None = None
    _session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self.webhook_url and not self.webhook_secret:
            log.warning("DECISION_WEBHOOK_URL is set without DECISION_WEBHOOK_SECRET: "
                        "decision webhooks go out unsigned")

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    # ---------------------------------------------------------------- desk

    async def open_decision(self, click: Click, decision: str) -> None:
        if not self.gate.is_recruiter(click.user):
            log.info("decision by non-recruiter slack:%s refused", click.user)
            await self.slack.ephemeral(click.channel, click.user, blocks.REFUSE_DECIDE,
                                      click.response_url)
            return
        async with self.db.unit_of_work(read_only=True) as uow:
            decided = await uow.reviews.decision_for(click.interview_id)
            state = await uow.interviews.get(click.interview_id)
        if state is None:
            await self.slack.ephemeral(click.channel, click.user, "This submission is unknown.")
            return
        if decided is not None:
            await self.slack.ephemeral(click.channel, click.user, blocks.ALREADY_DECIDED)
            return
        view = modals.decision_modal(click.interview_id, decision,
                                     state.candidate_name or "the candidate",
                                     {"channel": click.channel})
        try:
            await self.slack.open_view(click.trigger_id, view)
        except AdapterError as exc:
            log.warning("decision view for %s not opened: %s", click.interview_id, exc)

    async def decide(self, sub: DecisionSubmitted) -> str | None:
        iid, actor = sub.interview_id, f"slack:{sub.user}"
        if not self.gate.is_recruiter(sub.user):
            log.info("decision by non-recruiter %s refused", actor)
            return blocks.REFUSE_DECIDE
        if sub.decision not in blocks.DECISIONS:
            return f"Unknown decision {sub.decision!r}."
        now = self.clock()
        async with self.db.unit_of_work() as uow:
            if await uow.reviews.decision_for(iid) is not None:
                return blocks.ALREADY_DECIDED
            state = await uow.interviews.get(iid)
            if state is None:
                return "This submission is unknown."
            kit = await uow.campaigns.kit(state.kit_version_id)
            campaign = await uow.campaigns.get(state.campaign_id)
            await uow.reviews.save_decision(iid, sub.decision, actor, sub.reason, now)
            await uow.audit.log(actor, "decision", iid,
                                {"decision": sub.decision, "reason": sub.reason}, now)
            if state.candidate is not None:
                closing = kit.closing.get(sub.decision) or DEFAULT_CLOSING[sub.decision]
                rendered = self.render(state.language, msg(CLOSING_TEXT_ID, verbatim=closing))
                await uow.outbox.add("send", rendered_to_payload(state.candidate, rendered),
                                     state.candidate.key, iid)
            else:
                log.error("interview %s has no candidate conversation: no closing sent", iid)
            await uow.outbox.add("review_refresh", {"interview_id": iid}, lane(iid), iid)
            if self.webhook_url:
                await uow.outbox.add("decision_webhook", {
                    "event": "interview.decided", "interview_id": iid,
                    "campaign_id": state.campaign_id,
                    "campaign": campaign.title if campaign else kit.title,
                    "candidate_name": state.candidate_name, "decision": sub.decision,
                    "reason": sub.reason, "decided_by": actor, "decided_at": now.isoformat(),
                }, None, iid)
            await uow.commit()
        log.info("interview %s: %s by %s", iid, sub.decision, actor)
        self.wake_outbox()
        return None

    # ---------------------------------------------------------------- outbox: webhook

    async def deliver_webhook(self, item: OutboxItem) -> str | None:
        if not self.webhook_url:
            raise RecipientUnavailable("DECISION_WEBHOOK_URL is no longer set")
        body = webhook_body(item.payload)
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: str(item.id)}
        if self.webhook_secret:
            headers[SIGNATURE_HEADER] = sign(self.webhook_secret, body)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        try:
            async with self._session.post(self.webhook_url, data=body, headers=headers) as r:
                status, retry = r.status, r.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryFailed(f"decision webhook: {exc!r}") from exc
        if 200 <= status < 300:
            return str(status)
        if status in (408, 425, 429) or status >= 500:
            raise DeliveryFailed(f"decision webhook answered {status}",
                                 retry_after=_seconds(retry))
        raise RecipientUnavailable(f"decision webhook answered {status}")


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
