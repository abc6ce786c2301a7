"""`interview-bot transcribe FILE... [--json]`, run as operators run it (a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.transcription import word_error_rate

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "tests" / "fixtures" / "media"


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
               MEDIA_DIR=str(tmp_path / "media"), TRANSCRIBE_WORKERS="1", LOG_LEVEL="WARNING")
    return subprocess.run(
        [sys.executable, "-m", "bot", "transcribe", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_json_output_has_text_segments_language_and_timings(tmp_path: Path) -> None:
    done = run_cli(tmp_path, str(MEDIA / "voice.ogg"), "--json")

    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    result = json.loads(line)
    reference = (MEDIA / "voice.txt").read_text(encoding="utf-8")
    assert word_error_rate(reference, result["text"]) < 0.10, result["text"]
    assert result["language"] == "en"
    assert 11 < result["audio_seconds"] < 13
    assert 0 < result["wall_seconds"] < 60
    segments = result["segments"]
    assert segments and {"start", "end", "text"} <= set(segments[0])
    assert " ".join(s["text"] for s in segments) == result["text"]
    assert all(0 <= s["start"] < s["end"] <= result["audio_seconds"] + 0.5 for s in segments)


def test_a_corrupt_file_is_a_failure_line_and_exit_code_1(tmp_path: Path) -> None:
    corrupt = MEDIA / "corrupt.ogg"

    done = run_cli(tmp_path, str(corrupt))
    as_json = run_cli(tmp_path, str(corrupt), "--json")

    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [f"{corrupt}: failed: could not decode the file"]
    assert as_json.returncode == 1, as_json.stderr
    failure = {"file": str(corrupt), "error": "could not decode the file"}
    assert json.loads(as_json.stdout) == failure
