"""A shell interview's timers belong to its terminal: `run` (no shell channel) leaves them
alone, and a resumed shell fires the ones that fell due while it was closed (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.conftest import new_bot
from tests.e2e.harness import BotProcess, base_env, create_campaign, wait_until
from tests.e2e.shell_driver import PtyShell

pytestmark = pytest.mark.e2e

TEN_SECOND_KIT = """\
title: Ten-second answers
language: en
consent: We keep your answers 30 days.
deadline: 10m
reminders: []
quiet_hours: null
questions:
  - id: q1
    text: Say hello.
    prep_seconds: 0
    answer_seconds: 10
    formats: [voice, text]
    retakes: 0
"""


async def _answer_end_due(db: Database) -> datetime:
    async with db.unit_of_work(read_only=True) as uow:
        (timer,) = [t for t in await uow.timers.pending() if t.kind == "answer_end"]
    return timer.due_at


async def test_run_leaves_shell_timers_to_the_shell_which_fires_them_on_resume(
    tmp_path: Path, bot_process: list[BotProcess]
) -> None:
    env = base_env(tmp_path)
    kit = tmp_path / "ten.yaml"
    kit.write_text(TEN_SECOND_KIT)
    await create_campaign(env, kit, "ten")
    shell = await PtyShell.start(env, "ten", "--name", "Ada")
    try:
        await shell.expect("[1] Yes, I agree")
        await shell.type("1")
        await shell.expect("[1] Begin")
        await shell.type("1")
        await shell.expect("[1] I'm ready")
        await shell.type("1")
        await shell.expect("Your turn")
        await shell.ctrl_d()
        assert await shell.wait() == 0
    finally:
        await shell.kill()

    db = Database.from_url(env["DATABASE_URL"])
    try:
        due = await _answer_end_due(db)

        async def overdue() -> bool:
            return datetime.now(UTC) > due

        await wait_until(overdue, 30, "the answer window to end while the shell is closed")
        bot = new_bot(env, tmp_path, bot_process)
        await bot.start()  # timers are reconciled on start: overdue ones would fire now
        assert await bot.stop() == 0
        assert "timers reconciled: 0 pending" in bot.logs()
        async with db.unit_of_work(read_only=True) as uow:
            assert await uow.outbox.count_failed() == 0
            (still,) = [t for t in await uow.timers.pending() if t.kind == "answer_end"]
        assert still.fired_at is None
    finally:
        await db.dispose()

    again = await PtyShell.start(env, "ten", "--name", "Ada")
    try:
        await again.expect("Time's up")
        await again.expect("The interview is over")
        assert await again.wait() == 0
        assert again.seen.count("Time's up") == 1
    finally:
        await again.kill()
