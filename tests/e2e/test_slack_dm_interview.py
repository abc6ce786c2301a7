"""A whole interview in a Slack direct message: the real service against the fake Slack.

The recruiter invites a Slack user from the CLI (`invite --slack`): the bot opens the DM and
sends the welcome, whose button opens the interview. Then the same interview as the Telegram
e2e (consent, practice, an audio clip with one retake answered by a video clip, a refused
text answer, a text answer), the review post with transcripts in the review channel, where
the candidate, who joined that channel meanwhile, is refused scoring their own submission
(someone already in it is not invited at all: they would see their own post); the
recruiter's decision reaches the candidate in the DM. The recruiter's `/interview invite
SLUG @user` opens a DM the same way. A redelivered event (X-Slack-Retry-Num)
is handled once; a badly signed one is refused.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from config.kit_loader import DEFAULT_CLOSING
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, base_env, create_campaign, run_cli, wait_until
from tests.e2e.scenarios import LONG
from tests.fakes.slack import FakeSlack, SlackDriver
from tests.fakes.slack.candidate import SlackCandidate

pytestmark = pytest.mark.e2e

REVIEW = "C0REVIEW01"
ADA, REV1, RECRUITER, BO = "U0ADA0001", "U0REV0001", "U0RECRUIT", "U0BOB0001"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.set_channel_members(REVIEW, [REV1, fake.bot_user_id], name="interviews")
        for user in (REV1, RECRUITER, BO):
            fake.add_user(user)
        yield fake


def webm_clip(source: Path, target: Path) -> Path:
    """An audio clip as Slack's web client records one: Opus in WebM (made from a fixture)."""
    import av

    with av.open(str(source)) as src, av.open(str(target), "w", format="webm") as out:
        stream = out.add_stream("libopus", rate=48000)
        for frame in src.decode(src.streams.audio[0]):
            frame.pts = None
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return target


def slack_env(tmp_path: Path, slack: FakeSlack) -> dict[str, str]:
    return base_env(
        tmp_path, SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url, SLACK_REVIEW_CHANNEL=REVIEW,
        RECRUITERS=f"slack:{RECRUITER}",
    )


def all_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + str(
        message.get("text", ""))


async def test_slack_dm_interview_end_to_end(
    fake_slack: FakeSlack, tmp_path: Path, bot_process: list[BotProcess]
) -> None:
    env = slack_env(tmp_path, fake_slack)
    slug = await create_campaign(env)
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    driver = SlackDriver(fake_slack, f"{bot.url}/slack/events")
    ada = SlackCandidate(fake_slack, driver, ADA, name="ada")
    clip = await asyncio.to_thread(webm_clip, MEDIA / "voice.ogg", tmp_path / "clip.webm")
    try:
        await _invite(env, slug, ada)
        await _invites_from_slack(fake_slack, driver, slug)
        bad = await driver.message(ADA, ada.dm, "hello", bad_signature=True)
        assert bad.status == 401
        await _consent_and_practice(ada, clip)
        await _q1_audio_clip_retake_then_video_clip(ada)
        await _q2_refused_text_then_audio_clip(ada, clip)
        await _q3_text_redelivered_once(ada, bot)
        post = await fake_slack.wait_for_message(
            REVIEW, lambda m: "Submission" in all_text(m) and not m.get("files"), timeout=180)
        _check_post(post)
        await _own_submission_refused(fake_slack, driver, post)
        await _decide(fake_slack, driver, post, ada)
    except BaseException:
        print(ada.chat_log())
        print(bot.logs()[-20000:])
        raise
    finally:
        await driver.close()


async def _invite(env: dict[str, str], slug: str, ada: SlackCandidate) -> None:
    code, out, err = await run_cli(env, "invite", slug, "--slack", f"<@{ADA}|ada>",
                                   "--name", "Ada Lovelace")
    assert code == 0, err
    name, user, link = out.strip().split("\t")
    assert (name, user) == ("Ada Lovelace", ADA)
    assert link == f"https://slack.com/app_redirect?channel={ada.dm}&team={ada.fake.team_id}"
    welcome = await ada.expect_message("invited to an interview for E2E screen")
    assert re.search(r"[\w-]{32}", _text_of(welcome)) is None  # the token is only a button
    code, _, err = await run_cli(env, "invite", slug, "--slack", "not-a-user")
    assert code == 2 and "not a Slack user id" in err
    code, out, _ = await run_cli(env, "invite", slug, "--slack", REV1)
    assert code == 1 and "not invited: they are a member of the review channel" in out


