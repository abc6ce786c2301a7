"""The web candidate page in a real browser (headless Chromium with a fake camera and a
microphone playing recorded speech), against the real `interview-bot run` process.

Only the keyboard drives the interview (Tab, Enter, Space). Screenshots of each step at
390x844 go to tests/e2e/artifacts/ (git-ignored)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from config.kit_loader import DEFAULT_CLOSING
from tests.e2e.board_client import BoardClient, reviewer_link
from tests.e2e.browser import (
    ARTIFACTS,
    CHROMIUM,
    PHONE,
    expect_message,
    key_press,
    key_to,
    launch,
    recorded_for,
    seconds_in,
    shot,
    speech_wav,
)
from tests.e2e.harness import MEDIA, ROOT, BotProcess, base_env, run_cli, wait_until

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package"),
]
WEB_KIT = ROOT / "tests" / "e2e" / "kits" / "e2e-web.yaml"
LONG = 30_000
QUESTIONS, DIMENSIONS = 3, 4  # the web kit; the default rubric


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    wav = speech_wav(MEDIA / "voice.ogg", tmp_path_factory.mktemp("speech") / "voice.wav")
    async with async_playwright() as playwright:
        chromium = await launch(playwright, wav)
        yield chromium
        await chromium.close()


async def phone(browser: Browser) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport=PHONE, permissions=["microphone", "camera"])
    return context, await context.new_page()


async def started_bot(tmp_path: Path) -> BotProcess:
    bot = BotProcess(env=base_env(tmp_path), log_path=tmp_path / "bot.log")
    await bot.start()
    return bot


async def web_invite(env: dict[str, str]) -> str:
    code, out, err = await run_cli(env, "campaign", "create", str(WEB_KIT), "--slug", "web")
    assert code == 0, err
    code, out, err = await run_cli(env, "invite", "web", "--name", "Ada", "--channel", "web")
    assert code == 0, err
    link = out.strip().split("\t")[-1]
    assert "/i/" in link, out
    return link


async def record(page: Page, button: str, seconds: int) -> None:
    await key_press(page, button)
    await recorded_for(page, seconds)
    await key_press(page, "Stop and send", key="Space")
    await page.locator("#rec-status", has_text="Saved.").wait_for(timeout=LONG)


async def test_first_run_prints_two_links_that_open_consent_and_the_board(
        browser: Browser, tmp_path: Path) -> None:
    bot = BotProcess(env=base_env(tmp_path), log_path=tmp_path / "bot.log")
    loop = asyncio.get_running_loop()
    try:
        spawned = loop.time()
        starting = asyncio.create_task(bot.start())
        # The service starts when its code is loaded (imports take 1-5 s on a busy 2-core
        # machine; no chat SDK is imported without credentials) and it opens the database.
        await wait_until(lambda: _has(bot, "database migrated"), 60, "the service to start")
        started = loop.time()
        await wait_until(lambda: _has(bot, "review it as a reviewer: "), 10,
                         "the two first-run links")
        print(f"first-run links {loop.time() - started:.1f} s after the service started, "
              f"{loop.time() - spawned:.1f} s after launch")
        await starting
        link = _printed(bot, "try the interview as a candidate: ")
        async with BoardClient(bot.url) as reviewer:  # the second link signs in, once
            assert await reviewer.sign_in(_printed(bot, "review it as a reviewer: ")) == 303
            status, board = await reviewer.get("/review")
            assert status == 200 and "web:Demo reviewer · recruiter" in board, board
        context, page = await phone(browser)
        await page.goto(link + "/check")
        await key_press(page, "Start the check")
        await page.get_by_text("Your camera and microphone work").wait_for(timeout=LONG)
        await shot(page, "00-device-check")
        await page.goto(link)
        await shot(page, "00-landing")
        await key_press(page, "Open the interview")
        await expect_message(page, "Are you happy to continue?", timeout=LONG)
        await shot(page, "01-consent")
        await context.close()
    finally:
        await bot.stop()


def _printed(bot: BotProcess, label: str) -> str:
    return bot.logs().split(label)[1].split()[0]


async def _has(bot: BotProcess, text: str) -> bool:
    return text in bot.logs()


async def test_a_whole_interview_in_the_browser_by_keyboard(
        browser: Browser, tmp_path: Path) -> None:
    bot = await started_bot(tmp_path)
    links = asyncio.create_task(board_links(bot.env))  # made while the candidate answers
    try:
        link = await web_invite(bot.env)
        context, page = await phone(browser)
        await page.goto(link)
        await key_press(page, "Open the interview")
        await expect_message(page, "hiring team", timeout=LONG)
        await key_press(page, "Yes, I agree", key="Space")
        await key_press(page, "Begin")
        await expect_message(page, "Practice", timeout=LONG)
        await key_press(page, "I'm ready")
        await key_to(page, "#answer-text")
        await page.keyboard.type("Practice answer in a few words.")
        await shot(page, "02-practice-text")
        await key_press(page, "Send this answer")
        await expect_message(page, "part 1 received", timeout=LONG)
        await key_press(page, "Done")
        await key_press(page, "Keep")

        # Question 1, voice: a reload during the countdown keeps the server's time.
        await expect_message(page, "Question 1 of 3", timeout=LONG)
        await key_press(page, "I'm ready")
        await page.locator("#countdown").wait_for(timeout=LONG)
        await shot(page, "03-prep-countdown")
        await page.wait_for_function(  # the page has ticked for a while
            "() => Number(document.getElementById('countdown').dataset.left) <= 16")
        await page.reload()
        left = int(await page.locator("#countdown").get_attribute("data-left") or "0")
        assert 5 <= left <= 17, left  # the server's time left, not the 20 s of a new start
        other, intruder = await phone(browser)
        response = await intruder.goto(link)
        assert response is not None and response.status == 409
        await intruder.get_by_text("This link is in use on another device").wait_for()
        await shot(intruder, "04-second-browser-refused")
        await other.close()
        await key_press(page, "Start now")
        await record(page, "Record a voice answer", 3)
        first = await expect_message(page, "part 1 received", nth=1, timeout=LONG)
        await key_press(page, "Done")
        await key_press(page, "Retake")

        # The retake, with the network cut for 5 s in the middle of the recording.
        await key_press(page, "I'm ready")
        await key_press(page, "Start now")
        await key_press(page, "Record a voice answer")
        await recorded_for(page, 2)
        await shot(page, "05-recording")
        await context.set_offline(True)
        await page.locator("#rec-status", has_text="Connection lost").wait_for(timeout=LONG)
        await shot(page, "06-offline-while-recording")
        await asyncio.sleep(5)  # the cut itself: what the test is about
        await context.set_offline(False)
        await recorded_for(page, 10)
        await key_press(page, "Stop and send", key="Space")
        await page.locator("#rec-status", has_text="Saved.").wait_for(timeout=LONG)
        retake = await expect_message(page, "part 1 received", nth=2, timeout=LONG)
        assert seconds_in(first) >= 2 and seconds_in(retake) >= 9, (first, retake)
        await shot(page, "07-voice-saved")
        await key_press(page, "Done")  # the last try is kept as it is

        # Question 2, video; question 3, text.
        await expect_message(page, "Question 2 of 3", timeout=LONG)
        await key_press(page, "I'm ready")
        await record(page, "Record a video answer", 3)
        await expect_message(page, "part 1 received", nth=3, timeout=LONG)
        await key_press(page, "Done")
        await key_press(page, "Keep")
        await expect_message(page, "Question 3 of 3", timeout=LONG)
        await key_press(page, "I'm ready")
        await key_to(page, "#answer-text")
        await page.keyboard.type("I like building calm, reliable tools for people.")
        await shot(page, "08-text-answer")
        await key_press(page, "Send this answer")
        await expect_message(page, "All done, thank you", timeout=LONG)
        await shot(page, "09-submitted")

        token = link.rsplit("/", 1)[1]
        shown = await _shown_with(bot.env, token, "Anna")
        captions = page.locator(".captions")  # the candidate's own words, once transcribed
        await captions.wait_for(timeout=LONG)
        await page.locator(".captions summary").focus()
        await page.keyboard.press("Enter")
        assert "Anna" in await captions.inner_text()
        await shot(page, "10-captions")
        q1, q2, q3 = (_block(shown, n) for n in (1, 2, 3))
        # One voice part (the retake recorded through the cut, nothing twice), its words.
        assert len(q1) == 2 and q1[0].startswith("voice") and "Anna" in q1[0], shown
        assert "attempt 2 kept" in q1[1], shown
        assert len(q2) == 1 and q2[0].startswith("video"), shown
        assert q3 == ["text: I like building calm, reliable tools for people."], shown
        assert token not in bot.logs()  # the link is the key: never written to the log
        # Each recording is kept once, in the blob store (the uploaded chunks are gone).
        assert not [p for p in (tmp_path / "media" / "web-uploads").rglob("*") if p.is_file()]
        with closing(sqlite3.connect(tmp_path / "bot.db")) as conn:
            assert conn.execute("SELECT count(*) FROM web_chunks").fetchone() == (0,)

        # The board: two reviewers score blind, a recruiter decides, the page says so.
        await review_on_the_board(browser, bot.url, await links)
        await expect_message(page, DEFAULT_CLOSING["advance"][:40], timeout=LONG)
        await shot(page, "11-decision")
        await context.close()
    finally:
        links.cancel()
        await bot.stop()


async def board_links(env: dict[str, str]) -> dict[str, str]:
    return {"ana": await reviewer_link(env, "ana@example.com"),
            "ben": await reviewer_link(env, "Ben"),
            "rita": await reviewer_link(env, "rita@example.com", "--recruiter")}


async def review_on_the_board(browser: Browser, url: str, links: dict[str, str]) -> None:
    async with BoardClient(url) as ana, BoardClient(url) as ben, BoardClient(url) as rita:
        for who, client in (("ana", ana), ("ben", ben), ("rita", rita)):
            assert await client.sign_in(links[who]) == 303, who
        iid = await ana.wait_for_submission("Ada", timeout=60)
        status, board = await ana.get(f"/review/s/{iid}")
        assert status == 200 and "0 of 2 reviewers done" in board
        assert "Anna" in board and 'class="seek"' in board  # the recorded speech, in words
        assert "I like building calm, reliable tools for people." in board
        scores = f"/review/s/{iid}/scores"
        sheet = {**ana.sheet(QUESTIONS, DIMENSIONS, s_1_1=4), "comment": "Ana's note"}
        assert (await ana.post(scores, sheet))[0] == 303
        status, board = await ben.get(f"/review/s/{iid}")
        assert "1 of 2 reviewers done" in board  # blind: progress, never the values
        assert "Ana's note" not in board and "checked" not in board
        assert "Aggregate" not in board
        assert (await ben.post(scores, ben.sheet(QUESTIONS, DIMENSIONS)))[0] == 303
        status, board = await rita.get(f"/review/s/{iid}")
        assert "2 of 2 reviewers done" in board and "Aggregate of 2 reviewers" in board
        await board_screenshot(browser, url, rita, iid)
        decided = await rita.post(f"/review/s/{iid}/decision", {"decision": "advance"})
        assert decided[0] == 303, decided


async def board_screenshot(browser: Browser, url: str, rita: BoardClient, iid: str) -> None:
    """The recruiter's page of the web candidate's submission, at 1280x800."""
    cookie = next(c for c in rita.http.cookie_jar if c.key == "board_session")
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        await context.add_cookies([{"name": "board_session", "value": cookie.value,
                                    "url": url}])
        page = await context.new_page()
        await page.goto(f"{url}/review/s/{iid}")
        await page.get_by_text("Aggregate of 2 reviewers").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "board-web-candidate-1280x800.png"))
    finally:
        await context.close()


def _block(shown: str, number: int) -> list[str]:
    """The answer lines under question `number` in `interview-bot show`."""
    lines = shown.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"Q{number}. "))
    block = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line.strip())
    return block


async def _shown_with(env: dict[str, str], token: str, words: str) -> str:
    """`interview-bot show` once the transcript of the voice answer has `words`."""
    shown = ""

    async def transcribed() -> bool:
        nonlocal shown
        _, shown, _ = await run_cli(env, "show", token)
        return words in shown

    await wait_until(transcribed, 120, f"a transcript with {words!r}", every=1.0)
    return shown
