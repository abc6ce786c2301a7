"""In-process fake of the Slack Web API (loopback aiohttp server) for tests.

Serves ``/api/<method>`` like ``https://slack.com/api/`` plus the loopback URLs Slack hands
out: file upload URLs, ``url_private`` downloads and interaction ``response_url``s.
Point ``AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)`` at it.
Every call is recorded; tests wait on state with :meth:`FakeSlack.wait_for` /
:meth:`FakeSlack.wait_until` (an ``asyncio.Condition`` with a timeout, never sleeps).

The server is assembled from ``core`` (configuration, state, clock, recording) and one mixin
per API area (``messages``, ``chat``, ``views``, ``files``, ``response_urls``, ``workspace``,
``faults``, ``dispatch``, ``waiting``); helpers live in ``records`` and ``blocks``.  The names
below are re-exported here.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web

from tests.fakes.slack.blocks import MAX_BLOCKS, MAX_TEXT
from tests.fakes.slack.chat import ChatMixin
from tests.fakes.slack.dispatch import ApiDispatchMixin
from tests.fakes.slack.files import LOGIN_PAGE, FilesMixin
from tests.fakes.slack.history import HistoryMixin
from tests.fakes.slack.records import ApiHandler, Call, FakeFile, JsonDict, SlackApiFailure
from tests.fakes.slack.response_urls import (
    RESPONSE_URL_MAX_USES,
    RESPONSE_URL_TTL_S,
    ResponseUrlMixin,
)
from tests.fakes.slack.views import TRIGGER_TTL_S, ViewsMixin
from tests.fakes.slack.waiting import WaitingMixin
from tests.fakes.slack.workspace import WorkspaceMixin

__all__ = [
    "LOGIN_PAGE",
    "MAX_BLOCKS",
    "MAX_TEXT",
    "RESPONSE_URL_MAX_USES",
    "RESPONSE_URL_TTL_S",
    "TRIGGER_TTL_S",
    "ApiHandler",
    "Call",
    "FakeFile",
    "FakeSlack",
    "JsonDict",
    "SlackApiFailure",
]


class FakeSlack(
    ChatMixin,
    HistoryMixin,
    ViewsMixin,
    FilesMixin,
    ResponseUrlMixin,
    WorkspaceMixin,
    ApiDispatchMixin,
    WaitingMixin,
):
    """Fake Slack Web API on ``127.0.0.1:<ephemeral>``.

    Pseudo methods recorded alongside Web API calls (usable with ``calls`` / ``wait_for``):
    ``"file.upload"`` (POST to an upload_url), ``"file.download"`` (GET url_private),
    ``"response_url"`` (POST to an interaction response_url).
    """

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{upload_id}", self._handle_upload)
        app.router.add_get("/files-pri/{team_file}/{name}", self._handle_download)
        app.router.add_get("/files-pri/{team_file}/download/{name}", self._handle_download)
        app.router.add_post("/response/{rid}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
