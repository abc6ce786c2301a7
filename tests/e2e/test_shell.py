"""`interview-bot shell` as a person uses it: the real process on a pseudo-terminal (or pipes),
the real engine, storage and timers (issue 17)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import E2E_KIT, MEDIA, base_env, create_campaign, run_cli
from tests.e2e.shell_driver import PipeShell, PtyShell

pytestmark = pytest.mark.e2e


@pytest.fixture
async def env(tmp_path: Path) -> dict[str, str]:
    env = base_env(tmp_path)
    await create_campaign(env, E2E_KIT, "e2e")
    return env


@pytest.fixture
async def ptys() -> AsyncIterator[list[PtyShell]]:
    started: list[PtyShell] = []
    yield started
    for shell in started:
        await shell.kill()


async def open_shell(env: dict[str, str], started: list[PtyShell], *args: str) -> PtyShell:
    shell = await PtyShell.start(env, "e2e", "--name", "Ada", *args)
    started.append(shell)
    return shell


async def to_first_question(shell: PtyShell) -> None:
    await shell.expect("[1] Yes, I agree")
    await shell.type("1")
    await shell.expect("[1] Begin")
    await shell.type("1")
    await shell.expect("[2] Skip practice")
    await shell.type("2")
    await shell.expect("Question 1 of 3")


async def test_intro_prompt_quiet_logs_and_ctrl_d(env: dict[str, str], ptys: list[PtyShell]
                                                  ) -> None:
    shell = await open_shell(env, ptys)
    await shell.expect("[1] Yes, I agree")
    intro = shell.seen
    assert "@" in intro and "Ctrl-D" in intro  # how to send a file, how to leave
    await shell.expect("you> ")
    await shell.ctrl_d()
    goodbye = await shell.rest()
    assert "saved" in goodbye and "shell e2e --name Ada" in goodbye
    assert await shell.wait() == 0
    assert " INFO " not in shell.seen and "Traceback" not in shell.seen


async def test_a_typed_answer_longer_than_a_file_name_does_not_crash(
    env: dict[str, str], ptys: list[PtyShell]
) -> None:
    shell = await open_shell(env, ptys)
    await shell.expect("[1] Yes, I agree")
    await shell.type("word " * 80)
    await shell.type("1")
    await shell.expect("[1] Begin")
    assert "Traceback" not in shell.seen


async def test_running_shell_again_resumes_the_open_interview(
    env: dict[str, str], ptys: list[PtyShell]
) -> None:
    first = await open_shell(env, ptys)
    await to_first_question(first)
    await first.ctrl_d()
    assert await first.wait() == 0
    again = await open_shell(env, ptys)
    await again.expect("Welcome back")
    await again.expect("Question 1 of 3")
    await again.type("1")  # Ready, on the resumed interview
    await again.expect("[1] Start now")
    code, out, _ = await run_cli(env, "campaign", "list")
    assert code == 0 and "invited=1 " in out, out


async def test_new_starts_over_and_withdraws_the_open_interview(
    env: dict[str, str], ptys: list[PtyShell]
) -> None:
    first = await open_shell(env, ptys)
    await to_first_question(first)
    await first.ctrl_d()
    assert await first.wait() == 0
    fresh = await open_shell(env, ptys, "--new")
    await fresh.expect("[1] Yes, I agree")
    assert "Welcome back" not in fresh.seen
    code, out, _ = await run_cli(env, "campaign", "list")
    assert code == 0 and "invited=2 " in out and "withdrawn=1" in out, out


async def test_numbered_choices_survive_messages_without_buttons(
    env: dict[str, str], ptys: list[PtyShell]
) -> None:
    shell = await open_shell(env, ptys)
    await to_first_question(shell)
    await shell.type("/status")
    await shell.expect("You're on question 1 of 3")
    await shell.type("1")  # still Ready: the status message had no buttons
    await shell.expect("[1] Start now")


async def test_a_stale_number_is_refused_not_saved_and_start_now_is_quiet(
    env: dict[str, str], ptys: list[PtyShell]
) -> None:
    shell = await open_shell(env, ptys)
    await to_first_question(shell)
    await shell.type("1")
    await shell.expect("[1] Start now")
    await shell.type("1")
    await shell.expect("Your turn")
    await shell.type("1")  # Start now is gone: a stale number
    await shell.expect("No choice 1 right now")
    await shell.type(f"@{MEDIA / 'voice.ogg'}")
    await shell.expect("part 1 received")  # part 1: the "1" was not stored as a part
    assert "Thinking time is over" not in shell.seen


async def test_media_paths_video_notes_missing_and_corrupt_files(
    env: dict[str, str], ptys: list[PtyShell], tmp_path: Path
) -> None:
    shell = await open_shell(env, ptys)
    await to_first_question(shell)
    await shell.type("1")
    await shell.type("1")  # Start now
    await shell.expect("Your turn")
    await shell.type(str(tmp_path / "nowhere" / "answer.ogg"))  # a path, not a command
    await shell.expect("No file at")
    await shell.type(f"@{tmp_path / 'missing.ogg'}")
    await shell.expect("No file at")
    await shell.type(f"@{MEDIA / 'corrupt.ogg'}")
    await shell.expect("could not be played")
    await shell.type(f"@{MEDIA / 'voice.ogg'} --as video_note")
    await shell.expect("square video")
    await shell.type(f"@{MEDIA / 'video_note.mp4'}")  # square, short: a video note
    await shell.expect("part 1 received")
    assert "unknown command" not in shell.seen.lower()


async def test_pipes_work_too_and_end_quietly_when_input_ends(env: dict[str, str],
                                                             tmp_path: Path) -> None:
    shell = await PipeShell.start(env, "e2e", "--name", "Ada", stderr=tmp_path / "err.log")
    try:
        await shell.expect("[1] Yes, I agree")
        await shell.type("1")
        await shell.expect("[1] Begin")
        await shell.close_input()
        assert "saved" in await shell.rest()
        assert await shell.wait() == 0
    finally:
        await shell.kill()
    assert "INFO" not in (tmp_path / "err.log").read_text()
