"""Reviewers in a Telegram group, end to end, with no Slack at all: a candidate's interview
(voice answers) -> one post in the group with transcripts, the recordings re-sent into the
group by file_id -> blind scoring by two members on the 1-4 keyboards (each press confirmed
privately, the group sees progress only) -> the aggregate as a reply -> a recruiter decides
after a confirmation step -> the candidate hears back -> erased on request, the recordings
leave the group and the post keeps no answer. An outsider's presses, a member's
decision and a confirmation pressed by someone else are refused privately and change
nothing. Real service process, fake Telegram only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram.review_inbound import NOT_YOURS
from config.kit_loader import DEFAULT_CLOSING
from conversations.reviewing import ALREADY_DECIDED, REFUSE_DECIDE, REFUSE_SCORE
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, base_env, create_campaign, create_invite
from tests.e2e.scenarios import LONG, consent_and_begin, practice_by_voice
from tests.fakes.telegram import CallbackRecord, FakeGroup, FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e

GROUP = -1001234567890
RECRUITER = 4242
DIMENSIONS = 4  # the default rubric: Clarity, Depth, Communication, Relevance


async def voice_interview(user: FakeUser, token: str) -> None:
    """Practice (voice, never reviewed); Q1 and Q2 one voice message each; Q3 text."""
    await consent_and_begin(user, token)
    await practice_by_voice(user)
    for number in (1, 2):
        await user.expect_message(f"Question {number} of 3", timeout=LONG)
        await user.press("I'm ready", timeout=LONG)
        await user.expect_message("Your turn", timeout=LONG)
        await user.send_voice(MEDIA / "voice.ogg")
        await user.expect_message("part 1 received", timeout=LONG)
        await user.press("Done", timeout=LONG)
        await user.expect_message("Keep it, or try again?", timeout=LONG)
        await user.press("Keep", timeout=LONG)
    await user.expect_message("Question 3 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Type your answer", timeout=LONG)
    await user.send_text("I enjoy building reliable tools that people use every day.")
    await user.expect_message("All done, thank you", timeout=LONG)


def alert(record: CallbackRecord) -> str:
    """What only the presser saw (and that it was an alert)."""
    assert record.answer is not None and record.answer["show_alert"], record
    return str(record.answer["text"])


def cell(keyboard: dict[str, Any], dimension: int, value: int) -> str:
    """The callback data of `value` on the `dimension`th row (1-based) of a score keyboard."""
    row = keyboard["reply_markup"]["inline_keyboard"][dimension - 1]
    return str(row[value]["callback_data"])


async def score_all(group: FakeGroup, user: FakeUser, keyboards: list[dict[str, Any]],
                    q1_depth: int) -> list[str]:
    """Every question on every dimension: 3, except Q1 Depth; the private answers."""
    answers = []
    for number, keyboard in enumerate(keyboards, start=1):
        for dimension in range(1, DIMENSIONS + 1):
            value = q1_depth if (number, dimension) == (1, 2) else 3
            record = await group.press_data(user, cell(keyboard, dimension, value),
                                            message_id=keyboard["message_id"], timeout=LONG)
            answers.append(alert(record))
    return answers


async def test_telegram_group_reviews_scores_blind_and_decides(
    fake_telegram: FakeTelegram, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    fake = fake_telegram
    group = fake.group(GROUP, "Hiring: backend")
    rev1, rev2 = group.add(fake.user(111, "Rev One")), group.add(fake.user(222, "Rev Two"))
    rita = group.add(fake.user(RECRUITER, "Rita"), "administrator")
    outsider = group.add(fake.user(999, "Mallory"), "left")
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.base_url,
                   TELEGRAM_REVIEW_CHAT=str(GROUP), RECRUITERS=f"telegram:{RECRUITER}")
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Ada Lovelace")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    ada = fake.user(1001, "Ada")
    try:
        # the web board is always on, beside the Telegram group
        assert (await bot.health())["reviewers"] == ["telegram", "web"]
        await voice_interview(ada, token)
        post = await group.expect_message("Submission: Ada", timeout=180)
        footer, keyboards = await _check_post(group, ada, post)
        await _outsider_refused(group, outsider, footer, keyboards)
        await _blind_scoring(group, rev1, rev2, post, footer, keyboards)
        await _decide(group, ada, rita, rev1, rev2, footer, keyboards)
        await _erase_on_request(group, rita, post, footer)
        assert not fake.unanswered_callback_queries()
    except BaseException:
        print(group.log())
        print(bot.logs()[-20000:])
        raise


async def _check_post(group: FakeGroup, ada: FakeUser, post: dict[str, Any]
                      ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One post with the answers; the two voice answers re-sent by file_id as replies."""
    text = post["text"]
    assert len(group.bot_messages("Submission: Ada")) == 1
    assert "E2E screen" in text and "Platform: telegram" in text
    assert "Practice" not in text  # the practice answer is never posted
    assert "Tell us about a project" in text and "Why this role" in text
    assert "I enjoy building reliable tools that people use every day." in text
    voice_words = (MEDIA / "voice.txt").read_text().split()[:3]
    assert any(w.lower().strip(".,") in text.lower() for w in voice_words), text
    assert "0 of 2 reviewers done" in text and re.search(r"Interview [0-9a-f]{16}", text)
    footer = next(m for m in group.bot_messages("reviewers done"))
    keyboards = [m for m in group.replies_to(post["message_id"]) if "Score Q" in m.get("text", "")]
    assert [k["text"].split(":")[0] for k in keyboards] == ["✏️ Score Q1", "✏️ Score Q2",
                                                            "✏️ Score Q3"]
    recordings = await group.fake.wait_for(
        lambda: (lambda v: v if len(v) == 2 else None)(
            [m for m in group.replies_to(post["message_id"]) if "voice" in m]),
        timeout=LONG, what="two recordings in the group")
    answered = [u["message"]["voice"]["file_id"] for u in ada.sent_updates
                if "voice" in u.get("message", {})][1:]  # the first one was the practice
    assert [m["voice"]["file_id"] for m in recordings] == answered
    assert all(not c.files for c in group.fake.calls_to("sendVoice"))  # nothing re-uploaded
    return footer, keyboards


