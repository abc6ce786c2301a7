"""Seconds from launching `interview-bot run` (no credentials, a fresh folder) to the two
first-run links on its output: "try the interview as a candidate" and "review it as a
reviewer" (issue 13: within 10 s). Also the time to the log line "database migrated",
i.e. how much of it is loading code. Run on a quiet machine:

    .venv/bin/python benchmarks/first_run_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import base_env  # noqa: E402

CANDIDATE, REVIEWER = "try the interview as a candidate: ", "review it as a reviewer: "


def one_start() -> tuple[float, float, float]:
    """(migrated, candidate link, reviewer link) in seconds after the launch."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=base_env(Path(folder)),
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        seen: dict[str, float] = {}
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                for mark in ("database migrated", CANDIDATE, REVIEWER):
                    if mark in line:
                        seen.setdefault(mark, time.monotonic() - start)
                if REVIEWER in seen:
                    break
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        if REVIEWER not in seen:
            raise SystemExit("the service stopped before printing the first-run links")
        return seen.get("database migrated", -1.0), seen[CANDIDATE], seen[REVIEWER]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print("run  migrated  candidate link  reviewer link   (s after launch)")
    for n in range(1, runs + 1):
        migrated, candidate, reviewer = one_start()
        print(f"{n:>3}  {migrated:8.2f}  {candidate:14.2f}  {reviewer:13.2f}")


if __name__ == "__main__":
    main()
