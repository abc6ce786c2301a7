"""slack-bolt `AsyncApp` for reviewers, recruiters and (in DMs) candidates: translate Slack
requests, nothing more.

One URL (`/slack/events`) takes events, interactivity and slash commands; Bolt verifies the
v0 signature (bad or stale -> 401) and answers url_verification. Every listener acks at
once (Slack allows 3 s) and hands the neutral `ReviewDesk` (the reviewer port,
`conversations/review_port.py`) who acted and on what; it does the work after the ack.
Modal submissions are the exception: their ack carries validation errors, so the desk
answers those quickly (one database write).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.errors import AdapterError
from adapters.safe_text import safe_json
from adapters.slack import blocks, dm_inbound, modals, requests
from adapters.slack.recruiter_files import (
    RecruiterFiles,
    answer_file_message,
    file_command,
    send_back,
)
from conversations.events import Platform
from conversations.review_port import ReviewDesk, ReviewerRef
from conversations.reviewing import DECISIONS
from conversations.scoring import ScoreKey

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
SLASH_PREFIX = "/interview "  # how recruiters type commands here (usage texts)
DECIDE_ACTION = re.compile(rf"^{blocks.DECIDE_PREFIX}({'|'.join(DECISIONS)})$")


Ack = Callable[..., Awaitable[None]]
Respond = Callable[..., Awaitable[Any]]


def reviewer(body: JsonDict, place: str = "") -> ReviewerRef:
    """Who acted, where, and the handles to answer them privately."""
    container = body.get("container") or {}
    place = place or str(container.get("channel_id")
                         or (body.get("channel") or {}).get("id", ""))
    handles = {k: str(body[k]) for k in ("trigger_id", "response_url") if body.get(k)}
    return ReviewerRef(platform=Platform.SLACK, user_id=_user(body), place=place,
                       handles=handles)


def _interview_id(body: JsonDict) -> str:
    return str(body["actions"][0].get("value") or "")


def _user(body: JsonDict) -> str:
    return str((body.get("user") or {}).get("id") or "")


def _metadata(body: JsonDict) -> dict[str, str]:
    raw = (body.get("view") or {}).get("private_metadata") or "{}"
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _form_values(body: JsonDict) -> dict[str, Any] | None:
    """`view.state.values` when it has the shape Slack sends (block -> action -> object)."""
    values = ((body.get("view") or {}).get("state") or {}).get("values")
    if not isinstance(values, dict) or not all(
        isinstance(actions, dict) and all(isinstance(a, dict) for a in actions.values())
        for actions in values.values()
    ):
        return None
    return values


UNREADABLE_FORM = "This form could not be read; please open it again."


def _parsed_scores(body: JsonDict) -> tuple[dict[ScoreKey, int], str] | None:
    values = _form_values(body)
    try:
        return modals.parse_scores(values) if values is not None else None
    except (ValueError, TypeError, AttributeError):  # a forged or corrupted submission
        return None


class WithholdRequestBodies(logging.Filter):
    """Bolt logs a refused request with its whole body (answers, names) at INFO; keep the
    refusal, drop the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if BODY_MARK in message:
            record.msg, record.args = message.split(BODY_MARK, 1)[0] + ", body withheld)", ()
        return True


BODY_MARK = ", body: "
VERIFICATION_LOGGER = "slack_bolt.RequestVerification"


class CandidateInbox(Protocol):
    """The candidate side sharing this app (Slack DMs: `dm_channel.SlackDmChannel`)."""

    async def receive_message(self, body: JsonDict) -> None: ...

    async def receive_click(self, body: JsonDict) -> bool: ...


def add_candidate_listeners(app: AsyncApp, inbox: CandidateInbox, recruiter_files: bool
                            ) -> None:
    """DM messages and candidate buttons. Registered before the reviewer listeners: Bolt
    runs the first listener that matches a request. With `recruiter_files`, a file shared
    with a recruiter command (`new spring`) goes on to the recruiter desk instead."""

    async def in_a_dm(body: JsonDict) -> bool:
        event = body.get("event") or {}
        if recruiter_files and file_command(event) is not None:
            return False
        return dm_inbound.is_candidate_message(event)

    @app.event("message", matchers=[in_a_dm])
    async def dm_message(body: JsonDict) -> None:
        await inbox.receive_message(body)

    @app.action(re.compile(rf"^{dm_inbound.BUTTON_PREFIX}"))
    async def candidate_click(ack: Ack, body: JsonDict) -> None:
        await ack()
        await inbox.receive_click(body)


