"""The web candidate page over real HTTP (aiohttp on loopback) and a real SQLite database:
the link binds to one browser, a code moves it, every POST needs its CSRF token, chunks
sent twice or out of order make one whole recording, and what is not playable media is
refused with a sentence (probed with PyAV, not trusted by name)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar, web
from aiohttp.test_utils import TestServer

from adapters.base import EventSink
from adapters.web.channel import WebChannel
from adapters.web.routes import CandidatePage
from adapters.web.security import COOKIE, Keys
from adapters.web.uploads import Uploads
from bot.cli.web_media import probe_recording
from bot.runtime.catalogs import load_catalog
from config.kit import AnswerFormat, Kit, Question
from conversations.events import ButtonPressed, Event, MediaKind, MediaReceived, Started
from conversations.texts import Catalog
from storage.db import Database
from storage.web_chunks import WebChunks
from storage.web_pages import WebPages

MEDIA = Path(__file__).parents[1] / "fixtures" / "media"
KIT = Kit(title="Web screen", questions=(
    Question(id="q1", text="Say hello.", formats=(AnswerFormat.VOICE,)),))
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class Page:
    def __init__(self, client: ClientSession, token: str, events: list[Event]) -> None:
        self.client, self.token, self.events = client, token, events

    async def get(self) -> tuple[int, str]:
        response = await self.client.get(f"/i/{self.token}")
        return response.status, await response.text()

    async def csrf(self) -> str:
        _, body = await self.get()
        found = CSRF.search(body)
        assert found, body
        return found.group(1)

    async def post(self, action: str, **fields: str) -> int:
        response = await self.client.post(f"/i/{self.token}/{action}", data=fields,
                                          allow_redirects=False)
        return response.status


GERMAN = Catalog("de", {**load_catalog("en").texts, "web.landing.open": "Interview öffnen"})


def catalogs(language: str) -> Catalog:
    """The page's catalogs: a German one (one sentence is enough to tell), else the real
    loader (which falls back to English)."""
    return GERMAN if language == "de" else load_catalog(language)


async def _app(db: Database, tmp_path: Path, sink: EventSink) -> web.Application:
    channel = WebChannel(WebPages(db), Uploads(WebChunks(db), tmp_path / "uploads"))
    await channel.start(sink)
    page = CandidatePage(channel, Keys(b"k" * 32, secure_cookies=False), probe_recording,
                         catalogs, clock=lambda: datetime.now(UTC))
    app = web.Application()
    for path, handler in page.routes().items():
        app.router.add_route("*", path, handler)
    return app


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[tuple[Page, Page, WebPages]]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    async with db.unit_of_work() as uow:
        campaign = await uow.campaigns.create(KIT, "title: x\n", "web", "live")
        invite = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ada")
        await uow.commit()
    events: list[Event] = []

    async def sink(event: Event) -> None:
        events.append(event)

    store = WebPages(db)
    async with TestServer(await _app(db, tmp_path, sink)) as server:
        base = str(server.make_url(""))
        # Two sessions: two browsers, each with its own cookies.
        async with ClientSession(base, cookie_jar=CookieJar(unsafe=True)) as first, \
                ClientSession(base, cookie_jar=CookieJar(unsafe=True)) as second:
            yield (Page(first, invite.invite_token, events),
                   Page(second, invite.invite_token, events), store)
    await db.dispose()


async def test_the_link_binds_to_the_first_browser_and_moves_with_its_code(
        setup: tuple[Page, Page, WebPages]) -> None:
    ada, other, store = setup
    status, body = await ada.get()
    assert status == 200 and "Open the interview" in body
    assert await ada.post("open") == 403  # no CSRF token
    assert await ada.post("open", csrf=await ada.csrf()) == 303
    [started] = ada.events
    assert isinstance(started, Started) and started.invite_token == ada.token
    status, body = await other.get()
    assert status == 409 and "in use on another device" in body
    assert await other.post("press", csrf=await other.csrf(), payload="x") == 409
    assert await other.post("move", csrf=await other.csrf(), code="000000x") == 303
    binding = await store.binding(ada.token)
    assert binding is not None
    assert await other.post("move", csrf=await other.csrf(), code=binding.move_code) == 303
    assert (await other.get())[0] == 200 and (await ada.get())[0] == 409


async def test_headers_cookie_and_unknown_links(setup: tuple[Page, Page, WebPages]) -> None:
    ada, _, _ = setup
    response = await ada.client.get(f"/i/{ada.token}")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert (await ada.client.get("/i/not-a-real-token-at-all")).status == 404
    assert (await ada.client.get("/i/x")).status == 404


async def test_chunks_twice_and_out_of_order_make_one_recording(
        setup: tuple[Page, Page, WebPages]) -> None:
    ada, _, _ = setup
    await ada.post("open", csrf=await ada.csrf())
    headers = {"X-CSRF-Token": await ada.csrf(), "X-Requested-With": "fetch"}
    data = (MEDIA / "voice.ogg").read_bytes()
    pieces = [data[i:i + 20_000] for i in range(0, len(data), 20_000)]
    order = [*reversed(range(len(pieces))), 0, 1]  # the last first, two sent again
    for seq in order:
        response = await ada.client.post(f"/i/{ada.token}/chunk?rec=abcdefgh12&seq={seq}",
                                         data=pieces[seq], headers=headers)
        assert response.status == 200
    finish = {"rec": "abcdefgh12", "count": len(pieces)}
    response = await ada.client.post(f"/i/{ada.token}/finish", json=finish, headers=headers)
    assert response.status == 200, await response.text()
    again = await ada.client.post(f"/i/{ada.token}/finish", json=finish, headers=headers)
    assert again.status == 200  # a retried finish: the same recording, the same event id
    media = [e for e in ada.events if isinstance(e, MediaReceived)]
    assert len({e.event_id for e in media}) == 1
    assert media[0].kind == MediaKind.VOICE and media[0].size_bytes == len(data)
    assert media[0].duration_s is not None and 11 < media[0].duration_s < 13


async def test_missing_chunks_and_unplayable_files_are_refused(
        setup: tuple[Page, Page, WebPages]) -> None:
    ada, _, _ = setup
    await ada.post("open", csrf=await ada.csrf())
    headers = {"X-CSRF-Token": await ada.csrf(), "X-Requested-With": "fetch"}
    await ada.client.post(f"/i/{ada.token}/chunk?rec=corrupt0001&seq=0",
                          data=(MEDIA / "corrupt.ogg").read_bytes(), headers=headers)
    missing = await ada.client.post(f"/i/{ada.token}/finish",
                                    json={"rec": "corrupt0001", "count": 2}, headers=headers)
    assert missing.status == 422 and "still on the way" in (await missing.json())["why"]
    bad = await ada.client.post(f"/i/{ada.token}/finish",
                                json={"rec": "corrupt0001", "count": 1}, headers=headers)
    assert bad.status == 422 and "could not play" in (await bad.json())["why"]
    assert not [e for e in ada.events if isinstance(e, MediaReceived)]
    nonsense = await ada.client.post(f"/i/{ada.token}/finish", data=b"{", headers=headers)
    assert nonsense.status == 400
    assert not [e for e in ada.events if isinstance(e, ButtonPressed)]


async def test_documents_are_recognised_by_their_bytes_not_their_name(
        setup: tuple[Page, Page, WebPages]) -> None:
    ada, _, _ = setup
    await ada.post("open", csrf=await ada.csrf())
    headers = {"X-CSRF-Token": await ada.csrf(), "X-Requested-With": "fetch"}

    async def send(rec: str, data: bytes, name: str) -> int:
        await ada.client.post(f"/i/{ada.token}/chunk?rec={rec}&seq=0", data=data,
                              headers=headers)
        response = await ada.client.post(
            f"/i/{ada.token}/finish", headers=headers,
            json={"rec": rec, "count": 1, "document": True, "name": name})
        return response.status

    assert await send("pngfile01", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cv.pdf") == 422
    assert await send("pdffile01", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "../cv.pdf") == 200
    [document] = [e for e in ada.events if isinstance(e, MediaReceived)]
    assert document.kind == MediaKind.DOCUMENT and document.mime == "application/pdf"
    assert document.file_name == "cv.pdf"


HOSTILE_BODIES = [
    b"", b"\x00\xff\xfe", b"{", b"[]", b'{"rec": 5, "count": "x"}',
    b'{"rec": "../../etc", "count": 1}', b'{"rec": "abcdefgh12", "count": -1}',
    b'{"rec": "abcdefgh12", "count": 99999}', b"payload=" + b"x" * 5000,
    b"name=%00&payload=%ff", b"text=" + "\ud800".encode("utf-8", "surrogatepass"),
    b"code=%C0%AF", "text=é\u0000".encode(),
]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json",
                 "multipart/form-data; boundary=x"]


async def test_hostile_posts_get_a_4xx_never_a_5xx(setup: tuple[Page, Page, WebPages]) -> None:
    ada, _, _ = setup
    await ada.post("open", csrf=await ada.csrf())
    csrf = await ada.csrf()
    statuses: set[int] = set()
    for action in ("press", "text", "command", "move", "chunk", "finish", "open"):
        for body in HOSTILE_BODIES:
            for content_type in CONTENT_TYPES:
                queries = ("?rec=../x&seq=1", "?rec=abcdefgh12&seq=-1", "?rec=abcdefgh12&seq=0"
                           ) if action == "chunk" else ("",)
                for query in queries:
                    response = await ada.client.post(
                        f"/i/{ada.token}/{action}{query}", data=body, allow_redirects=False,
                        headers={"Content-Type": content_type, "X-CSRF-Token": csrf})
                    statuses.add(response.status)
                    assert response.status < 500, (action, body, content_type, query)
    assert statuses <= {200, 303, 400, 403, 409, 413, 422}, statuses
    assert not any(isinstance(e, MediaReceived) for e in ada.events)


def test_cookies_are_secure_behind_https() -> None:
    response = web.Response()
    Keys(b"k" * 32, secure_cookies=True).set_cookie(response, "s" * 40)
    cookie = response.cookies[COOKIE]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/i/"


async def test_a_page_cannot_start_recordings_without_end(
        setup: tuple[Page, Page, WebPages]) -> None:
    ada, _, _ = setup
    await ada.post("open", csrf=await ada.csrf())
    headers = {"X-CSRF-Token": await ada.csrf(), "X-Requested-With": "fetch"}
    statuses = [(await ada.client.post(f"/i/{ada.token}/chunk?rec=started{n:04d}&seq=0",
                                       data=b"x", headers=headers)).status for n in range(21)]
    assert statuses == [200] * 20 + [422]


async def test_the_page_speaks_the_kits_language_when_there_is_a_catalog(
        tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    tokens = {}
    async with db.unit_of_work() as uow:
        for language in ("de", "pt-BR"):  # no Portuguese catalog: English
            kit = replace(KIT, language=language)
            campaign = await uow.campaigns.create(kit, "title: x\n", language, "live")
            invite = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                        "Ada")
            tokens[language] = invite.invite_token
        await uow.commit()

    async def sink(event: Event) -> None:
        pass

    try:
        async with TestServer(await _app(db, tmp_path, sink)) as server, \
                ClientSession(str(server.make_url(""))) as client:
            german = await (await client.get(f"/i/{tokens['de']}")).text()
            assert '<html lang="de">' in german and "Interview öffnen" in german
            other = await (await client.get(f"/i/{tokens['pt-BR']}")).text()
            assert '<html lang="en">' in other and "Open the interview" in other
    finally:
        await db.dispose()

