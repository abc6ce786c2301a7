"""Record a whole `interview-bot shell` session on a pseudo-terminal, as a person sees it.

    python -m tests.e2e.record_session [OUT.txt]

A voice part, a stale number, /status, Ctrl-D, a resume, a video note given as a plain path,
a text answer, then `interview-bot show`. Everything runs in a temporary folder.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

from tests.e2e.harness import E2E_KIT, MEDIA, base_env, create_campaign, run_cli
from tests.e2e.shell_driver import PtyShell

NAME = "Ada"
_CLEARED = re.compile(r"^.*\r\x1b\[K", re.MULTILINE)


def as_seen(raw: str) -> str:
    """What the terminal shows: a cleared prompt line disappears."""
    return _CLEARED.sub("", raw).replace("\r", "")


async def say(shell: PtyShell, after: str, line: str) -> None:
    """Type `line` once `after` and the prompt after it are on screen, as a person would."""
    await shell.expect(after)
    await shell.expect("you> ")
    await shell.type(line)


async def first_visit(env: dict[str, str]) -> str:
    shell = await PtyShell.start(env, "e2e", "--name", NAME)
    try:
        for after, line in (("[1] Yes, I agree", "1"), ("[1] Begin", "1"),
                            ("[2] Skip practice", "2"), ("Question 1 of 3", "/status"),
                            ("You're on question 1", "1"),
                            ("Your turn", "1"),  # the 1 s to think ran out: a stale number
                            ("No choice 1", f"@{MEDIA / 'voice.ogg'}"),
                            ("[1] Done", "1"), ("[1] Keep", "1")):
            await say(shell, after, line)
        await shell.expect("Question 2 of 3")
        await shell.expect("you> ")
        await shell.ctrl_d()
        await shell.rest()
        await shell.wait()
        return as_seen(shell.seen)
    finally:
        await shell.kill()


async def second_visit(env: dict[str, str]) -> str:
    shell = await PtyShell.start(env, "e2e", "--name", NAME)
    try:
        video_note = str((MEDIA / "video_note.mp4").relative_to(Path.cwd()))
        for after, line in (("[1] I'm ready", "1"), ("Your turn", video_note),
                            ("[1] Done", "1"), ("[1] Keep", "1"), ("Question 3 of 3", "1"),
                            ("Type your answer",
                             "I enjoy helping people and I learn new tools quickly.")):
            await say(shell, after, line)
        await shell.expect("The interview is over", timeout=300)
        await shell.wait()
        return as_seen(shell.seen)
    finally:
        await shell.kill()


async def record() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(Path(tmp))
        await create_campaign(env, E2E_KIT, "e2e")
        parts = [f"$ interview-bot shell e2e --name {NAME}\n", await first_visit(env),
                 f"$ interview-bot shell e2e --name {NAME}\n", await second_visit(env)]
        interview_id = re.findall(r"interview-bot show (\w+)", parts[-1])[-1]
        _, shown, _ = await run_cli(env, "show", interview_id)
        parts += [f"$ interview-bot show {interview_id}\n", shown]
        return "".join(parts)


if __name__ == "__main__":
    text = asyncio.run(record())
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text)
    print(text)
