"""The web reviewer board end to end (issue 13 part B): a candidate answers on Telegram
(no review group, no Slack), so the submission goes to the board; reviewers sign in with
one-time links made by `interview-bot reviewer-link`, score blind, see progress and then
the aggregate with its calibration flag; a recruiter decides and the candidate hears back.
Strangers, a missing CSRF token and malformed input get 4xx, never a 5xx. One screenshot of
the board at 1280x800 goes to tests/e2e/artifacts/. Real service process, fake Telegram.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config.kit_loader import DEFAULT_CLOSING
from conversations.reviewing import ALREADY_DECIDED, REFUSE_DECIDE
from tests.e2e.board_client import CSRF, BoardClient, reviewer_link
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, ROOT, BotProcess, base_env, create_campaign, create_invite
from tests.e2e.scenarios import LONG
from tests.e2e.test_telegram_review import voice_interview
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e

QUESTIONS, DIMENSIONS = 3, 4  # the e2e kit; the default rubric
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"


async def test_board_signs_in_once_scores_blind_and_decides(
    fake_telegram: FakeTelegram, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=fake_telegram.token,
                   TELEGRAM_API_URL=fake_telegram.base_url)
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Ada Lovelace")
    links = {"ana": await reviewer_link(env, "ana@example.com"),
             "ben": await reviewer_link(env, "Ben"),
             "rita": await reviewer_link(env, "rita@example.com", "--recruiter")}
    assert links["ana"].startswith(f"http://127.0.0.1:{env['HTTP_PORT']}/review/signin/")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    ada = fake_telegram.user(1001, "Ada")
    try:
        assert "web" in (await bot.health())["reviewers"]  # type: ignore[operator]
        await voice_interview(ada, token)
        async with BoardClient(bot.url) as ana, BoardClient(bot.url) as ben, \
                BoardClient(bot.url) as rita, BoardClient(bot.url) as stranger:
            await _sign_in_once(links, ana, ben, rita, stranger)
            iid = await ana.wait_for_submission("Ada Lovelace", timeout=180)  # as invited
            await _strangers_refused(stranger, iid)
            await _page_and_media(ana, iid)
            await _malformed_refused(ana, iid)
            await _blind_scoring(ana, ben, rita, iid)
            await _screenshot(bot.url, rita, iid)
            await _decide(ana, ben, rita, iid)
        await ada.expect_message(DEFAULT_CLOSING["advance"][:40], timeout=LONG)
    except BaseException:
        print(bot.logs()[-20000:])
        raise


async def _sign_in_once(links: dict[str, str], ana: BoardClient, ben: BoardClient,
                        rita: BoardClient, stranger: BoardClient) -> None:
    assert await ana.sign_in(links["ana"]) == 303
    assert await stranger.sign_in(links["ana"]) == 410  # used once: never again
    assert await ana.sign_in(links["ana"]) == 410
    status, _ = await stranger.post(links["ben"], {"csrf": "guess"}, csrf=False)
    assert status == 403  # no sign-in cookie to match: the link is not used up
    assert await ben.sign_in(links["ben"]) == 303
    assert await rita.sign_in(links["rita"]) == 303
    assert "web:rita@example.com · recruiter" in (await rita.get("/review"))[1]


async def _strangers_refused(stranger: BoardClient, iid: str) -> None:
    for path in ("/review", f"/review/s/{iid}", f"/review/media/{iid}/1/1"):
        status, text = await stranger.get(path)
        assert status == 401 and "reviewer-link" in text, (path, status)
    status, _ = await stranger.post(f"/review/s/{iid}/scores", {"csrf": "x"}, csrf=False)
    assert status == 401


async def _page_and_media(ana: BoardClient, iid: str) -> None:
    status, page = await ana.get(f"/review/s/{iid}")
    assert status == 200
    assert "0 of 2 reviewers done" in page and "Aggregate" not in page
    assert f'src="/review/media/{iid}/1/1"' in page and 'class="seek"' in page
    words = (MEDIA / "voice.txt").read_text().split()[:4]
    assert any(w.strip(".,") in page for w in words)
    assert "I enjoy building reliable tools" in page  # the text answer
    status, body = await ana.get(f"/review/media/{iid}/1/1", headers={"Range": "bytes=0-99"})
    assert status == 206 and len(body.encode(errors="replace")) > 0
    async with ana.http.get(f"{ana.base}/review/media/{iid}/1/1") as r:
        assert r.status == 200 and r.content_type.startswith("audio/")
        assert await r.read() == (MEDIA / "voice.ogg").read_bytes()


async def _malformed_refused(ana: BoardClient, iid: str) -> None:
    scores = f"/review/s/{iid}/scores"
    full = ana.sheet(QUESTIONS, DIMENSIONS)
    assert (await ana.post(scores, full, csrf=False))[0] == 403  # CSRF missing
    assert (await ana.post(scores, {**full, "csrf": "forged"}, csrf=False))[0] == 403
    assert (await ana.post(scores, {**full, "s-1-1": "9"}))[0] == 400
    assert (await ana.post(scores, {"s-1-1": "3"}))[0] == 400  # incomplete sheet
    assert (await ana.post(scores, b"\xff\xfe{not a form", csrf=False))[0] in (400, 403)
    assert (await ana.post(scores, {**full, "comment": "x" * 5000}))[0] == 400
    assert (await ana.post(f"/review/s/{iid}/decision", {"decision": "maybe"}))[0] == 400
    for path in ("/review/s/nope", "/review/s/%00%ff", f"/review/media/{iid}/x/1",
                 f"/review/media/{iid}/9/9", f"/review/media/{iid}/3/1", "/review/signin/x"):
        status, _ = await ana.get(path)
        assert 400 <= status < 500 or path == "/review/signin/x", (path, status)
    assert (await ana.get("/review/signin/x"))[0] == 200  # only a button: nothing used
    assert (await ana.post("/review/signin/x", {}))[0] == 410  # an unknown link
    assert (await ana.post(f"/review/media/{iid}/1/1", {}))[0] == 405
    status, page = await ana.get(f"/review/s/{iid}")
    assert "0 of 2 reviewers done" in page  # nothing above saved anything


async def _blind_scoring(ana: BoardClient, ben: BoardClient, rita: BoardClient,
                         iid: str) -> None:
    await ana.get(f"/review/s/{iid}")
    sheet = {**ana.sheet(QUESTIONS, DIMENSIONS, s_1_2=4), "comment": "Ana's own note"}
    assert (await ana.post(f"/review/s/{iid}/scores", sheet))[0] == 303
    status, page = await ana.get(f"/review/s/{iid}?done=scores")
    assert "Your scores are saved" in page and "1 of 2 reviewers done" in page
    assert "Aggregate" not in page and 'value="4" checked' in page
    status, page = await ben.get(f"/review/s/{iid}")
    assert status == 200 and "1 of 2 reviewers done" in page  # progress, never values
    assert "Ana's own note" not in page and "checked" not in page and "Aggregate" not in page
    _, page = await rita.get("/review")
    assert "1 of 2 reviewers done" in page
    sheet = ben.sheet(QUESTIONS, DIMENSIONS, s_1_2=2)
    assert (await ben.post(f"/review/s/{iid}/scores", sheet))[0] == 303
    _status, page = await ben.get(f"/review/s/{iid}")
    assert "2 of 2 reviewers done" in page and "Aggregate of 2 reviewers" in page
    assert "Calibration needed" in page and "Q1 Depth" in page and "Ana&#x27;s own note" in page


async def _decide(ana: BoardClient, ben: BoardClient, rita: BoardClient, iid: str) -> None:
    decide = f"/review/s/{iid}/decision"
    status, text = await ben.post(decide, {"decision": "advance"})
    assert status == 403 and REFUSE_DECIDE in text
    await rita.get(f"/review/s/{iid}")
    assert (await rita.post(decide, {"decision": "advance", "reason": "Strong"}))[0] == 303
    status, page = await rita.get(f"/review/s/{iid}")
    assert "Advanced" in page and "by web:rita@example.com" in page
    status, text = await rita.post(decide, {"decision": "reject"})
    assert status == 409 and ALREADY_DECIDED in text
    status, text = await ana.post(f"/review/s/{iid}/scores", ana.sheet(QUESTIONS, DIMENSIONS))
    assert status == 409 and ALREADY_DECIDED in text


async def _screenshot(base_url: str, rita: BoardClient, iid: str) -> None:
    """The recruiter's view before deciding (players, transcript, aggregate, decision)."""
    from playwright.async_api import async_playwright

    cookie = next(c for c in rita.http.cookie_jar if c.key == "board_session")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 800})
            await context.add_cookies([{"name": "board_session", "value": cookie.value,
                                        "url": base_url}])
            page = await context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            await page.goto(f"{base_url}/review/s/{iid}")
            await page.get_by_role("heading", name="Ada Lovelace", exact=True).wait_for()
            await page.locator("button.seek").nth(1).click()  # seek: the player moves
            await page.wait_for_function(
                "document.getElementById('p1-1').currentTime > 0", timeout=10_000)
            await page.screenshot(path=str(ARTIFACTS / "board-1280x800.png"))
            assert not errors, errors  # no CSP violation, no script error
        finally:
            await browser.close()


