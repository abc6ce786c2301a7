"""`/whatsapp/webhook` on the service's aiohttp server.

GET: Meta's verification handshake (`hub.mode=subscribe`, `hub.verify_token` equal to ours ->
the `hub.challenge` as plain text, else 403). POST: the raw body's `X-Hub-Signature-256` is
checked with pywa's validator before anything is parsed (missing -> 401, wrong -> 403);
a body that is not a WhatsApp envelope gets 400, never a 5xx, and is never logged. The
events are handled (recorded, decided, committed) before the 200, so a body whose handling
failed is answered 503 and delivered again by WhatsApp, its handled events skipped as
duplicates.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from pywa.utils import HUB_SIG

from adapters.whatsapp.inbound import MalformedUpdate, parse_body
from adapters.whatsapp.transport import NotStarted, WhatsAppChannel

log = logging.getLogger(__name__)


class WhatsAppWebhook:
    def __init__(self, channel: WhatsAppChannel, verify_token: str) -> None:
        if not verify_token:
            raise ValueError("the WhatsApp webhook needs WHATSAPP_VERIFY_TOKEN")
        self._channel = channel
        self._verify_token = verify_token

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The route handler (every method: aiohttp calls it for GET and POST alike)."""
        if request.method == "GET":
            return self.verify(request)
        if request.method != "POST":
            return web.Response(status=405, text="method not allowed")
        return await self.receive(request)

    def verify(self, request: web.Request) -> web.Response:
        """pywa's `webhook_challenge_handler` ignores `hub.mode` and compares the token
        with `==`: this checks both, in constant time."""
        query = request.query
        given = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and query.get("hub.challenge") is not None \
                and hmac.compare_digest(given.encode(), self._verify_token.encode()):
            log.info("whatsapp: webhook verified")
            return web.Response(text=query["hub.challenge"], content_type="text/plain")
        log.warning("whatsapp: webhook verification refused (wrong mode or verify token)")
        return web.Response(status=403, text="forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        refusal = await self._signature_refusal(body, request.headers.get(HUB_SIG))
        if refusal is not None:
            return refusal
        try:
            inbound = parse_body(json.loads(body), self._channel.phone_number_id)
        except (ValueError, RecursionError) as exc:  # MalformedUpdate is a ValueError
            reason = str(exc) if isinstance(exc, MalformedUpdate) else "not JSON"
            log.warning("whatsapp: malformed webhook body refused (%d bytes): %s",
                        len(body), reason)
            return web.Response(status=400, text="bad request")
        try:
            await self._channel.receive(inbound)
        except NotStarted:
            return web.Response(status=503, text="starting")
        except Exception:
            # The runtime logged the failure with its event id; WhatsApp will retry.
            log.warning("whatsapp: handling a webhook failed; answered 503 for a retry")
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")

    async def _signature_refusal(self, body: bytes, header: str | None) -> web.Response | None:
        if header is not None and not header.isascii():
            header = "sha256=-"  # pywa's compare_digest raises on non-ASCII text: refuse
        refused = await self._channel.wa.webhook_update_validator(body, header)
        if refused is None:
            return None
        text, status = refused
        log.warning("whatsapp: webhook POST refused: %s (%d)", text, status)
        return web.Response(status=status, text=text.lower())
