"""Browser tests' helpers: Debian's Chromium driven by Playwright (its own browser download
is not available here), fake camera and microphone playing a fixture's speech, and a
keyboard-only way to press things."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import av
import numpy as np
from playwright.async_api import Browser, Page, Playwright, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = ViewportSize(width=390, height=844)


def speech_wav(source: Path, target: Path) -> Path:
    """The fixture's speech as 16-bit mono PCM WAV, what Chromium's fake microphone plays."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
    frames: list[np.ndarray] = []
    with av.open(str(source)) as container:
        for frame in container.decode(audio=0):
            frames.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(np.concatenate(frames).astype("<i2").tobytes())
    return target


async def launch(playwright: Playwright, wav: Path) -> Browser:
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-audio-capture={wav}"],
    )


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


FOCUSED_BUTTON = """() => { const a = document.activeElement;
  if (!a || a.disabled || a.offsetParent === null) return null;
  if (a.tagName === 'BUTTON') return a.textContent.replace(/\\s+/g, ' ').trim();
  if (a.tagName === 'TEXTAREA' || a.tagName === 'INPUT') return '#' + a.id;
  return null; }"""


async def key_to(page: Page, label: str, timeout: float = 20_000, max_tabs: int = 80) -> None:
    """Moves the focus with Tab until it is on the button `label` (or `#id` of a field),
    waiting for it to be shown first. Only the keyboard is used."""
    if label.startswith("#"):
        await page.locator(label).wait_for(state="visible", timeout=timeout)
    else:
        await page.get_by_role("button", name=label, exact=True).last.wait_for(
            state="visible", timeout=timeout)
    for _ in range(max_tabs):
        if await page.evaluate(FOCUSED_BUTTON) == label:
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {label!r}")


async def key_press(page: Page, label: str, key: str = "Enter", timeout: float = 20_000
                    ) -> None:
    await key_to(page, label, timeout)
    await page.keyboard.press(key)


async def expect_message(page: Page, text: str, nth: int = 0, timeout: float = 30_000) -> str:
    """The `nth` (0: first) message saying `text`, once it is on the page."""
    item = page.locator("#live .message", has_text=text).nth(nth)
    await item.wait_for(timeout=timeout)
    return await item.inner_text()


async def recorded_for(page: Page, seconds: int, timeout: float = 30_000) -> None:
    """Waits until the page says it has recorded (and stored) at least `seconds`."""
    await page.wait_for_function(
        """(n) => { const m = /(\\d+):(\\d\\d)/.exec(
              document.getElementById('rec-status').textContent || '');
            return m && (Number(m[1]) * 60 + Number(m[2])) >= n; }""",
        arg=seconds, timeout=timeout)


def seconds_in(text: str) -> int:
    found = re.search(r"\((\d+) s so far", text)
    assert found, text
    return int(found.group(1))
