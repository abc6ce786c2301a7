"""Erasing a web interview (recruiter's erase; retention takes the same path) also removes
what is left of its uploads: chunks of a recording never finished, a joined recording never
stored. Real service (SQLite, the web channel as `run` adds it); chunks are database rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.web.channel import conversation_of, page_key
from bot.cli.app import Service
from bot.cli.first_run import demo_invite
from bot.cli.platforms import add_web
from config.settings import Settings
from conversations.events import EraseRequested, Started
from conversations.state import Phase
from storage.web_chunks import WebChunks


async def test_erasure_removes_the_pages_leftover_uploads(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                        media_dir=tmp_path / "media")
    service = await Service.create(settings)
    try:
        web = add_web(service, settings)
        token, other = await demo_invite(service.db), "0" * 32
        now = datetime.now(UTC)
        await service.handle(Started(event_id="web:open", occurred_at=now,
                                     conversation=conversation_of(token), invite_token=token))
        async with service.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
        assert state is not None and state.candidate == conversation_of(token)
        mine, chunks = page_key(token), WebChunks(service.db)
        await web.uploads.put(mine, "unfinished1", 0, b"half a recording")
        await web.uploads.put(mine, "joinednever", 0, b"never stored")
        async with web.uploads.join(mine, "joinednever", 1):
            pass
        await web.uploads.put(other, "someoneelse", 0, b"not theirs")
        assert await chunks.open_recordings(mine) == {"unfinished1"}
        assert list(await chunks.held(mine)) != []

        await service.handle(EraseRequested(
            event_id=f"erase:{state.interview_id}", occurred_at=now,
            conversation=conversation_of(token), interview_id=state.interview_id,
            requested_by="telegram:42"))

        assert await chunks.open_recordings(mine) == set() and await chunks.held(mine) == {}
        assert await chunks.sizes(mine, "joinednever") == {}
        assert await chunks.open_recordings(other) == {"someoneelse"}
        assert not list((settings.media_dir / "web-uploads").rglob("*.*"))  # no scratch left
        async with service.db.unit_of_work(read_only=True) as uow:
            erased = await uow.interviews.by_token(token)
        assert erased is not None and erased.phase == Phase.ERASED
    finally:
        await service.stop()


async def test_the_link_of_an_erased_interview_says_so(tmp_path: Path) -> None:
    """Not the "Open the interview" landing (the link's binding went with the erasure)."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                        media_dir=tmp_path / "media")
    service = await Service.create(settings)
    try:
        add_web(service, settings)
        app = web.Application()
        for path, handler in service.routes.items():
            app.router.add_route("*", path, handler)
        token, now = await demo_invite(service.db), datetime.now(UTC)
        await service.handle(Started(event_id="web:open", occurred_at=now,
                                     conversation=conversation_of(token), invite_token=token))
        async with service.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
        assert state is not None
        await service.handle(EraseRequested(
            event_id=f"erase:{state.interview_id}", occurred_at=now,
            conversation=conversation_of(token), interview_id=state.interview_id,
            requested_by="telegram:42"))
        async with TestClient(TestServer(app)) as client:
            response = await client.get(f"/i/{token}")
            body = await response.text()
            assert response.status == 410, body
            assert "This interview was erased" in body and "Open the interview" not in body
            assert (await client.get(f"/i/{token}/check")).status == 410
    finally:
        await service.stop()

