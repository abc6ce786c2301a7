"""slack-bolt `AsyncApp` for reviewers and recruiters: translate Slack requests, nothing more.

One URL (`/slack/events`) takes events, interactivity and slash commands; Bolt verifies the
v0 signature (bad or stale -> 401) and answers url_verification. Every listener acks at
once (Slack allows 3 s) and hands a small typed value to the `ReviewDesk` (implemented in
`bot/`), which does the work after the ack. Modal submissions are the exception: their ack
carries validation errors, so the desk answers those quickly (one database write).
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

from adapters.safe_text import safe_json
from adapters.slack import blocks, modals, requests
from conversations.scoring import ScoreKey

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
DECIDE_ACTION = re.compile(rf"^{blocks.DECIDE_PREFIX}({'|'.join(blocks.DECISIONS)})$")


@dataclass(frozen=True, slots=True)
class Click:
    """A reviewer pressed a button on a review post."""

    user: str  # Slack user id
    interview_id: str
    channel: str
    message_ts: str
    trigger_id: str
    response_url: str = ""


@dataclass(frozen=True, slots=True)
class ScoresSubmitted:
    user: str
    interview_id: str
    scores: dict[ScoreKey, int]
    comment: str
    channel: str


@dataclass(frozen=True, slots=True)
class DecisionSubmitted:
    user: str
    interview_id: str
    decision: str
    reason: str
    channel: str


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """A slash command (`/interview invite …`); `text` is what follows the command."""

    user: str
    command: str
    text: str


class ReviewDesk(Protocol):
    async def open_scoring(self, click: Click) -> None: ...

    async def save_scores(self, submitted: ScoresSubmitted) -> str | None:
        """None when saved; otherwise the reason shown in the modal (nothing changed)."""

    async def open_decision(self, click: Click, decision: str) -> None: ...

    async def decide(self, submitted: DecisionSubmitted) -> str | None:
        """None when decided; otherwise the reason shown in the modal (nothing changed)."""

    async def command(self, cmd: SlashCommand) -> str:
        """The reply to a slash command, shown only to the person who ran it."""


Ack = Callable[..., Awaitable[None]]
Respond = Callable[..., Awaitable[Any]]


def _click(body: JsonDict) -> Click:
    action = body["actions"][0]
    container = body.get("container") or {}
    return Click(
        user=_user(body),
        interview_id=str(action.get("value") or ""),
        channel=str(container.get("channel_id") or (body.get("channel") or {}).get("id", "")),
        message_ts=str(container.get("message_ts") or ""),
        trigger_id=str(body.get("trigger_id") or ""),
        response_url=str(body.get("response_url") or ""),
    )


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


def build_app(client: AsyncWebClient, signing_secret: str, desk: ReviewDesk) -> AsyncApp:
    verification_log = logging.getLogger(VERIFICATION_LOGGER)
    if not any(isinstance(f, WithholdRequestBodies) for f in verification_log.filters):
        verification_log.addFilter(WithholdRequestBodies())
    app = AsyncApp(client=client, signing_secret=signing_secret, name="interview-bot")

    @app.action(blocks.SCORE_OPEN)
    async def score_open(ack: Ack, body: JsonDict) -> None:
        await ack()
        await desk.open_scoring(_click(body))

    @app.action(DECIDE_ACTION)
    async def decide_open(ack: Ack, body: JsonDict) -> None:
        await ack()
        decision = str(body["actions"][0]["action_id"])[len(blocks.DECIDE_PREFIX):]
        await desk.open_decision(_click(body), decision)

    @app.view(modals.SCORE_VIEW)
    async def score_submit(ack: Ack, body: JsonDict) -> None:
        meta, parsed = _metadata(body), _parsed_scores(body)
        if parsed is None:
            log.warning("slack: unreadable scoring form refused")
            await ack(response_action="errors", errors={modals.COMMENT_BLOCK: UNREADABLE_FORM})
            return
        scores, comment = parsed
        error = await desk.save_scores(ScoresSubmitted(
            user=_user(body), interview_id=meta.get("interview_id", ""),
            scores=scores, comment=comment, channel=meta.get("channel", ""),
        ))
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
        error = await desk.decide(DecisionSubmitted(
            user=_user(body), interview_id=meta.get("interview_id", ""),
            decision=meta.get("decision", ""),
            reason=modals.parse_reason(values),
            channel=meta.get("channel", ""),
        ))
        if error:
            await ack(response_action="errors", errors={modals.REASON_BLOCK: error})
        else:
            await ack()

    @app.command(re.compile(r".*"))
    async def any_command(ack: Ack, body: JsonDict, respond: Respond) -> None:
        await ack()  # creating invites may call other APIs: reply through response_url
        reply = await desk.command(SlashCommand(
            user=str(body.get("user_id", "")), command=str(body.get("command", "")),
            text=str(body.get("text", "")),
        ))
        await respond(text=reply, response_type="ephemeral")

    @app.event(re.compile(r".*"))
    async def any_event() -> None:
        """Acked (Bolt acks events itself); the reviewer side needs no events yet."""

    @app.error
    async def on_error(error: Exception, body: JsonDict) -> None:
        kind = body.get("type") if isinstance(body.get("type"), str) else "?"
        log.error("slack request failed: %r (type=%.40s)", error, kind, exc_info=error)

    return app


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
