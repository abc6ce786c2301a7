"""HTTP entry point of the Bot API: record each call, apply faults, run the method handler.

Handlers are the ``_m_<methodName>`` coroutines of the API-area mixins; Telegram matches method
names case-insensitively, and so does the dispatcher.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from aiohttp import web

from tests.fakes.telegram.errors import TelegramAPIError, bad_request, default_description
from tests.fakes.telegram.faults import FaultsMixin
from tests.fakes.telegram.params import Params, read_params, recordable
from tests.fakes.telegram.records import BotCall


class DispatchMixin(FaultsMixin):
    """Routes ``/bot{token}/{method}`` requests (and webhook-response methods) to the handlers."""

    #: Lower-cased Bot API method name -> handler suffix, from the ``_m_*`` methods of the class.
    _method_index: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._method_index = {
            name[3:].lower(): name[3:] for name in dir(cls) if name.startswith("_m_")
        }

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params = await read_params(request)
        except (ValueError, json.JSONDecodeError):
            err = bad_request("can't parse request body")
            return web.json_response(err.payload(), status=err.status)
        status, body = await self._dispatch(
            request.match_info["method"], params, http_method=request.method
        )
        return web.json_response(body, status=status)

    async def _dispatch(
        self, method_name: str, params: Params, *, http_method: str = "POST", via: str = "http"
    ) -> tuple[int, dict[str, Any]]:
        handler_name = self._method_index.get(method_name.lower())
        method = handler_name or method_name
        call = BotCall(
            method=method,
            params=recordable(params.values),
            time=self.clock(),
            files={k: v[0] for k, v in params.files.items()},
            http_method=http_method,
            via=via,
        )
        self.calls.append(call)
        self._notify()
        try:
            fault = self._take_fault(method)
            if fault is not None and fault.status == "timeout":
                if not fault.apply:
                    await self._hold(fault.hold)
                    fault = None
                else:
                    status, body = await self._run_method(handler_name, params)
                    await self._hold(fault.hold)
                    return self._finish(call, status, body)
            if fault is not None:
                code = int(fault.status)
                raise TelegramAPIError(
                    code,
                    fault.description or default_description(code, fault.retry_after),
                    fault.retry_after,
                )
            self._check_rate_limit(method, params)
            status, body = await self._run_method(handler_name, params)
        except TelegramAPIError as err:
            status, body = err.status, err.payload()
        return self._finish(call, status, body)

    def _finish(
        self, call: BotCall, status: int, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        call.status = status
        call.response = body
        self._notify()
        return status, body

    async def _run_method(
        self, handler_name: str | None, params: Params
    ) -> tuple[int, dict[str, Any]]:
        if handler_name is None:
            raise TelegramAPIError(404, "Not Found")
        try:
            result = await getattr(self, "_m_" + handler_name)(params)
        except TelegramAPIError as err:
            return err.status, err.payload()
        return 200, {"ok": True, "result": result}
