"""The decision webhook: each decision POSTed as JSON to the ATS (`DECISION_WEBHOOK_URL`).

The body is JSON; `X-Interview-Signature: sha256=<hex>` is HMAC-SHA256 over the raw body
with `DECISION_WEBHOOK_SECRET`. `X-Interview-Delivery` is stable across retries (the outbox
row id), so a receiver can drop duplicates. 408/425/429/5xx and network trouble retry from
the outbox with backoff; any other answer fails for good.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from adapters.errors import DeliveryFailed, RecipientUnavailable
from bot.runtime.signing import SIGNATURE_HEADER, sign
from storage.records import OutboxItem

__all__ = ["DELIVERY_HEADER", "SIGNATURE_HEADER", "DecisionWebhookSender", "sign",
           "webhook_body"]

log = logging.getLogger(__name__)

DELIVERY_HEADER = "X-Interview-Delivery"


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class DecisionWebhookSender:
    url: str | None
    secret: str | None = None
    _session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self.url and not self.secret:
            log.warning("DECISION_WEBHOOK_URL is set without DECISION_WEBHOOK_SECRET: "
                        "decision webhooks go out unsigned")

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def deliver(self, item: OutboxItem) -> str | None:
        if not self.url:
            raise RecipientUnavailable("DECISION_WEBHOOK_URL is no longer set")
        body = webhook_body(item.payload)
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: str(item.id)}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, body)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        try:
            async with self._session.post(self.url, data=body, headers=headers) as r:
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
