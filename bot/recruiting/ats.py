"""`POST /api/invites`: an applicant-tracking system (Greenhouse, Lever, …) creates an invite
when a candidate reaches a stage. On when `ATS_WEBHOOK_SECRET` is set.

Signed like the decision webhook (`bot/review/webhook.py`): `X-Interview-Signature:
sha256=<hex>`, HMAC-SHA256 of the raw body with the shared secret. A missing or wrong
signature is a 401 and nothing is made. Body (JSON):
`{"campaign": "<slug>", "name": "<candidate>", "external_id": "<the ATS's id>",
"channel": "telegram" (optional)}`. Idempotent on `external_id`: the same id again returns
the same invite (200, `"created": false`); a new one is 201. The personal link(s) come back
in the response, for the ATS to send. The decision webhook later carries the `external_id`.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.base import InviteLinks
from bot.recruiting.invites import invite_links
from bot.recruiting.roster import CHANNELS, MAX_NAME
from bot.runtime.clock import Clock
from bot.runtime.signing import SIGNATURE_HEADER, signed_by
from storage.db import Database
from storage.records import CampaignStatus
from storage.repositories.external_invites import ExternalIdTaken

log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024
MAX_EXTERNAL_ID = 200
ACTOR = "ats"


class Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


@dataclass(frozen=True, slots=True)
class InviteRequest:
    campaign: str
    name: str
    external_id: str
    channel: str | None


@dataclass
class AtsInvites:
    db: Database
    secret: str
    clock: Clock
    invite_makers: Sequence[InviteLinks] = ()

    async def handle(self, request: web.Request) -> web.Response:
        if request.method != "POST":
            return web.json_response({"error": "use POST"}, status=405)
        body = await request.content.read(MAX_BODY + 1)
        try:
            if len(body) > MAX_BODY:
                raise Refused(413, f"the body is over {MAX_BODY} bytes")
            given = request.headers.get(SIGNATURE_HEADER, "")
            if not signed_by(self.secret, body, given):
                raise Refused(401, f"missing or wrong {SIGNATURE_HEADER}")
            status, answer = await self._invite(parse_request(body))
        except Refused as refused:
            log.info("ats invite refused: %s %s", refused.status, refused.error)
            return web.json_response({"error": refused.error}, status=refused.status)
        return web.json_response(answer, status=status)

    async def _invite(self, req: InviteRequest) -> tuple[int, dict[str, Any]]:
        for _ in range(2):  # a concurrent request with the same id wins: then read its invite
            try:
                return await self._invite_once(req)
            except ExternalIdTaken:
                continue
        raise Refused(409, "this external_id is being created by another request; retry")

    async def _invite_once(self, req: InviteRequest) -> tuple[int, dict[str, Any]]:
        async with self.db.unit_of_work() as uow:
            campaign = await uow.campaigns.by_slug(req.campaign)
            if campaign is None:
                raise Refused(404, f"no campaign {req.campaign!r}")
            known = await uow.external_invites.interview_for(req.external_id)
            if known is not None:
                state = await uow.interviews.get(known)
                if state is None or state.campaign_id != campaign.id:
                    raise Refused(409, "this external_id is an invite of another campaign")
                created = False
            else:
                if campaign.status is CampaignStatus.CLOSED:
                    raise Refused(409, f"campaign {req.campaign!r} is closed")
                state = await uow.interviews.create_invite(
                    campaign.id, campaign.kit_version_id, req.name)
                await uow.external_invites.link(req.external_id, state.interview_id)
                await uow.audit.log(ACTOR, "invited", state.interview_id, {
                    "name": req.name, "campaign": req.campaign,
                    "external_id": req.external_id}, self.clock())
                created = True
            await uow.commit()
        [links] = await invite_links(self.invite_makers, [state.invite_token], req.channel)
        return (201 if created else 200), {
            "created": created, "external_id": req.external_id,
            "interview_id": state.interview_id, "campaign": req.campaign,
            "token": state.invite_token, "links": links,
        }


def parse_request(body: bytes) -> InviteRequest:
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(400, "the body is not JSON") from exc
    if not isinstance(raw, dict):
        raise Refused(400, "the body must be a JSON object")
    fields = {key: raw.get(key) for key in ("campaign", "name", "external_id")}
    missing = [key for key, value in fields.items()
               if not isinstance(value, str) or not value.strip()]
    if missing:
        raise Refused(400, f"missing or empty: {', '.join(missing)}")
    if any(_has_control(str(value)) for value in fields.values()):
        # names and ids are one line of text; PostgreSQL cannot even store a NUL
        raise Refused(400, "campaign, name and external_id must not hold control characters")
    channel = raw.get("channel")
    if channel is not None and channel not in CHANNELS:
        raise Refused(400, f"channel must be one of {', '.join(CHANNELS)}")
    name, external_id = str(fields["name"]).strip(), str(fields["external_id"]).strip()
    if len(name) > MAX_NAME or len(external_id) > MAX_EXTERNAL_ID:
        raise Refused(400, f"name and external_id are at most {MAX_NAME} characters")
    return InviteRequest(str(fields["campaign"]).strip(), " ".join(name.split()), external_id,
                         channel)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)
