"""HTTP plumbing of ``/api/<method>``: parameter parsing, auth, faults, handler dispatch."""

from __future__ import annotations

import json

from aiohttp import web

from tests.fakes.slack.faults import FaultsMixin
from tests.fakes.slack.records import JsonDict, SlackApiFailure

# params sent by slack_sdk as JSON-encoded strings inside form bodies
_JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")


def bearer_token(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


async def parse_params(request: web.Request) -> JsonDict:
    """Query + JSON / form body, with slack_sdk's JSON-in-form params decoded."""
    params: JsonDict = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise SlackApiFailure("invalid_json") from None
            if isinstance(body, dict):
                params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for k, v in form.items():
                params[k] = v.file.read() if isinstance(v, web.FileField) else v
    for key in _JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value
    return params


class ApiDispatchMixin(FaultsMixin):
    """Answers ``/api/<method>`` like Slack: rate limits first, then auth, then the handler."""

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await parse_params(request)
        except SlackApiFailure as e:
            body = {"ok": False, "error": e.error}
            await self._record(method, {}, bearer_token(request), 200, body)
            return web.json_response(body)
        token = bearer_token(request) or params.pop("token", None)
        params.pop("token", None)

        rate = self._take_rule(self._rate_rules, method)
        if rate is not None:
            body = {"ok": False, "error": "ratelimited"}
            await self._record(method, params, token, 429, body)
            return web.json_response(
                body, status=429, headers={"Retry-After": str(rate.retry_after)}
            )

        if method not in self._handlers:
            body = {"ok": False, "error": "unknown_method"}
        elif token is None:
            body = {"ok": False, "error": "not_authed"}
        elif token not in self.valid_tokens:
            body = {"ok": False, "error": "invalid_auth"}
        else:
            err = self._take_rule(self._error_rules, method)
            if err is not None and err.error is None:
                body = {"ok": False, "error": "internal_error"}
                await self._record(method, params, token, err.status, body)
                return web.json_response(body, status=err.status)
            if err is not None:
                body = {"ok": False, "error": err.error}
            else:
                try:
                    body = await self._handlers[method](params, token)
                except SlackApiFailure as e:
                    body = {"ok": False, "error": e.error, **e.extra}
                lost = self._take_rule(self._lost_answers, method)
                if lost is not None:  # the connection drops before the answer is sent
                    await self._record(method, params, token, 0, body)
                    if request.transport is not None:
                        request.transport.close()
                    return web.Response(status=lost.status)
        await self._record(method, params, token, 200, body)
        return web.json_response(body)
