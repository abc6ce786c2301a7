"""Fixtures for end-to-end tests: fake Telegram on loopback and the real bot process."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.contract.conftest import _pg_admin, _pg_reachable, _pg_url
from tests.e2e.harness import BotProcess, base_env, leaked_secrets
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import FakeWhatsApp


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def fake_whatsapp() -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp() as fake:
        yield fake


@pytest.fixture
def telegram_env(tmp_path: Path, fake_telegram: FakeTelegram) -> dict[str, str]:
    return base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=fake_telegram.token,
        TELEGRAM_API_URL=fake_telegram.base_url,
    )


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test (skipped without PostgreSQL)."""
    if not _pg_reachable():
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    name = f"ib_e2e_{secrets.token_hex(6)}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def bot_process(tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    """Bot processes started by a test; all are stopped (or killed) at the end."""
    started: list[BotProcess] = []
    yield started
    for proc in started:
        if proc.proc is not None and proc.proc.returncode is None:
            await proc.kill()
    for proc in started:  # issue 16: no configured secret may ever reach the service log
        leaked = leaked_secrets(proc.env, proc.logs())
        assert not leaked, f"the service log contains the secret(s) {leaked}"


def new_bot(env: dict[str, str], tmp_path: Path, started: list[BotProcess]) -> BotProcess:
    proc = BotProcess(env=env, log_path=tmp_path / "bot.log")
    started.append(proc)
    return proc
