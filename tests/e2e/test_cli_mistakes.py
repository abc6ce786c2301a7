"""Every CLI mistake gets one or two plain lines and a non-zero exit, never a traceback; the
commands are quiet unless asked (issue 17). The real CLI, as a subprocess."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import E2E_KIT, base_env, create_campaign, free_port, run_cli

pytestmark = pytest.mark.e2e


def plain_failure(code: int, out: str, err: str) -> str:
    """The one or two lines a failing command printed (asserting there is no more)."""
    assert code != 0, out + err
    assert "Traceback" not in out + err and " INFO " not in err, out + err
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2, err
    return err


@pytest.fixture
async def env(tmp_path: Path) -> dict[str, str]:
    env = base_env(tmp_path)
    await create_campaign(env, E2E_KIT, "e2e")
    return env


async def test_commands_are_quiet_and_help_has_no_type_labels(env: dict[str, str]) -> None:
    code, out, err = await run_cli(env, "campaign", "list")
    assert code == 0 and "e2e live" in out and err == "", err
    for args in (["invite", "--help"], ["shell", "--help"], ["campaign", "create", "--help"],
                 ["kit", "validate", "--help"]):
        code, out, _ = await run_cli(env, *args)
        assert code == 0, out
        for label in ("<bool>", "<list[str]>", "<str>", "<path>", "<list[Path]>", "{"):
            assert label not in out, out
    code, _, err = await run_cli(env, "--verbose", "campaign", "list")
    assert code == 0 and "INFO storage.db" in err


async def test_invite_without_a_chat_platform_prints_web_links(env: dict[str, str]) -> None:
    code, out, err = await run_cli(env, "invite", "e2e", "--name", "Ada Lovelace")
    assert code == 0, err
    name, link = out.strip().split("\t")
    base, token = link.rsplit("/i/", 1)
    assert name == "Ada Lovelace" and len(token) == 32
    assert base == f"http://127.0.0.1:{env['HTTP_PORT']}" and not err.strip()


async def test_invite_refuses_an_unknown_channel(env: dict[str, str]) -> None:
    err = plain_failure(*await run_cli(env, "invite", "e2e", "--name", "A", "--channel", "bogus"))
    assert "telegram, whatsapp, slack, web" in err


async def test_invite_csv_problems(env: dict[str, str], tmp_path: Path) -> None:
    err = plain_failure(*await run_cli(env, "invite", "e2e", "--csv", str(tmp_path / "no.csv")))
    assert "no.csv" in err
    no_name = tmp_path / "people.csv"
    no_name.write_text("email,first\nada@example.com,Ada\n")
    err = plain_failure(*await run_cli(env, "invite", "e2e", "--csv", str(no_name)))
    assert "name" in err
    _, out, _ = await run_cli(env, "campaign", "list")
    assert "invited=0 " in out  # nothing was invited, not even the header
    one_bad = tmp_path / "mixed.csv"
    one_bad.write_text("name,channel\nAda,telegram\n,whatsapp\nAlan,\n")
    code, out, err = await run_cli(env, "invite", "e2e", "--csv", str(one_bad))
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == ["Ada", "Alan"]
    assert "mixed.csv: line 3: no name; skipped" in err


async def test_invites_survive_an_unreachable_telegram(env: dict[str, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        dead = {"TELEGRAM_BOT_TOKEN": "123:abc",
                "TELEGRAM_API_URL": f"http://127.0.0.1:{s.getsockname()[1]}"}
        code, out, err = await run_cli({**env, **dead}, "invite", "e2e", "--name", "Ada",
                                       "--name", "Alan")
    plain_failure(code, out, err)
    lines = [line.split("\t") for line in out.strip().splitlines()]
    assert [n for n, _ in lines] == ["Ada", "Alan"] and all(len(t) == 32 for _, t in lines)
    assert "saved" in err


async def test_campaign_create_refuses_an_existing_or_bad_slug(env: dict[str, str]) -> None:
    err = plain_failure(*await run_cli(env, "campaign", "create", str(E2E_KIT), "--slug", "e2e"))
    assert "--new-version" in err
    code, out, err = await run_cli(env, "campaign", "create", str(E2E_KIT), "--slug", "e2e",
                                   "--new-version")
    assert code == 0 and out.split()[1] == "e2e", err
    err = plain_failure(*await run_cli(env, "campaign", "create", str(E2E_KIT), "--slug",
                                       "Bad Slug!"))
    assert "bad-slug" in err
    code, out, _ = await run_cli(env, "campaign", "list")
    assert len(out.strip().splitlines()) == 1, out


async def test_a_draft_campaign_is_published(env: dict[str, str]) -> None:
    code, _, err = await run_cli(env, "campaign", "create", str(E2E_KIT), "--slug", "later",
                                 "--draft")
    assert code == 0, err
    err = plain_failure(*await run_cli(env, "shell", "later", stdin=b""))
    assert "campaign publish later" in err
    code, out, err = await run_cli(env, "campaign", "publish", "later")
    assert code == 0 and "live" in out, err
    _, out, _ = await run_cli(env, "campaign", "list")
    assert " later live " in out
    plain_failure(*await run_cli(env, "campaign", "publish", "nope"))


KITS = {
    "tabs.yaml": "title: T\nquestions:\n\t- id: q1\n\t  text: Hi?\n",
    "colon.yaml": "title: T\nquestions:\n  - id: q1\n    text: Why: because\n",
}


@pytest.mark.parametrize(("name", "expected"), [
    ("tabs.yaml", ["3:1: ", "4:1: ", "tab"]),
    ("colon.yaml", ["4:14: ", "quotes"]),
])
async def test_yaml_syntax_errors_in_plain_words(
    tmp_path: Path, name: str, expected: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(KITS[name])
    code, out, _ = await run_cli(base_env(tmp_path), "kit", "validate", str(path))
    assert code == 2
    for fragment in expected:
        assert fragment in out, out
    assert "mapping values" not in out and "cannot start any token" not in out, out


async def test_a_binary_kit_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, out, _ = await run_cli(base_env(tmp_path), "kit", "validate", str(path))
    assert code == 2 and "not a text file" in out and "codec" not in out, out


async def test_a_missing_postgresql_database_is_named_with_the_command_that_creates_it(
    tmp_path: Path,
) -> None:
    admin = urlsplit(os.environ.get("IB_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/"))
    try:
        socket.create_connection((admin.hostname or "127.0.0.1", admin.port or 5432), 1).close()
    except OSError:
        pytest.skip("PostgreSQL is not reachable")
    name = f"ib_missing_{free_port()}"
    url = admin._replace(scheme="postgresql+asyncpg", path=f"/{name}").geturl()
    err = plain_failure(*await run_cli(base_env(tmp_path, DATABASE_URL=url), "campaign", "list"))
    assert "createdb" in err and name in err


async def test_export_writes_csv_or_json_lines_and_refuses_other_formats(
    env: dict[str, str],
) -> None:
    await run_cli(env, "invite", "e2e", "--name", "Ann", "--name", "=Bo")
    code, out, err = await run_cli(env, "export", "e2e")
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header.startswith("interview_id,candidate,") and len(rows) == 6  # 2 x 3 questions
    assert ",'=Bo," in rows[3]
    code, out, err = await run_cli(env, "export", "e2e", "--format", "jsonl")
    assert code == 0 and [json.loads(line)["candidate"] for line in out.splitlines()] == [
        "Ann", "=Bo"], err
    assert "use csv or jsonl" in plain_failure(*await run_cli(env, "export", "e2e",
                                                              "--format", "xml"))
    assert "no campaign 'nope'" in plain_failure(*await run_cli(env, "export", "nope"))
