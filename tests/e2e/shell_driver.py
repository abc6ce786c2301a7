"""Script clients for `interview-bot shell`: over a pseudo-terminal (as a person runs it) or
over pipes. Both wait for text with timeouts, never with bare sleeps."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import termios
from pathlib import Path

from tests.e2e.harness import CLI, ROOT


class ShellExited(AssertionError):
    pass


class _Reader:
    """What the shell printed so far, and a cursor: `expect` moves past what it found."""

    def __init__(self) -> None:
        self.seen = ""
        self.pos = 0

    async def _more(self, timeout: float) -> bytes:
        raise NotImplementedError

    async def expect(self, text: str, timeout: float = 60) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (found := self.seen.find(text, self.pos)) < 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{text!r} not printed within {timeout}s:\n{self.seen}")
            try:
                chunk = await self._more(remaining)
            except TimeoutError:
                continue
            if not chunk:
                raise ShellExited(f"shell exited before printing {text!r}:\n{self.seen}")
            self.seen += chunk.decode(errors="replace")
        self.pos = found + len(text)
        return self.seen[found:]

    async def rest(self, timeout: float = 60) -> str:
        """Everything printed until the shell closes its output."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"shell still running after {timeout}s:\n{self.seen}")
            with contextlib.suppress(TimeoutError):
                chunk = await self._more(remaining)
                if not chunk:
                    break
                self.seen += chunk.decode(errors="replace")
        tail = self.seen[self.pos:]
        self.pos = len(self.seen)
        return tail


class PipeShell(_Reader):
    """`interview-bot shell` with stdin and stdout as pipes (a script, not a person)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        super().__init__()
        self.proc = proc

    @classmethod
    async def start(cls, env: dict[str, str], *args: str, stderr: Path) -> PipeShell:
        with stderr.open("ab") as err:
            proc = await asyncio.create_subprocess_exec(
                *CLI, "shell", *args, env=env, cwd=str(ROOT),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err,
            )
        return cls(proc)

    async def _more(self, timeout: float) -> bytes:
        assert self.proc.stdout is not None
        return await asyncio.wait_for(self.proc.stdout.read(4096), timeout)

    async def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        await self.proc.stdin.drain()

    async def close_input(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    async def wait(self, timeout: float = 60) -> int:
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


class PtyShell(_Reader):
    """`interview-bot shell` on a pseudo-terminal: what a person at a terminal sees, echo of
    typed lines included. Ctrl-D is the terminal's end-of-file character."""

    def __init__(self, proc: asyncio.subprocess.Process, master: int) -> None:
        super().__init__()
        self.proc = proc
        self.master = master
        self._chunks: asyncio.Queue[bytes] = asyncio.Queue()
        asyncio.get_running_loop().add_reader(master, self._readable)

    @classmethod
    async def start(cls, env: dict[str, str], *args: str, stderr: Path | None = None
                    ) -> PtyShell:
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR  # keep "\n" as the shell wrote it
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        err = stderr.open("ab") if stderr is not None else slave
        try:
            proc = await asyncio.create_subprocess_exec(
                *CLI, "shell", *args, env={**env, "TERM": "dumb"}, cwd=str(ROOT),
                stdin=slave, stdout=slave, stderr=err, start_new_session=True,
            )
        finally:
            os.close(slave)
            if stderr is not None:
                err.close()  # type: ignore[union-attr]
        return cls(proc, master)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:  # EIO: the other side is closed
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
        self._chunks.put_nowait(data)

    async def _more(self, timeout: float) -> bytes:
        return await asyncio.wait_for(self._chunks.get(), timeout)

    async def type(self, line: str) -> None:
        os.write(self.master, f"{line}\n".encode())

    async def ctrl_d(self) -> None:
        os.write(self.master, b"\x04")

    async def wait(self, timeout: float = 60) -> int:
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        return code

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(self.master)
        with contextlib.suppress(OSError):
            os.close(self.master)