async def test_board_cookies_are_secure_behind_https_and_hostile_posts_get_4xx(
    tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    """No platform at all: the board is on by itself. Behind an https PUBLIC_URL both
    cookies are Secure; a signed-in reviewer's hostile bodies never reach a 5xx."""
    env = base_env(tmp_path)
    env["PUBLIC_URL"] = "https://hire.example.com"
    link = await reviewer_link(env, "ana@example.com")
    assert link.startswith("https://hire.example.com/review/signin/")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    local = link.replace("https://hire.example.com", bot.url)
    async with BoardClient(bot.url) as ana:
        async with ana.http.get(local) as r:
            assert "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
            assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
            signin = r.cookies["board_signin"].value
            csrf = render_csrf(await r.text())
        async with ana.http.post(local, data={"csrf": csrf}, allow_redirects=False,
                                 headers={"Cookie": f"board_signin={signin}"}) as r:
            assert r.status == 303
            cookie = r.headers["Set-Cookie"]
            assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax"))
            session = r.cookies["board_session"].value
        jar = {"Cookie": f"board_session={session}"}  # sent by hand: the jar keeps Secure ones
        status, text = await ana.get("/review", headers=jar)
        assert status == 200 and "No submissions to review yet" in text
        for body, kind in HOSTILE:
            for path in ("/review/s/abc/scores", "/review/s/abc/decision", "/review/signout"):
                status, _ = await ana.post(path, body, csrf=False,
                                           headers={**jar, "Content-Type": kind})
                assert 400 <= status < 500, (path, body[:40], status)
    assert "Traceback" not in bot.logs()


HOSTILE = [
    (b"", "application/x-www-form-urlencoded"),
    (b"csrf=%ff%fe&s-1-1=%00", "application/x-www-form-urlencoded"),
    (b"csrf=" + b"A" * 300_000, "application/x-www-form-urlencoded"),
    (b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n", "multipart/form-data; "
     "boundary=x"),
    (b'{"csrf": "x"}', "application/json"),
    (b"\x00\x01\x02", "application/octet-stream"),
]


def render_csrf(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None
    return found.group(1)