async def _outsider_refused(group: FakeGroup, outsider: FakeUser, footer: dict[str, Any],
                            keyboards: list[dict[str, Any]]) -> None:
    """Someone no longer in the group: no score, no decision, nothing shown."""
    record = await group.press_data(outsider, cell(keyboards[0], 1, 4),
                                    message_id=keyboards[0]["message_id"], timeout=LONG)
    assert alert(record) == REFUSE_SCORE
    record = await group.press(outsider, "Advance", message_id=footer["message_id"],
                               timeout=LONG)
    assert alert(record) == REFUSE_DECIDE
    assert "0 of 2 reviewers done" in group.message(footer["message_id"])["text"]


async def _blind_scoring(group: FakeGroup, rev1: FakeUser, rev2: FakeUser,
                         post: dict[str, Any], footer: dict[str, Any],
                         keyboards: list[dict[str, Any]]) -> None:
    before = {m["message_id"] for m in group.bot_messages()}
    answers = await score_all(group, rev1, keyboards, q1_depth=1)
    assert answers[0] == "Saved privately: 3. 1 of 12 scored."
    assert answers[-1].startswith("Saved privately: 3. Your sheet is complete")
    fid = footer["message_id"]
    await group.expect(fid, "1 of 2 reviewers done", timeout=LONG)
    # The group saw nothing new: no values, no aggregate, only progress on the post.
    assert {m["message_id"] for m in group.bot_messages()} == before
    assert not any("Saved" in m.get("text", "") or "range" in m.get("text", "")
                   for m in group.bot_messages())
    own = await group.press(rev1, "My scores", message_id=fid, timeout=LONG)
    assert "Q1 3 1 3 3 · Q2 3 3 3 3 · Q3 3 3 3 3" in alert(own)
    assert "12 of 12 scored" in alert(own)

    fresh = await group.press(rev2, "My scores", message_id=fid, timeout=LONG)
    assert "Q1 – – – –" in alert(fresh)  # REV1's values are not shown to REV2
    await score_all(group, rev2, keyboards, q1_depth=4)
    aggregate = await group.expect_message("Aggregate of 2 reviewers", timeout=LONG)
    assert aggregate["reply_to_message"]["message_id"] == post["message_id"]
    text = aggregate["text"]
    assert "Calibration needed" in text and "Q1 Depth" in text
    assert "2.50 (range 1–4)" in text
    await group.expect(fid, "2 of 2 reviewers done", timeout=LONG)


