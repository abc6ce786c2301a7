"""A recruiter runs a campaign's life from their Telegram chat with the bot: a starter kit,
a broken kit file first (its problems come back by line and column, nothing is made), the
fixed file, a roster CSV (a CSV of links back; the bad row reported by line), launch, pause
(nobody new starts; a started interview goes on), remind, extend, close (the candidate still
answering is told; the invite nobody opened no longer works), status with its chart,
shortlist, and the export as a file. Someone who is
not a recruiter sending the same kit file learns nothing. Real service, fake Telegram."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import new_bot
from tests.e2e.harness import E2E_KIT, BotProcess, run_cli
from tests.e2e.scenarios import LONG
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
RECRUITER_ID = 4343
BROKEN = b"title: Broken\nquestions:\n  - id: q1\n    formats: [smoke]\n"


async def test_a_campaign_from_a_kit_file_to_close(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], tmp_path: Path,
    bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, "RECRUITERS": f"telegram:{RECRUITER_ID}"}
    rita = fake_telegram.user(RECRUITER_ID, "Rita")
    await new_bot(env, tmp_path, bot_process).start()

    await rita.send_command("/new")
    await rita.expect_message("Here is a starter kit", timeout=LONG)
    await rita.send_document(BROKEN, file_name="broken.yaml", caption="/new spring")
    broken = await rita.expect_message("nothing was created", timeout=LONG)
    assert re.search(r"• line 4, column \d+: ", broken["text"]), broken["text"]
    mallory = fake_telegram.user(3003, "Mallory")
    await mallory.send_document(E2E_KIT, caption="/new spring")
    await rita.send_document(E2E_KIT, caption="/new spring")
    await rita.expect_message("Created spring", timeout=LONG)
    await mallory.expect_message(lambda m: "spring" not in m.get("text", ""), timeout=LONG)

    roster = b"name,channel,contact\nGrace Hopper,telegram,@grace\n,,@nobody\nAlan Turing,,\n"
    await rita.send_document(roster, file_name="people.csv", caption="/invite spring")
    reply = await rita.expect_message("2 invite(s) for E2E screen", timeout=LONG)
    assert "line 3: no name; skipped" in reply["caption"]
    links = list(csv.DictReader(io.StringIO(sent_file(fake_telegram, reply).decode())))
    tokens = {row["name"]: row["link"].rsplit("start=", 1)[1] for row in links}
    grace_id = links[0]["interview_id"]
    grace, alan = fake_telegram.user(2002, "Grace"), fake_telegram.user(2003, "Alan")
    await grace.send_command(f"/start {tokens['Grace Hopper']}")
    await grace.expect_message("paused for the moment", timeout=LONG)  # a draft starts nobody

    await rita.send_command("/launch spring")
    await rita.expect_message("spring is live", timeout=LONG)
    await grace.send_command(f"/start {tokens['Grace Hopper']}")
    await grace.expect_message("Thanks for trying", timeout=LONG)
    await rita.send_command("/pause spring")
    await rita.expect_message("spring is paused", timeout=LONG)
    await alan.send_command(f"/start {tokens['Alan Turing']}")
    await alan.expect_message("paused for the moment", timeout=LONG)
    await grace.press("Yes, I agree", timeout=LONG)  # Grace goes on
    await grace.expect_message(re.compile(r"question|practice", re.I), timeout=LONG)
    await rita.send_command("/remind spring")
    await rita.expect_message("Reminded 1 candidate(s)", timeout=LONG)
    await grace.expect_message("left", timeout=LONG)
    await rita.send_command(f"/extend {grace_id} 1d train wifi")
    await rita.expect_message("Grace Hopper has 1d more", timeout=LONG)
    await grace.expect_message("given you more time", timeout=LONG)

    await rita.send_command("/close spring")
    await rita.expect_message("the 1 candidate(s) still answering were told", timeout=LONG)
    await grace.expect_message("closed interviews for this role", timeout=LONG)
    await alan.send_command(f"/start {tokens['Alan Turing']}")
    await alan.expect_message("interviews for this role have closed", timeout=LONG)
    _, listing, _ = await run_cli(env, "campaign", "list")
    assert " spring closed invited=2 opened=1 " in listing

    await rita.send_command("/status spring")
    status = await rita.expect_message(lambda m: "photo" in m, timeout=LONG)
    assert "E2E screen: 2 invited, 1 opened, 1 consented" in status.get("caption", "")
    assert fake_telegram.files[status["photo"][-1]["file_id"]].data.startswith(b"\x89PNG")

    await rita.send_command("/shortlist spring")
    await rita.expect_message(re.compile(r"E2E screen: (no submissions|top 0)"), timeout=LONG)
    for command in ("/campaigns", "/status spring", "/export spring", "/close spring",
                    "/launch spring"):  # someone else learns nothing, not even a slug
        await mallory.send_command(command)
        answer = await mallory.expect_message(timeout=LONG)
        assert "spring" not in answer.get("text", "") and "document" not in answer

    await rita.send_command("/export spring jsonl")
    export = await rita.expect_message("2 candidate(s), as JSONL", timeout=LONG)
    assert export["document"]["file_name"] == "spring.jsonl"
    rows = [json.loads(line) for line in sent_file(fake_telegram, export).splitlines()]
    assert [(r["candidate"], r["status"]) for r in rows] == [
        ("Grace Hopper", "expired"), ("Alan Turing", "invited")]  # the roster's names


def sent_file(fake: FakeTelegram, message: dict[str, Any]) -> bytes:
    """The bytes of a document the bot sent (kept by the fake's file store)."""
    return fake.files[message["document"]["file_id"]].data