def build_app(
    client: AsyncWebClient, signing_secret: str, desk: ReviewDesk,
    files: RecruiterFiles | None = None, candidates: CandidateInbox | None = None,
) -> AsyncApp:
    verification_log = logging.getLogger(VERIFICATION_LOGGER)
    if not any(isinstance(f, WithholdRequestBodies) for f in verification_log.filters):
        verification_log.addFilter(WithholdRequestBodies())
    app = AsyncApp(client=client, signing_secret=signing_secret, name="interview-bot")
    if candidates is not None:
        add_candidate_listeners(app, candidates, recruiter_files=files is not None)

    @app.action(blocks.SCORE_OPEN)
    async def score_open(ack: Ack, body: JsonDict) -> None:
        await ack()
        await desk.open_scoring(reviewer(body), _interview_id(body))

    @app.action(DECIDE_ACTION)
    async def decide_open(ack: Ack, body: JsonDict) -> None:
        await ack()
        decision = str(body["actions"][0]["action_id"])[len(blocks.DECIDE_PREFIX):]
        await desk.open_decision(reviewer(body), _interview_id(body), decision)

    @app.view(modals.SCORE_VIEW)
    async def score_submit(ack: Ack, body: JsonDict) -> None:
        meta, parsed = _metadata(body), _parsed_scores(body)
        if parsed is None:
            log.warning("slack: unreadable scoring form refused")
            await ack(response_action="errors", errors={modals.COMMENT_BLOCK: UNREADABLE_FORM})
            return
        scores, comment = parsed
        error = await desk.save_scores(reviewer(body, meta.get("channel", "")),
                                       meta.get("interview_id", ""), scores, comment)
        if error:
            await ack(response_action="errors", errors={modals.COMMENT_BLOCK: error})
        else:
            await ack()

    @app.view(modals.DECISION_VIEW)
    async def decision_submit(ack: Ack, body: JsonDict) -> None:
        meta, values = _metadata(body), _form_values(body)
        if values is None:
            log.warning("slack: unreadable decision form refused")
            await ack(response_action="errors", errors={modals.REASON_BLOCK: UNREADABLE_FORM})
            return
        error = await desk.decide(
            reviewer(body, meta.get("channel", "")), meta.get("interview_id", ""),
            meta.get("decision", ""), modals.parse_reason(values),
        )
        if error:
            await ack(response_action="errors", errors={modals.REASON_BLOCK: error})
        else:
            await ack()

    @app.command(re.compile(r".*"))
    async def any_command(ack: Ack, body: JsonDict, respond: Respond) -> None:
        await ack()  # creating invites may call other APIs: reply through response_url
        user = str(body.get("user_id", ""))
        actor, text = f"{Platform.SLACK}:{user}", str(body.get("text", ""))
        if files is None:
            reply = await desk.command(actor, text, SLASH_PREFIX)
        else:
            reply = await _with_file_back(client, files, actor, user, text)
        await respond(text=reply, response_type="ephemeral")

    @app.event(re.compile(r".*"))
    async def any_event(body: JsonDict) -> None:
        """Acked (Bolt acks events itself). A recruiter's file shared in the bot's DM with a
        command (`new`, `edit`, `invite`) is the one event taken (`recruiter_files.py`)."""
        event = body.get("event")
        if files is None or not isinstance(event, dict) or event.get("type") != "message":
            return
        user = str(event.get("user") or "")
        await answer_file_message(client, files, f"{Platform.SLACK}:{user}", user, event,
                                  SLASH_PREFIX)

    @app.error
    async def on_error(error: Exception, body: JsonDict) -> None:
        kind = body.get("type") if isinstance(body.get("type"), str) else "?"
        log.error("slack request failed: %r (type=%.40s)", error, kind, exc_info=error)

    return app


async def _with_file_back(client: AsyncWebClient, files: RecruiterFiles, actor: str,
                          user: str, text: str) -> str:
    """The reply to a slash command; a file that comes with it goes to the recruiter's DM."""
    reply, back = await files.command_with_file(actor, text, SLASH_PREFIX, None)
    if back is None:
        return reply
    try:
        await send_back(client, user, reply, back)
    except AdapterError as exc:
        log.warning("slack: a recruiter's file could not be sent: %s", exc)
        return f"{reply}\n(The file {back.file_name} could not be sent; please try again.)"
    return f"{reply}\n(The file, {back.file_name}, is in your direct messages with me.)"


def aiohttp_handler(
    app: AsyncApp, signing_secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The `/slack/events` route on the service's aiohttp server; malformed requests are
    answered here (4xx, one log line, no body) and never reach Bolt."""

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        refusal = requests.check(raw, request.headers, signing_secret)
        if refusal is not None:
            log.warning("slack: request refused (%s): %s", refusal.status, refusal.reason)
            return web.Response(status=refusal.status, text=refusal.reason)
        bolt_request = await to_bolt_request(request)
        # The signature is verified on the raw body; listeners read `body`, whose strings
        # are made safe for every database (a lone surrogate in a button value failed it).
        bolt_request.body = safe_json(bolt_request.body)
        response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    return handle


@dataclass
class SocketMode:
    """Socket Mode instead of HTTP when SLACK_APP_TOKEN is set (no public URL needed)."""

    app: AsyncApp
    app_token: str
    _handler: Any = None

    async def start(self) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        self._handler = AsyncSocketModeHandler(self.app, self.app_token)
        await self._handler.connect_async()
        log.info("slack: socket mode connected")

    async def stop(self) -> None:
        if self._handler is not None:
            await self._handler.close_async()
