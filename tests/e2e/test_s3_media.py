"""`MEDIA_URL=s3://…` end to end (issue 15): the real service against the fake Telegram and
a local S3-compatible server (moto). A voice answer stored on "machine A" lands in the bucket
under the prefix, named by its hash; the service then comes back as "machine B" (same
database and bucket, an empty MEDIA_DIR cache), the candidate keeps the answer there, and B
transcribes it from the bucket."""

from __future__ import annotations

import hashlib
from pathlib import Path

import boto3
import pytest

from storage.db import Database
from storage.records import TranscriptRecord, TranscriptStatus
from tests.conftest import S3_TEST_CREDENTIALS
from tests.e2e.conftest import new_bot
from tests.e2e.harness import (
    MEDIA,
    BotProcess,
    create_campaign,
    create_invite,
    free_port,
    wait_until,
)
from tests.e2e.scenarios import LONG, consent_and_begin
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e


def cached(media_dir: Path) -> list[str]:
    return sorted(p.name for p in media_dir.glob("??/*"))


async def transcripts(database_url: str, token: str) -> list[TranscriptRecord]:
    db = Database.from_url(database_url)
    try:
        async with db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.by_token(token)
            assert state is not None
            return list((await uow.transcripts.for_interview(state.interview_id)).values())
    finally:
        await db.dispose()


async def test_an_answer_stored_on_one_machine_is_transcribed_on_another(
    fake_telegram: FakeTelegram, telegram_env: dict[str, str], s3_endpoint: str,
    s3_bucket: str, tmp_path: Path, bot_process: list[BotProcess],
) -> None:
    env = {**telegram_env, **S3_TEST_CREDENTIALS, "MEDIA_URL": f"s3://{s3_bucket}/answers",
           "MEDIA_S3_ENDPOINT_URL": s3_endpoint, "MEDIA_DIR": str(tmp_path / "machine-a")}
    slug = await create_campaign(env)
    token = await create_invite(env, slug, "Grace")
    machine_a = new_bot(env, tmp_path, bot_process)
    await machine_a.start()
    user = fake_telegram.user(8008, "Grace")
    await consent_and_begin(user, token)
    await user.press("Skip practice", timeout=LONG)
    await user.expect_message("Question 1 of 3", timeout=LONG)
    await user.press("I'm ready", timeout=LONG)
    await user.expect_message("Your turn", timeout=LONG)  # after a 1 s prep timer
    await user.send_voice(MEDIA / "voice.ogg")
    await user.expect_message("part 1 received", timeout=LONG)

    digest = hashlib.sha256((MEDIA / "voice.ogg").read_bytes()).hexdigest()
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=s3_bucket)
    assert [o["Key"] for o in listed.get("Contents", [])] == [
        f"answers/{digest[:2]}/{digest}"]
    assert cached(tmp_path / "machine-a") == [digest]
    assert await machine_a.stop() == 0

    machine_b = BotProcess(env={**env, "MEDIA_DIR": str(tmp_path / "machine-b"),
                                "HTTP_PORT": str(free_port())},
                           log_path=tmp_path / "machine-b.log")
    bot_process.append(machine_b)
    await machine_b.start()
    await user.press("Done", timeout=LONG)
    await user.expect_message("Keep it, or try again?", timeout=LONG)
    await user.press("Keep", timeout=LONG)

    async def transcribed() -> bool:
        found = await transcripts(env["DATABASE_URL"], token)
        return any(t.status is not TranscriptStatus.PENDING for t in found)

    await wait_until(transcribed, LONG, "the answer's transcript", every=0.3)
    found = await transcripts(env["DATABASE_URL"], token)
    assert [(t.status, t.failure_reason) for t in found] == [(TranscriptStatus.DONE, None)]
    assert cached(tmp_path / "machine-b") == [digest]  # fetched from the bucket
    assert "Traceback" not in machine_a.logs() + machine_b.logs()
