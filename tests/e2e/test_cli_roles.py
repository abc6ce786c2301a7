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


async def test_web_replicas_without_a_shared_web_secret_are_refused_plainly(
        tmp_path: Path) -> None:
    """Each replica would sign the page's sessions with its own key: a candidate's next
    request, sent by the balancer to another replica, would be refused."""
    env = base_env(tmp_path, DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    env.pop("WEB_SECRET", None)
    code, out, err = await run_cli(env, "run", "--role", "web")
    assert code == 2
    assert "--role web runs behind a load balancer: set WEB_SECRET" in plain_failure(
        code, out, err)