async def _decide(group: FakeGroup, ada: FakeUser, rita: FakeUser, rev1: FakeUser,
                  rev2: FakeUser, footer: dict[str, Any],
                  keyboards: list[dict[str, Any]]) -> None:
    fid = footer["message_id"]
    assert alert(await group.press(rev1, "Reject", message_id=fid, timeout=LONG)
                 ) == REFUSE_DECIDE
    # An accidental tap is only a question: nothing happens until the same recruiter
    # confirms; someone else cannot confirm it; Cancel takes it back.
    await group.press(rita, "Reject", message_id=fid, timeout=LONG)
    ask = await group.expect_message("Reject Ada Lovelace? Rita, confirm", timeout=LONG)
    refused = await group.press(rev2, "Yes, reject", message_id=ask["message_id"],
                                timeout=LONG)
    assert alert(refused) == NOT_YOURS
    await group.press(rita, "Cancel", message_id=ask["message_id"], timeout=LONG)
    assert group.is_deleted(ask["message_id"])

    await group.press(rita, "Advance", message_id=fid, timeout=LONG)
    ask = await group.expect_message("Advance Ada Lovelace? Rita, confirm", timeout=LONG)
    done = await group.press(rita, "Yes, advance", message_id=ask["message_id"], timeout=LONG)
    assert done.answer is not None and "Advanced" in str(done.answer["text"])
    await ada.expect_message(DEFAULT_CLOSING["advance"][:40], timeout=LONG)
    shown = await group.expect(fid, "Advanced by telegram:4242", timeout=LONG)
    assert "reply_markup" not in shown
    for keyboard in keyboards:
        closed = await group.expect(keyboard["message_id"], "Scoring closed", timeout=LONG)
        assert "reply_markup" not in closed
    late = await group.press_data(rev2, cell(keyboards[0], 1, 2),
                                  message_id=keyboards[0]["message_id"], timeout=LONG)
    assert alert(late) == ALREADY_DECIDED
    closing = [m for m in ada.messages if DEFAULT_CLOSING["reject"][:40] in m.get("text", "")]
    assert not closing  # the cancelled rejection never reached the candidate


async def _erase_on_request(group: FakeGroup, rita: FakeUser, post: dict[str, Any],
                            footer: dict[str, Any]) -> None:
    """The candidate asked to be forgotten: the recordings leave the group, the post keeps
    no answer and no name, the decision stays on record."""
    match = re.search(r"Interview ([0-9a-f]{16})", footer["text"])
    assert match, footer
    recordings = [m["message_id"] for m in group.replies_to(post["message_id"]) if "voice" in m]
    await rita.send_command(f"/erase {match.group(1)}")
    await rita.expect_message(f"Erased interview {match.group(1)}", timeout=LONG)
    erased = await group.expect(footer["message_id"], "Submission erased", timeout=LONG)
    assert "Ada" not in erased["text"] and "Advanced" in erased["text"]
    await group.fake.wait_for(lambda: all(group.is_deleted(r) for r in recordings),
                              timeout=LONG, what="recordings deleted from the group")
    assert not any("reliable tools" in m.get("text", "") for m in group.bot_messages())
