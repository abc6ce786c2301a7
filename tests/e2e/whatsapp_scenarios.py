"""Candidate scripts and settings shared by the WhatsApp end-to-end tests (the e2e-short
kit's questions, answered over the fake Cloud API)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.harness import MEDIA, base_env, run_cli
from tests.e2e.scenarios import LONG
from tests.fakes.whatsapp import FakeWhatsApp, FakeWhatsAppUser

VERIFY = "e2e-verify-token"
ADA = "447700900123"


def whatsapp_env(tmp_path: Path, fake: FakeWhatsApp, **extra: str) -> dict[str, str]:
    return base_env(
        tmp_path, **extra,
        WHATSAPP_TOKEN=fake.token, WHATSAPP_PHONE_NUMBER_ID=fake.phone_number_id,
        WHATSAPP_APP_SECRET=fake.app_secret, WHATSAPP_VERIFY_TOKEN=VERIFY,
        WHATSAPP_API_URL=fake.api_url, WHATSAPP_NUMBER=f"+{fake.display_number}",
    )


async def wa_invite(env: dict[str, str], slug: str, name: str) -> str:
    code, out, err = await run_cli(env, "invite", slug, "--name", name, "--channel", "whatsapp")
    assert code == 0, err
    match = re.search(r"https://wa\.me/15550001234\?text=([\w-]{32})$", out.strip())
    assert match, out
    return match.group(1)


async def consent_and_practice(ada: FakeWhatsAppUser, token: str) -> None:
    await ada.send_text(token)  # what the wa.me link types in
    await ada.expect_message("Thanks for trying", timeout=LONG)
    await ada.press("Yes, I agree", timeout=LONG)
    await ada.expect_message(re.compile(r"3 questions"), timeout=LONG)
    await ada.press("Begin", timeout=LONG)
    await ada.expect_message("Practice", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_text("Practice answer in a few words.")
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)
    await ada.expect_message("That was the practice", timeout=LONG)


async def q1_by_voice_note(ada: FakeWhatsAppUser) -> None:
    await ada.expect_message("Question 1 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)  # after the 1 s preparation
    await ada.send_voice(MEDIA / "voice.ogg")
    # downloaded and stored, its length measured (WhatsApp sends none): voice.ogg is 11.7 s
    await ada.expect_message("part 1 received (12 s so far", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("(1 part(s), 12 s). Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)


async def q2_refused_image_then_voice(ada: FakeWhatsAppUser) -> None:
    await ada.expect_message("Question 2 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Your turn", timeout=LONG)
    await ada.send_image()
    await ada.expect_message("can't use that kind of message", timeout=LONG)
    await ada.send_text("Can I type it instead?")
    refusal = await ada.expect_message("accepts", timeout=LONG)
    # q2 takes video notes or voice; WhatsApp has no video notes: a video instead
    assert "voice" in refusal.text and "a video" in refusal.text
    assert "video note" not in refusal.text
    await ada.send_voice(MEDIA / "voice.ogg")
    await ada.expect_message("part 1 received", timeout=LONG)
    await ada.press("Done", timeout=LONG)
    await ada.expect_message("Keep it, or try again?", timeout=LONG)
    await ada.press("Keep", timeout=LONG)


async def q3_by_text(ada: FakeWhatsAppUser) -> dict[str, object]:
    await ada.expect_message("Question 3 of 3", timeout=LONG)
    await ada.press("I'm ready", timeout=LONG)
    await ada.expect_message("Type your answer", timeout=LONG)
    last = ada.message("text", {"body": "I enjoy building reliable tools people use."})
    assert (await ada.fake.push(last)).status == 200
    await ada.expect_message("All done, thank you", timeout=LONG)
    return last


async def whole_interview(ada: FakeWhatsAppUser, token: str) -> dict[str, object]:
    """Consent, practice by text, Q1 voice, Q2 an image and a text refused then voice, Q3 text;
    returns the webhook value of the last answer."""
    await consent_and_practice(ada, token)
    await q1_by_voice_note(ada)
    await q2_refused_image_then_voice(ada)
    return await q3_by_text(ada)