async def _invites_from_slack(fake: FakeSlack, driver: SlackDriver, slug: str) -> None:
    """`/interview invite SLUG @bo @rev1`: Bo gets the welcome in a DM; the reviewer, who
    is in the review channel, is not invited."""
    r = await driver.slash(RECRUITER, "/interview", f"invite {slug} <@{BO}|bo> <@{REV1}|rev1>")
    assert r.ok and r.elapsed < 3
    reply = await fake.wait_until(
        lambda: next((e["text"] for e in fake.ephemerals if e["user"] == RECRUITER), None),
        timeout=LONG, what="the recruiter's reply")
    bo_dm = fake._dm_for(BO)
    assert f"<@{BO}>: https://slack.com/app_redirect?channel={bo_dm}" in reply, reply
    assert f"<@{REV1}>: not invited" in reply, reply
    welcome = fake.messages(bo_dm)[-1]
    assert "Open the interview" in all_text(welcome)


def _text_of(message: dict[str, Any]) -> str:
    return str(message.get("text", ""))


async def _consent_and_practice(ada: SlackCandidate, clip: Path) -> None:
    await ada.press("Open the interview")
    await ada.expect_message("Thanks for trying", timeout=LONG)
    await ada.press("Yes, I agree", timeout=LONG)
    await ada.expect_message(re.compile(r"3 questions"), timeout=LONG)
    await ada.press("Begin", timeout=LONG)
    await ada.expect_message("Practice", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_clip(clip)  # audio/webm, subtype slack_audio
    await ada.expect_message("part 1 received (12 s so far", timeout=LONG)  # measured
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)
    await ada.expect_message("That was the practice", timeout=LONG)


async def _q1_audio_clip_retake_then_video_clip(ada: SlackCandidate) -> None:
    await ada.expect_message("Question 1 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Take 1 s to think", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    # the countdown is edited in place (chat.update): its Start-now button goes away
    edited = await ada.expect_edit("Thinking time is over", timeout=LONG)
    assert [b["type"] for b in edited["blocks"]] == ["section"], edited
    await ada.send_clip(MEDIA / "voice.ogg")
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Retakes left: 1", timeout=LONG)
    await ada.press("Retake", timeout=LONG)
    await ada.expect_message("Question 1 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Take 1 s to think", timeout=LONG)
    await ada.press("Start now", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_clip(MEDIA / "video_note.mp4", kind="video")
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("last try", timeout=LONG)


async def _q2_refused_text_then_audio_clip(ada: SlackCandidate, clip: Path) -> None:
    await ada.expect_message("Question 2 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_text("Can I just type it?")  # refused: this question wants voice/video
    await ada.expect_message("accepts", timeout=LONG)
    await ada.send_clip(clip)
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)


async def _q3_text_redelivered_once(ada: SlackCandidate, bot: BotProcess) -> None:
    await ada.expect_message("Question 3 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Type your answer", timeout=LONG)
    sent = await ada.send_text("I enjoy building reliable tools that people use every day.")
    await ada.expect_message("All done, thank you", timeout=LONG)
    before = len(ada.bot_messages())
    again = await ada.driver.resend_event(sent.payload, retry_num=1)
    assert again.status == 200

    async def counted() -> bool:
        return await bot.metric("ib_events_duplicate_total") >= 1

    await wait_until(counted, timeout=LONG, what="the redelivery counted as a duplicate")
    assert len(ada.bot_messages()) == before  # nothing said twice


def _check_post(post: dict[str, Any]) -> None:
    text = all_text(post)
    assert "Ada" in text and "E2E screen" in text and "slack" in text
    assert "Why this role" in text and "I enjoy building reliable tools" in text
    voice_words = (MEDIA / "voice.txt").read_text().split()[:3]
    assert any(w.lower().strip(".,") in text.lower() for w in voice_words), text


async def _own_submission_refused(
    fake: FakeSlack, driver: SlackDriver, post: dict[str, Any]
) -> None:
    fake.set_channel_members(REVIEW, [REV1, ADA, fake.bot_user_id])  # Ada joins meanwhile
    opened = len(fake.views_opened)
    r = await driver.click(ADA, channel=REVIEW, message_ts=post["ts"], action_id="score_open")
    assert r.ok and r.elapsed < 3
    await fake.wait_until(lambda: any(e["user"] == ADA for e in fake.ephemerals),
                          timeout=LONG, what="the candidate's refusal")
    assert len(fake.views_opened) == opened  # no scoring form, so nothing of it is shown


async def _decide(
    fake: FakeSlack, driver: SlackDriver, post: dict[str, Any], ada: SlackCandidate
) -> None:
    count = len(fake.views_opened)
    r = await driver.click(RECRUITER, channel=REVIEW, message_ts=post["ts"],
                           action_id="decide_advance")
    assert r.ok and r.elapsed < 3
    opened = await fake.wait_until(
        lambda: fake.views_opened[count] if len(fake.views_opened) > count else None,
        what="decision view")
    r = await driver.submit_view(RECRUITER, view_id=opened["id"],
                                 state_values={"reason": {"reason": "Clear answers"}})
    assert r.ok and not r.body, r.body
    await ada.expect_message(DEFAULT_CLOSING["advance"][:40], timeout=LONG)
