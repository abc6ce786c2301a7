"""Seconds from a candidate's last answer to the Slack review post.

Runs the real service (`python -m bot run`, Slack attached) against fake Telegram and fake
Slack on loopback. One candidate answers three questions with the 2-minute voice fixture
(`tests/fixtures/media/answer_2min.ogg`), as fast as the script can (the worst case: the
transcriptions of earlier answers may still be running when the last one is kept), and we
measure from pressing Done on the last answer to the `chat.postMessage` of the review post.
Also printed: the transcription time of one answer, from the service log (the goal is
latency <= one answer's transcription time + 2 s).

    .venv/bin/python benchmarks/review_latency.py [--workers N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import (  # noqa: E402
    MEDIA,
    BotProcess,
    base_env,
    create_campaign,
    create_invite,
    wait_until,
)
from tests.e2e.test_slack_review import REVIEW  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402
from tests.fakes.telegram import FakeTelegram, FakeUser  # noqa: E402

KIT = """\
title: Latency bench
language: en
intro: Latency benchmark.
consent: We record your answers.
deadline: 30m
reminders: []
quiet_hours: null
reviewers_required: 2
questions:
""" + "".join(
    f"""  - id: q{n}
    text: Question {n}, please talk for two minutes.
    prep_seconds: 0
    answer_seconds: 180
    formats: [voice]
    retakes: 0
""" for n in (1, 2, 3))
WAIT = 300.0


def transcribed(bot: BotProcess) -> list[float]:
    """Seconds each finished transcription took (one log line per part)."""
    return [float(s) for s in re.findall(r"transcribed [0-9a-f]+: .*? audio in ([\d.]+)s",
                                         bot.logs())]


async def answer_all(user: FakeUser, token: str, bot: BotProcess, paced: bool) -> float:
    """Returns the wall-clock time at which the last answer was finished (Done).

    `paced`: before each answer, wait until the earlier answers are transcribed (a real
    2-minute answer takes 2 minutes to record, longer than transcribing the one before)."""
    await user.send_command(f"/start {token}")
    await user.press("Yes, I agree", timeout=WAIT)
    await user.press("Begin", timeout=WAIT)
    done_at = 0.0
    for n in (1, 2, 3):
        await user.expect_message(f"Question {n} of 3", timeout=WAIT)
        await user.press("I'm ready", timeout=WAIT)
        await user.expect_message("Your turn", timeout=WAIT)
        if paced:
            await wait_until(functools.partial(_count, bot, n - 1), WAIT, "earlier transcripts")
        await user.send_voice(MEDIA / "answer_2min.ogg")
        await user.expect_message("part 1 received", timeout=WAIT)
        done_at = time.time()
        await user.press("Done", timeout=WAIT)
    return done_at


async def _count(bot: BotProcess, n: int) -> bool:
    return len(transcribed(bot)) >= n


async def one_run(workdir: Path, workers: int, paced: bool) -> tuple[float, list[float]]:
    async with FakeTelegram() as telegram, FakeSlack() as slack:
        slack.set_channel_members(REVIEW, [slack.bot_user_id])
        kit = workdir / "bench.yaml"
        kit.write_text(KIT)
        env = base_env(
            workdir, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.base_url,
            SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET=slack.signing_secret,
            SLACK_API_URL=slack.api_url, SLACK_REVIEW_CHANNEL=REVIEW,
            TRANSCRIBE_WORKERS=str(workers),
        )
        slug = await create_campaign(env, kit, slug="bench")
        token = await create_invite(env, slug, "Bench")
        bot = BotProcess(env=env, log_path=workdir / "bot.log")
        await bot.start()
        try:
            done_at = await answer_all(telegram.user(2001, "Bench"), token, bot, paced)
            call = await slack.wait_for("chat.postMessage", timeout=WAIT)
        finally:
            await bot.stop()
        if os.environ.get("BENCH_LOG"):
            await asyncio.to_thread(Path(os.environ["BENCH_LOG"]).write_text, bot.logs())
        return call.at - done_at, transcribed(bot)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--back-to-back", action="store_true",
                        help="answer at once, without waiting for earlier transcripts")
    args = parser.parse_args()
    mode = "back-to-back" if args.back_to_back else "paced"
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            latency, transcribe = await one_run(Path(tmp), args.workers, not args.back_to_back)
        slowest = transcribe[-1] if transcribe else float("nan")
        print(f"run {run} ({mode}): 3 x 2-min voice answers, "
              f"TRANSCRIBE_WORKERS={args.workers}: "
              f"last answer -> review post {latency:.2f} s; the last answer transcribed in "
              f"{slowest:.2f} s (all: {', '.join(f'{t:.2f}' for t in transcribe)}); "
              f"goal <= {slowest + 2:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
