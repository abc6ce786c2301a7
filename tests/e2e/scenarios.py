"""Candidate scripts shared by end-to-end tests (the e2e-short kit's questions)."""

from __future__ import annotations

import re

from tests.e2e.harness import MEDIA
from tests.fakes.telegram import FakeUser

LONG = 60.0  # generous waits: the bot transcribes on the same 2 cores


async def consent_and_begin(user: FakeUser, token: str) -> None:
    await user.send_command(f"/start {token}")
    await user.expect_message("Thanks for trying", timeout=LONG)
    await user.press("Yes, I agree", timeout=LONG)
    await user.expect_message(re.compile(r"3 questions"), timeout=LONG)
    await user.press("Begin", timeout=LONG)


async def practice_by_voice(user: FakeUser) -> None:
    """Practice in the real format (a voice message); kept, never reviewed."""
    await user.expect_message("Practice", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)
    await user.press("Done", timeout=LONG)
    await user.expect_message("Keep it, or try again?", timeout=LONG)
    await user.press("Keep", timeout=LONG)
    await user.expect_message("That was the practice", timeout=LONG)


async def answer_q1_by_voice_with_one_retake(user: FakeUser) -> None:
    await user.expect_message("Question 1 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Take 1 s to think", timeout=LONG)
    # The prep timer (1 s) opens the answer window by itself, and the countdown message is
    # edited once: its Start-now button goes away.
    await user.expect_message("Your turn", timeout=LONG)
    edited = await user.expect_edit("Thinking time is over", timeout=LONG)
    assert not edited.get("reply_markup"), edited
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)
    await user.press("Done", timeout=LONG)
    await user.expect_message("Retakes left: 1", timeout=LONG)
    await user.press("Retake", timeout=LONG)
    # Wait for the new prompt: older messages still show buttons with the same labels.
    await user.expect_message("Question 1 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Take 1 s to think", timeout=LONG)
    await user.press("Start now", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)
    await user.press("Done", timeout=LONG)
    await user.expect_message("last try", timeout=LONG)


async def answer_q2_by_two_video_notes_after_a_refusal(user: FakeUser) -> None:
    await user.expect_message("Question 2 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    await user.send_text("Can I just type it?")  # refused: this question wants video/voice
    await user.expect_message("accepts", timeout=LONG)
    await user.send_video_note(MEDIA / "video_note.mp4")
    await user.expect_message("part 1 received", timeout=LONG)
    await user.send_video_note(MEDIA / "video_note_part2.mp4")
    await user.expect_message("part 2 received", timeout=LONG)
    await user.press("Done", timeout=LONG)
    await user.expect_message("2 part(s)", timeout=LONG)
    await user.press("Keep", timeout=LONG)


async def answer_q3_by_text(user: FakeUser) -> None:
    await user.expect_message("Question 3 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Type your answer", timeout=LONG)
    await user.send_text("I enjoy building reliable tools that people use every day.")
    await user.expect_message("All done, thank you", timeout=LONG)


async def whole_interview(user: FakeUser, token: str) -> None:
    await consent_and_begin(user, token)
    await practice_by_voice(user)
    await answer_q1_by_voice_with_one_retake(user)
    await answer_q2_by_two_video_notes_after_a_refusal(user)
    await answer_q3_by_text(user)
