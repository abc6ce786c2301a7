"""Webhook delivery: pushing pending updates to the bot's URL, with bounded retries.

A method returned in the webhook response body is executed like a regular call (Bot API
feature), recorded with ``via="webhook_response"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.message
import email.parser
import json
import re
from typing import Any

import aiohttp

from tests.fakes.telegram.dispatch import DispatchMixin
from tests.fakes.telegram.errors import bad_request
from tests.fakes.telegram.params import Params
from tests.fakes.telegram.records import PendingUpdate, WebhookDelivery
from tests.fakes.telegram.updates import UpdatesMixin

_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class WebhookMixin(UpdatesMixin, DispatchMixin):
    """``setWebhook`` and friends, and the worker that POSTs updates to the webhook URL."""

    def _after_enqueue(self) -> None:
        """With a webhook set, make sure the delivery worker runs; then wake up waiters."""
        if self.webhook_url is not None:
            self._ensure_webhook_worker()
        super()._after_enqueue()

    def _ensure_webhook_worker(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())

    async def _webhook_worker(self) -> None:
        while self.webhook_url is not None and not self._closing.is_set():
            entry = self._next_deliverable()
            if entry is None:
                event = self._event
                if self._next_deliverable() is None and self.webhook_url is not None:
                    await event.wait()
                continue
            url, secret = self.webhook_url, self.webhook_secret
            entry.attempts += 1
            status, error = await self._post_update(url, secret, entry.update)
            self.webhook_deliveries.append(
                WebhookDelivery(
                    update_id=entry.update["update_id"],
                    attempt=entry.attempts,
                    url=url,
                    status=status,
                    error=error,
                    time=self.clock(),
                    secret_token=secret,
                )
            )
            if status is not None and 200 <= status < 300:
                if entry in self._pending:
                    self._pending.remove(entry)
            else:
                self.last_webhook_error = (
                    int(self.clock()),
                    error or f"Wrong response from the webhook: {status}",
                )
                if entry.attempts >= self.webhook_max_attempts:
                    if entry in self._pending:
                        self._pending.remove(entry)
                    self.webhook_failures.append(entry.update["update_id"])
                else:
                    delays = self.webhook_retry_delays
                    await self._hold(delays[min(entry.attempts - 1, len(delays) - 1)])
            self._notify()

    def _next_deliverable(self) -> PendingUpdate | None:
        for entry in list(self._pending):
            if self._allowed(entry.update):
                return entry
            self._pending.remove(entry)
        return None

    async def _post_update(
        self, url: str, secret: str | None, update: dict[str, Any]
    ) -> tuple[int | None, str | None]:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        try:
            async with self._session.post(
                url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                body = await resp.read()
                if 200 <= resp.status < 300 and body:
                    try:
                        await self._webhook_reply(resp.headers.get("Content-Type", ""), body)
                    except Exception as exc:  # a broken reply must not kill delivery
                        self.webhook_reply_errors.append(repr(exc))
                return resp.status, None
        except (aiohttp.ClientError, TimeoutError) as exc:
            return None, f"Connection failed: {type(exc).__name__}: {exc}"

    async def _webhook_reply(self, content_type: str, body: bytes) -> None:
        """Execute a method returned in the webhook response body (Bot API feature)."""
        values: dict[str, Any] = {}
        files: dict[str, tuple[bytes, str | None]] = {}
        if content_type.startswith("application/json"):
            with contextlib.suppress(ValueError):
                parsed = json.loads(body)
                if isinstance(parsed, dict):
                    values = parsed
        elif content_type.startswith("multipart/form-data"):
            envelope = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
            parsed_mail = email.parser.BytesParser().parsebytes(envelope)
            for part in parsed_mail.get_payload() if parsed_mail.is_multipart() else []:
                if not isinstance(part, email.message.Message):
                    continue
                name = part.get_param("name", header="content-disposition")
                if not isinstance(name, str):
                    continue
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                filename = part.get_filename()
                if filename:
                    files[name] = (data, filename)
                else:
                    values[name] = data.decode("utf-8")
        method = values.pop("method", None)
        if isinstance(method, str) and method:
            await self._dispatch(method, Params(values, files), via="webhook_response")

    # ------------------------------------------------------------------ Bot API methods

    async def _m_setWebhook(self, p: Params) -> Any:
        url = p.str_("url") or ""
        if not url:
            return await self._m_deleteWebhook(p)
        if not re.match(r"^https?://", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str_("secret_token")
        if secret and not _SECRET_TOKEN_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if p.bool_("drop_pending_updates"):
            self._pending.clear()
        allowed = p.json_("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        self.webhook_max_connections = p.int_("max_connections", 40) or 40
        self.webhook_url = url
        self.webhook_secret = secret or None
        self._poll_generation += 1  # terminates a running long poll with 409
        self._ensure_webhook_worker()
        return True

    async def _m_deleteWebhook(self, p: Params) -> Any:
        if p.bool_("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = None
        self.webhook_secret = None
        return True

    async def _m_getWebhookInfo(self, p: Params) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
            if self.last_webhook_error:
                info["last_error_date"], info["last_error_message"] = self.last_webhook_error
        return info
