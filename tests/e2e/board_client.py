"""A script client for the web reviewer board: one browser's cookies, sign-in through the
one-time link, pages, forms with the page's CSRF token. Redirects are not followed, so
tests see the status each request got."""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any

import aiohttp

from tests.e2e.harness import run_cli, wait_until

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROW = re.compile(r'<a href="/review/s/([A-Za-z0-9_-]+)">([^<]+)</a>')


async def reviewer_link(env: dict[str, str], name: str, *flags: str) -> str:
    code, out, err = await run_cli(env, "reviewer-link", name, *flags)
    assert code == 0, err
    return out.strip()


class BoardClient:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def __aenter__(self) -> BoardClient:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.http.close()

    def _url(self, path_or_url: str) -> str:
        return path_or_url if path_or_url.startswith("http") else self.base + path_or_url

    async def get(self, path: str, **kw: Any) -> tuple[int, str]:
        async with self.http.get(self._url(path), allow_redirects=False, **kw) as r:
            text = await r.text(errors="replace")
        found = CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return r.status, text

    async def post(self, path: str, data: Any, *, csrf: bool = True,
                   **kw: Any) -> tuple[int, str]:
        if csrf and isinstance(data, dict):
            data = {"csrf": self.csrf, **data}
        async with self.http.post(self._url(path), data=data, allow_redirects=False,
                                  **kw) as r:
            return r.status, await r.text(errors="replace")

    async def sign_in(self, link: str) -> int:
        """Open the link, press Sign in; the status of the press (303 when signed in)."""
        status, _ = await self.get(link)
        assert status == 200
        status, _ = await self.post(link, {})
        return status

    async def wait_for_submission(self, candidate: str, timeout: float) -> str:
        """The interview id of `candidate`'s row, once the board lists it."""
        found: list[str] = []

        async def listed() -> bool:
            status, text = await self.get("/review")
            assert status == 200, text
            found.extend(iid for iid, name in ROW.findall(text) if name == candidate)
            return bool(found)

        await wait_until(listed, timeout, f"{candidate} on the board", every=0.5)
        return found[0]

    def sheet(self, questions: int, dimensions: int, value: int = 3,
              **cells: int) -> dict[str, str]:
        """Every cell `value`, except `s_<q>_<d>=v` overrides."""
        data = {f"s-{q}-{d}": str(value) for q in range(1, questions + 1)
                for d in range(1, dimensions + 1)}
        data.update({k.replace("_", "-"): str(v) for k, v in cells.items()})
        return data
