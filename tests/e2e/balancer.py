"""A round-robin load balancer on loopback, in front of several `run --role web` replicas
(what an operator puts in front of them; PUBLIC_URL points here). A replica that refuses
the connection is skipped, as a balancer's health check would."""

from __future__ import annotations

import itertools
from types import TracebackType

import aiohttp
from aiohttp import web

from tests.e2e.harness import free_port

HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


class Balancer:
    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.port = free_port()
        self.sent: dict[str, int] = dict.fromkeys(backends, 0)
        self._turn = itertools.cycle(range(len(backends)))
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Balancer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._session = aiohttp.ClientSession()
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        for _ in self.backends:
            backend = self.backends[next(self._turn)]
            try:
                async with self._session.request(request.method, backend + request.path_qs,
                                                 data=body, headers=headers) as resp:
                    self.sent[backend] += 1
                    return web.Response(status=resp.status, body=await resp.read(),
                                        content_type=resp.content_type)
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502, text="no replica answered")
