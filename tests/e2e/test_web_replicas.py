"""The candidate page behind a load balancer: two `run --role web` replicas (each its own
MEDIA_DIR, as on two machines) share one PostgreSQL database and WEB_SECRET. A browser's
session opened on one works on the other, and the chunks of one recording, sent to both in
turn (one of them twice, the finish asked early and again), make one whole answer."""

from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from storage.db import Database
from tests.e2e.harness import (
    BotProcess,
    base_env,
    create_campaign,
    create_invite,
    free_port,
    wait_until,
)

pytestmark = pytest.mark.e2e
KIT = Path(__file__).parent / "kits" / "e2e-web.yaml"
VOICE = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "voice.ogg"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
FETCH = {"X-Requested-With": "fetch"}


class Browser:
    """One browser (one cookie jar) talking to whichever replica it is told to."""

    def __init__(self, session: aiohttp.ClientSession, token: str) -> None:
        self.session, self.token = session, token
        self.csrf = ""

    async def page(self, base: str) -> str:
        async with self.session.get(f"{base}/i/{self.token}") as response:
            body = await response.text()
        found = CSRF.search(body)
        self.csrf = found.group(1) if found else self.csrf
        return body

    async def post(self, base: str, action: str, **fields: str) -> int:
        async with self.session.post(f"{base}/i/{self.token}/{action}", allow_redirects=False,
                                     data={"csrf": self.csrf, **fields}) as response:
            return response.status

    async def press(self, base: str, label: str) -> None:
        async def offered() -> bool:
            return escape(label) in await self.page(base)

        await wait_until(offered, 30, f"the button {label!r}")
        body = await self.page(base)
        form = re.search(r'name="payload" value="([^"]+)"><input type="hidden" name="message" '
                         rf'value="(\d+)"><button type="submit" class="[^"]*">{escape(label)}<',
                         body)
        assert form, body
        assert await self.post(base, "press", payload=form.group(1),
                               message=form.group(2)) == 303

    async def chunk(self, base: str, rec: str, seq: int, data: bytes) -> int:
        async with self.session.post(
                f"{base}/i/{self.token}/chunk?rec={rec}&seq={seq}", data=data,
                headers={**FETCH, "X-CSRF-Token": self.csrf,
                         "Content-Type": "application/octet-stream"}) as response:
            return response.status

    async def finish(self, base: str, rec: str, count: int) -> tuple[int, dict[str, object]]:
        async with self.session.post(
                f"{base}/i/{self.token}/finish", json={"rec": rec, "count": count},
                headers={**FETCH, "X-CSRF-Token": self.csrf}) as response:
            return response.status, await response.json()


def _replica(env: dict[str, str], tmp_path: Path, name: str, started: list[BotProcess]
             ) -> BotProcess:
    proc = BotProcess(env={**env, "HTTP_PORT": str(free_port()),
                           "MEDIA_DIR": str(tmp_path / name / "media")},
                      log_path=tmp_path / f"{name}.log", args=("--role", "web"))
    started.append(proc)
    return proc


async def _rows(db: Database, table: str) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_chunks_of_one_recording_on_two_replicas_make_one_answer(
        pg_url: str, tmp_path: Path, bot_process: list[BotProcess]) -> None:
    env = base_env(tmp_path, DATABASE_URL=pg_url, WEB_SECRET="replicas-share-this-web-key")
    a, b = (_replica(env, tmp_path, name, bot_process) for name in ("a", "b"))
    await create_campaign(env, KIT, "replicas")
    token = await create_invite(env, "replicas", "Ada")
    await a.start()
    await b.start()
    voice = VOICE.read_bytes()
    pieces = [voice[n:n + len(voice) // 4 + 1] for n in range(0, len(voice), len(voice) // 4 + 1)]
    db = Database.from_url(pg_url)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        ada = Browser(session, token)
        assert "Open the interview" in await ada.page(a.url)
        assert await ada.post(b.url, "open") == 303  # a session made on A is good on B
        await ada.press(a.url, "Yes, I agree")
        await ada.press(b.url, "Begin")
        await ada.press(a.url, "I'm ready")  # the practice question: no thinking time

        rec, last = "replicas-rec-1", len(pieces) - 1
        for seq, data in enumerate(pieces[:last]):
            assert await ada.chunk((a.url, b.url)[seq % 2], rec, seq, data) == 200
        assert await ada.chunk(a.url, rec, 1, pieces[1]) == 200  # a retry, to the other one
        status, early = await ada.finish(a.url, rec, len(pieces))
        assert status == 422 and "still on the way" in str(early["why"])
        assert await ada.chunk(b.url, rec, last, pieces[last]) == 200
        status, saved = await ada.finish(a.url, rec, len(pieces))
        assert status == 200 and saved["sha256"] == hashlib.sha256(voice).hexdigest()
        assert await ada.finish(b.url, rec, len(pieces)) == (200, saved)  # asked again

        async def received() -> bool:
            return "part 1 received" in await ada.page(b.url)

        await wait_until(received, 60, "the answer on the page")
        assert "part 2 received" not in await ada.page(a.url)
        await ada.press(b.url, "Done")

        async def swept() -> bool:  # kept once, in the blob store, once the part is stored
            return await _rows(db, "web_chunks") == 0 and await _rows(db, "web_recordings") == 0

        try:
            await wait_until(swept, 60, "the chunks to go once the answer is stored")
        finally:
            await db.dispose()
    for replica in (a, b):
        uploads = tmp_path / replica.log_path.stem / "media" / "web-uploads"
        assert not [p for p in uploads.rglob("*") if p.is_file()]  # no scratch file left
        assert "Traceback" not in replica.logs()
