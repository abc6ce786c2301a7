"""Erasing a web interview (recruiter's erase; retention takes the same path) also removes
what is left of its uploads: chunks of a recording never finished, a joined recording never
stored. Real service (SQLite, the web channel as `run` adds it), real files."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from adapters.web.channel import conversation_of, page_key
from bot.cli.app import Service
from bot.cli.first_run import demo_invite
from bot.cli.platforms import add_web
from config.settings import Settings
from conversations.events import EraseRequested, Started
from conversations.state import Phase
from tests.e2e.harness import wait_until


async def _gone(path: Path) -> bool:
    return not await asyncio.to_thread(path.exists)


async def test_erasure_removes_the_pages_leftover_uploads(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                        media_dir=tmp_path / "media")
    service = await Service.create(settings)
    try:
        web = add_web(service, settings)
        token, other = await demo_invite(service.db), "o" * 32
        now = datetime.now(UTC)
        await service.handle(Started(event_id="web:open", occurred_at=now,
                                     conversation=conversation_of(token), invite_token=token))
        async with service.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
        assert state is not None and state.candidate == conversation_of(token)
        await web.uploads.put(page_key(token), "unfinished1", 0, b"half a recording")
        await web.uploads.put(page_key(token), "joinednever", 0, b"never stored")
        await web.uploads.join(page_key(token), "joinednever", 1)
        await web.uploads.put(page_key(other), "someoneelse", 0, b"not theirs")
        mine = settings.media_dir / "web-uploads" / page_key(token)
        assert mine.is_dir()

        await service.handle(EraseRequested(
            event_id=f"erase:{state.interview_id}", occurred_at=now,
            conversation=conversation_of(token), interview_id=state.interview_id,
            requested_by="telegram:42"))

        await wait_until(lambda: _gone(mine), 10, "the page's uploads to be erased", every=0.05)
        assert (settings.media_dir / "web-uploads" / page_key(other) / "someoneelse").is_dir()
        async with service.db.unit_of_work(read_only=True) as uow:
            erased = await uow.interviews.by_token(token)
        assert erased is not None and erased.phase == Phase.ERASED
    finally:
        await service.stop()
