"""Pytest fixtures ``fake``, ``bot`` and ``ann`` for the tests of the fake Telegram itself.

Test modules import them (``from tests.fakes.telegram.fixtures import ...  # noqa: F401``);
they are registered under ``name=`` so that the import does not shadow the test arguments.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from tests.fakes.telegram.client import FakeUser
from tests.fakes.telegram.harness import make_bot
from tests.fakes.telegram.server import FakeTelegram


@pytest.fixture(name="fake")
async def fake_fixture() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture(name="bot")
async def bot_fixture(fake: FakeTelegram) -> AsyncIterator[Bot]:
    client = make_bot(fake)
    yield client
    await client.session.close()


@pytest.fixture(name="ann")
def ann_fixture(fake: FakeTelegram) -> FakeUser:
    return fake.user(user_id=1001, first_name="Ann", language_code="en")
