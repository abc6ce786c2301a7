"""Answer downloads that go wrong (issue 16): the bot token never reaches the log or a stored
error (item 4); a body larger than the platform limit is never stored whole (item 7); media
files and folders, and the SQLite database with its -wal/-shm, are private (item 8)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import OutboxRow
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, create_campaign, create_invite, wait_until
from tests.e2e.scenarios import LONG, consent_and_begin
from tests.fakes.telegram import FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e
LIMIT = 20 * 1024 * 1024


async def _answering(fake: FakeTelegram, env: dict[str, str], tmp_path: Path,
                     started: list[BotProcess], user_id: int) -> tuple[FakeUser, BotProcess]:
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Ada")
    bot = new_bot(env, tmp_path, started)
    await bot.start()
    user = fake.user(user_id, "Ada")
    await consent_and_begin(user, token)
    await user.press("Skip practice", timeout=LONG)
    await user.expect_message("Question 1 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    return user, bot


async def _fetch_errors(database_url: str) -> list[str]:
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work(read_only=True) as uow:
            rows = await uow.session.scalars(
                select(OutboxRow.last_error).where(OutboxRow.kind == "fetch_media"))
            return [e for e in rows if e]
    finally:
        await db.dispose()


async def test_a_failing_download_keeps_the_token_out_of_logs_and_stored_errors(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    user, bot = await _answering(fake_telegram, telegram_env, tmp_path, bot_process, 1201)
    fake_telegram.download_failure = 500
    await user.send_voice(MEDIA / "voice.ogg")
    errors: list[str] = []

    async def retrying() -> bool:  # the error is kept while the download is retried
        errors[:] = await _fetch_errors(telegram_env["DATABASE_URL"])
        return bool(errors)

    await wait_until(retrying, LONG, "a stored download error")
    await user.expect_message("couldn't receive part 1", timeout=LONG)  # after the retries
    secret_part = fake_telegram.token.split(":", 1)[1]
    assert not any(secret_part in e for e in errors), errors
    assert secret_part not in bot.logs()


async def test_a_body_over_the_limit_is_not_stored_and_files_are_private(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    user, _ = await _answering(fake_telegram, telegram_env, tmp_path, bot_process, 1202)
    fake_telegram.download_body_size = LIMIT + 1024 * 1024  # file_size says a few KB
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("couldn't receive part 1", timeout=LONG)
    fake_telegram.download_body_size = None
    await user.send_voice(MEDIA / "voice.ogg")  # a normal answer is still taken
    await user.expect_message("part 1 received", timeout=LONG)

    media = tmp_path / "media"
    files = [p for p in media.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_size < LIMIT for p in files)
    assert all(_mode(p) == 0o600 for p in files), {str(p): oct(_mode(p)) for p in files}
    folders = [media, *(p for p in media.rglob("*") if p.is_dir())]
    assert all(_mode(p) == 0o700 for p in folders), {str(p): oct(_mode(p)) for p in folders}
    database = [tmp_path / n for n in ("bot.db", "bot.db-wal", "bot.db-shm")]
    assert all(_mode(p) == 0o600 for p in database if p.exists()), {
        str(p): oct(_mode(p)) for p in database if p.exists()}
    assert (tmp_path / "bot.db-wal").exists()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
