"""Runs the real `interview-bot` process against fake platform servers on loopback.

The bot is a separate OS process (so SIGKILL tests are real), configured only through its
environment: database and media in a temporary folder, platform base URLs pointing at the
fakes. Helpers wait on conditions with timeouts, never on bare sleeps.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
E2E_KIT = ROOT / "tests" / "e2e" / "kits" / "e2e-short.yaml"
MEDIA = ROOT / "tests" / "fixtures" / "media"
CLI = [sys.executable, "-m", "bot"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SECRET_SETTING = re.compile(r"(TOKEN|SECRET)$")


def leaked_secrets(env: dict[str, str], log: str) -> list[str]:
    """Names of the secret settings (`…TOKEN`, `…SECRET`) whose value appears in `log`."""
    return sorted(k for k, v in env.items()
                  if SECRET_SETTING.search(k) and len(v) >= 6 and v in log)


def base_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_",
                                                                       "WHATSAPP_"))}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
        MEDIA_DIR=str(workdir / "media"),
        HTTP_HOST="127.0.0.1",
        HTTP_PORT=str(free_port()),
        TRANSCRIBE_WORKERS="1",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


async def run_cli(env: dict[str, str], *args: str, stdin: bytes | None = None,
                  timeout: float = 120) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *CLI, *args, env=env, cwd=str(ROOT),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin), timeout)
    return proc.returncode or 0, out.decode(), err.decode()


async def create_campaign(env: dict[str, str], kit: Path = E2E_KIT, slug: str = "e2e") -> str:
    code, out, err = await run_cli(env, "campaign", "create", str(kit), "--slug", slug)
    assert code == 0, err
    return out.split()[1]


async def create_invite(env: dict[str, str], slug: str, name: str) -> str:
    """The invite token (the last field of the line: link or bare token)."""
    code, out, err = await run_cli(env, "invite", slug, "--name", name)
    assert code == 0, err
    link = out.strip().split("\t")[-1]
    return link.rsplit("start=", 1)[-1].rsplit("/i/", 1)[-1]


async def create_invites(env: dict[str, str], slug: str, names: list[str]) -> list[str]:
    """One invite token per name, in order (one `invite` run)."""
    args = [a for n in names for a in ("--name", n)]
    code, out, err = await run_cli(env, "invite", slug, *args)
    assert code == 0, err
    return [line.split("\t")[-1].rsplit("start=", 1)[-1] for line in out.strip().splitlines()]


async def wait_until(
    probe: Callable[[], Awaitable[bool]], timeout: float, what: str, every: float = 0.05
) -> None:
    """Poll a condition (e.g. an HTTP endpoint of another process) until true or timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await probe():
            return
        await asyncio.sleep(every)  # polling another process: there is nothing to await on
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class BotProcess:
    env: dict[str, str]
    log_path: Path
    proc: asyncio.subprocess.Process | None = None
    args: tuple[str, ...] = ()  # after `run`, e.g. ("--role", "web")
    _log_handle: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['HTTP_PORT']}"

    async def start(self, timeout: float = 60) -> None:
        handle = self.log_path.open("ab")
        self._log_handle = handle
        self.proc = await asyncio.create_subprocess_exec(
            *CLI, "run", *self.args, env=self.env, cwd=str(ROOT), stdout=handle, stderr=handle,
            stdin=asyncio.subprocess.DEVNULL,
        )
        await wait_until(self._healthy, timeout, f"bot health at {self.url}/healthz")

    async def _healthy(self) -> bool:
        if self.proc is not None and self.proc.returncode is not None:
            raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.logs()}")
        try:
            async with aiohttp.ClientSession() as session, session.get(
                f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=2)
            ) as resp:
                return resp.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def health(self) -> dict[str, object]:
        async with aiohttp.ClientSession() as session, session.get(f"{self.url}/healthz") as r:
            data: dict[str, object] = await r.json()
            return data

    async def metrics(self) -> str:
        async with aiohttp.ClientSession() as session, session.get(f"{self.url}/metrics") as r:
            return await r.text()

    async def metric(self, name: str) -> float:
        """Sum of every sample of `name` (all label sets)."""
        total = 0.0
        for line in (await self.metrics()).splitlines():
            if line.startswith(name) and not line.startswith("#"):
                head = line.split(" ")[0]
                if head == name or head.startswith(name + "{"):
                    total += float(line.rsplit(" ", 1)[1])
        return total

    async def stop(self, timeout: float = 30) -> int:
        if self.proc is None:
            return 0
        if self.proc.returncode is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        self._close_log()
        return code

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, like a crash or an OOM kill."""
        assert self.proc is not None
        self.proc.kill()
        await self.proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        handle = self._log_handle
        if handle is not None:
            handle.close()  # type: ignore[attr-defined]
            self._log_handle = None

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
