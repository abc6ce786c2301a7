"""`show` and `submissions`: what reviewers see, without Slack (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.harness import MEDIA, base_env, create_campaign, run_cli
from tests.e2e.shell_driver import PtyShell

pytestmark = pytest.mark.e2e

KIT = """\
title: Show screen
language: en
consent: We keep your answers 30 days.
deadline: 10m
reminders: []
quiet_hours: null
reviewers_required: 2
questions:
  - id: q1
    text: Say hello.
    prep_seconds: 0
    answer_seconds: 60
    formats: [voice]
    retakes: 0
  - id: q2
    text: Wave at us.
    prep_seconds: 0
    answer_seconds: 60
    formats: [video_note]
    retakes: 0
  - id: q3
    text: Why this role?
    prep_seconds: 0
    answer_seconds: 120
    formats: [text]
    retakes: 0
"""


async def _interview(env: dict[str, str]) -> None:
    shell = await PtyShell.start(env, "show", "--name", "Grace")
    try:
        await shell.expect("[1] Yes, I agree")
        await shell.type("1")
        await shell.expect("[1] Begin")
        await shell.type("1")
        for media in ("voice.ogg", "video_note.mp4"):
            await shell.expect("[1] I'm ready")
            await shell.type("1")
            await shell.expect("Your turn")
            await shell.type(f"@{MEDIA / media}")
            await shell.expect("part 1 received")
            await shell.type("1")  # Done
        await shell.expect("[1] I'm ready")
        await shell.type("1")
        await shell.expect("Your turn")
        await shell.type("I like helping people solve their problems.")
        await shell.expect("The interview is over", timeout=180)
        assert await shell.wait() == 0
    finally:
        await shell.kill()


async def test_show_and_submissions_print_what_reviewers_see(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    kit = tmp_path / "show.yaml"
    kit.write_text(KIT)
    await create_campaign(env, kit, "show")
    await _interview(env)

    code, out, err = await run_cli(env, "submissions", "show")
    assert code == 0, err
    interview_id, name, phase = out.split()[:3]
    assert (name, phase) == ("Grace", "submitted") and "answered 3/3" in out

    code, shown, err = await run_cli(env, "show", interview_id)
    assert code == 0, err
    assert "Grace — Show screen" in shown and "Q2. Wave at us." in shown
    assert "voice 12 s: \"" in shown and "video note 10 s: \"" in shown  # with transcripts
    assert "text: I like helping people solve their problems." in shown
    assert "0 of 2 reviewers done" in shown and "decision: none yet" in shown

    db = Database.from_url(env["DATABASE_URL"])
    try:
        async with db.unit_of_work() as uow:
            state = await uow.interviews.get(interview_id)
            assert state is not None
            keys = [(q, d) for q in ("q1", "q2", "q3")
                    for d in ("clarity", "depth", "communication", "relevance")]
            await uow.reviews.upsert_scores(interview_id, "U1", dict.fromkeys(keys, 4))
            await uow.commit()
        code, one, _ = await run_cli(env, "show", state.invite_token)  # by token too
        assert "1 of 2 reviewers done" in one and "4.0" not in one  # blind until two
        async with db.unit_of_work() as uow:
            await uow.reviews.upsert_scores(interview_id, "U2", dict.fromkeys(keys, 2))
            await uow.reviews.save_decision(interview_id, "advance", "slack:U9", "strong")
            await uow.commit()
    finally:
        await db.dispose()
    code, both, _ = await run_cli(env, "show", interview_id)
    assert "overall 3.0 (from 2 to 4)" in both and "reviewers differ by 2 or more" in both
    assert "decision: advance by slack:U9" in both and "strong" in both

    code, _, err = await run_cli(env, "show", "no-such-interview")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
