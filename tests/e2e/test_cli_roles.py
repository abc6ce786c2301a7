"""`run --role web|worker` needs PostgreSQL: with SQLite it is one plain line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import base_env, run_cli
from tests.e2e.test_cli_mistakes import plain_failure

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("role", ["web", "worker"])
async def test_a_role_on_sqlite_is_refused_plainly(tmp_path: Path, role: str) -> None:
    code, out, err = await run_cli(base_env(tmp_path), "run", "--role", role)
    assert code == 2
    assert f"--role {role} needs PostgreSQL" in plain_failure(code, out, err)
    assert not (tmp_path / "bot.db").exists()  # refused before touching the database
