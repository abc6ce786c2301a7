"""`conversations/` stays pure: no SDK, SQL or HTTP imports, nothing of ours but `config`
(never `bot`, `storage`, `adapters`), no clock reads or sleeps, and no file access (the
message catalogs are read by `bot/runtime/catalogs.py`). `make test` also runs the
import-linter contracts of pyproject.toml, which say the same of whole layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "conversations"
SOURCES = sorted(ROOT.rglob("*.py"))
FORBIDDEN_MODULES = ("aiogram", "slack_bolt", "slack_sdk", "sqlalchemy", "aiohttp",
                     "faster_whisper", "bot", "storage", "adapters", "os", "io", "pathlib",
                     "shutil", "tempfile", "babel")
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "is_file",
              "exists", "iterdir", "glob", "rglob", "mkdir", "unlink"}
CLOCK_CALLS = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("asyncio", "sleep"),
    ("time", "sleep"),
}
CLOCK_NAMES = {"now", "utcnow", "today", "monotonic", "perf_counter", "sleep"}


def _imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            if node.module in ("time", "asyncio", "datetime"):
                names.extend(f"{node.module}.{a.name}" for a in node.names)
    return names


def _dotted(node: ast.expr) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return tuple(reversed(parts))


def test_sources_are_found() -> None:
    assert ROOT / "engine.py" in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_forbidden_imports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in _imported(tree):
        assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name} imports {name}"
        assert name not in {f"{m}.{f}" for m, f in CLOCK_CALLS}, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_clock_reads(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            assert dotted[-2:] not in CLOCK_CALLS, f"{path.name}:{node.lineno} {dotted}"
            if len(dotted) == 1:
                assert dotted[0] not in CLOCK_NAMES, f"{path.name}:{node.lineno} {dotted}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_file_access(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)[-1:]
            assert not set(name) & FILE_CALLS, f"{path.name}:{node.lineno} calls {name}"


@pytest.mark.parametrize("snippet", [
    "from storage.db import Database", "import bot.runtime.handler",
    "from adapters.base import Channel", "from pathlib import Path",
    "from babel.messages.pofile import read_po",
])
def test_the_scan_catches_layer_breaks(snippet: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text(snippet, encoding="utf-8")
    with pytest.raises(AssertionError):
        test_no_forbidden_imports(path)


@pytest.mark.parametrize("snippet", ["open('kit.yaml')", "LOCALES.read_text()",
                                     "Path('x').is_file()"])
def test_the_scan_catches_file_access(snippet: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text(snippet, encoding="utf-8")
    with pytest.raises(AssertionError):
        test_no_file_access(path)


@pytest.mark.parametrize("snippet", [
    "import datetime\ndatetime.datetime.now()", "from datetime import datetime\ndatetime.now()",
    "import time\ntime.time()", "import asyncio\nasyncio.sleep(1)", "from datetime import date\n"
    "date.today()", "from time import monotonic\nmonotonic()",
])
def test_the_scan_catches_clock_reads(snippet: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text(snippet, encoding="utf-8")
    with pytest.raises(AssertionError):
        test_no_forbidden_imports(path)
        test_no_clock_reads(path)
