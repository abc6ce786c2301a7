"""The aiohttp web server: webhooks, `/healthz` and `/metrics` (Prometheus)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.runtime.metrics import Metrics

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(
    metrics: Metrics,
    health: Callable[[], Awaitable[dict[str, object]]],
    routes: dict[str, Handler],
) -> web.Application:
    """`routes` maps a POST path (`/telegram/webhook`, `/slack/events`…) to its handler."""
    app = web.Application(client_max_size=1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", **(await health())})

    async def metrics_view(_request: web.Request) -> web.Response:
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    for path, handler in routes.items():
        app.router.add_route("*", path, handler)
    return app


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner
