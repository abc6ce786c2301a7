"""`MEDIA_URL=s3://…` end to end (issue 15): the real service against the fake Telegram and
a local S3-compatible server (moto). A voice answer lands in the bucket under the prefix,
named by its hash, with a copy in this machine's cache. (Reading through the store, by the
transcriber and review uploads, is in tests/contract/test_blobs.py.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

import boto3
import pytest

from tests.conftest import S3_TEST_CREDENTIALS
from tests.e2e.conftest import new_bot
from tests.e2e.harness import MEDIA, BotProcess, create_campaign, create_invite
from tests.e2e.scenarios import LONG, consent_and_begin
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e


async def test_a_voice_answer_goes_to_the_bucket_by_its_hash(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], s3_endpoint: str,
    s3_bucket: str, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, **S3_TEST_CREDENTIALS, "MEDIA_URL": f"s3://{s3_bucket}/answers",
           "MEDIA_S3_ENDPOINT_URL": s3_endpoint}
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Grace")
    bot = new_bot(env, tmp_path, bot_process)
    await bot.start()
    user = fake_telegram.user(8008, "Grace")
    await consent_and_begin(user, token)
    await user.expect_message("Practice", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)

    digest = hashlib.sha256((MEDIA / "voice.ogg").read_bytes()).hexdigest()
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=s3_bucket)
    assert [o["Key"] for o in listed.get("Contents", [])] == [
        f"answers/{digest[:2]}/{digest}"]

    cached = list((tmp_path / "media").glob("??/*"))  # MEDIA_DIR: this machine's cache
    assert [p.name for p in cached] == [digest]
    assert "Traceback" not in bot.logs()
