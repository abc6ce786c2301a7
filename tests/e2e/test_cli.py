"""The CLI as users run it: `kit validate` and a whole interview in `shell` over stdin."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from tests.e2e.harness import CLI, MEDIA, ROOT, base_env, create_campaign, run_cli

KITS = sorted(str(p) for p in (ROOT / "config" / "kits").glob("*.yaml"))
THREE_MISTAKES = ROOT / "tests" / "fixtures" / "kits" / "three-mistakes.yaml"


async def test_example_kits_are_valid(tmp_path: Path) -> None:
    code, out, err = await run_cli(base_env(tmp_path), "kit", "validate", *KITS)
    assert code == 0, out + err


async def test_three_mistakes_give_three_line_numbered_errors(tmp_path: Path) -> None:
    code, out, _ = await run_cli(base_env(tmp_path), "kit", "validate", str(THREE_MISTAKES))
    assert code == 2
    lines = out.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        assert re.match(rf"{re.escape(str(THREE_MISTAKES))}:\d+:\d+: \S", line), line


class Shell:
    """Types lines into `interview-bot shell` and waits for what it prints."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.seen = ""
        self.pos = 0

    async def expect(self, text: str, timeout: float = 60) -> str:
        assert self.proc.stdout is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (found := self.seen.find(text, self.pos)) < 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{text!r} not printed within {timeout}s:\n{self.seen}")
            try:
                chunk = await asyncio.wait_for(self.proc.stdout.read(4096), remaining)
            except TimeoutError:
                continue
            if not chunk:
                raise AssertionError(f"shell exited before printing {text!r}:\n{self.seen}")
            self.seen += chunk.decode()
        self.pos = found + len(text)
        return self.seen[found:]

    async def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        await self.proc.stdin.drain()


async def test_shell_runs_a_whole_interview_with_a_retake_and_a_refusal(
    tmp_path: Path,
) -> None:
    env = base_env(tmp_path)
    slug = await create_campaign(env, ROOT / "config" / "kits" / "support-screen.yaml", "support")
    with (tmp_path / "shell.log").open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            *CLI, "shell", slug, "--name", "Margaret", env=env, cwd=str(ROOT),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
        )
        await _drive_whole_interview(Shell(proc), proc)


async def _drive_whole_interview(shell: Shell, proc: asyncio.subprocess.Process) -> None:
    try:
        await shell.expect("[1] Yes, I agree")
        await shell.type("1")
        await shell.expect("what time is it where you are")
        await shell.type("half past nine")  # not a clock reading: asked again, nothing lost
        await shell.expect("couldn't read that as a time")
        await shell.type("9:30 pm")
        await shell.expect("it's 21:30 for you")
        await shell.expect("[1] Begin")
        await shell.type("1")
        await shell.expect("[2] Skip practice")
        await shell.type("2")
        await _answer_first_question_with_refusal_and_retake(shell)
        for number in (2, 3):
            await shell.expect(f"Question {number} of 3")
            await shell.type("1")  # ready
            await shell.expect("[1] Start now")
            await shell.type("1")
            await shell.expect("Your turn")
            await shell.type("I would listen first, say sorry, and fix the problem quickly.")
            await shell.expect("part 1 received")
            await shell.type("1")  # Done
            await shell.expect("[1] Keep")
            await shell.type("1")
        await shell.expect("All done, thank you")
        assert await asyncio.wait_for(proc.wait(), 60) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _answer_first_question_with_refusal_and_retake(shell: Shell) -> None:
    await shell.expect("Question 1 of 3")
    await shell.type("1")
    await shell.expect("[1] Start now")
    await shell.type("1")
    await shell.expect("Your turn")
    await shell.type(str(THREE_MISTAKES))  # a document: not an accepted format
    await shell.expect("accepts")
    await shell.type(str(MEDIA / "voice.ogg"))
    await shell.expect("part 1 received")
    await shell.type("1")  # Done
    await shell.expect("[2] Retake")
    await shell.type("2")
    await shell.expect("Question 1 of 3")
    await shell.type("1")
    await shell.expect("[1] Start now")
    await shell.type("1")
    await shell.expect("Your turn")
    await shell.type("I stay calm, listen, and solve the customer's problem step by step.")
    await shell.expect("part 1 received")
    await shell.type("1")  # Done
    await shell.expect("last try")


async def test_run_without_credentials_starts_and_says_how_to_enable_platforms(
    tmp_path: Path,
) -> None:
    from tests.e2e.harness import BotProcess

    bot = BotProcess(env=base_env(tmp_path), log_path=tmp_path / "bot.log")
    await bot.start()
    try:
        health = await bot.health()
        assert health["status"] == "ok" and health["scheduler"] is True
        assert health["platforms"] == ["web"]  # the web page is always on
        assert "# TYPE ib_events_handled_total counter" in await bot.metrics()
    finally:
        assert await bot.stop() == 0
    logs = bot.logs()
    for hint in ("TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN", "interview-bot shell",
                 "try the interview as a candidate: http://127.0.0.1:"):
        assert hint in logs
