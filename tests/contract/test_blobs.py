"""The media store contract, over the folder store and the S3 store (a local S3-compatible
server from `moto[server]`, started by the test session)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.base import Capabilities
from adapters.errors import DeliveryFailed
from bot.cli.errors import explain
from bot.runtime.effects import ref_to_dict
from bot.runtime.media import MediaFetcher
from bot.transcription.errors import FailureReason, TranscriptionFailed
from bot.transcription.port import Transcript
from bot.transcription.stored_media import StoredMediaTranscriber
from conversations.events import ConversationRef
from storage.blobs import MediaStore, MediaStoreUnavailable
from storage.records import OutboxItem
from storage.s3blobs import PART_BYTES, S3MediaStore, parse_media_url

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "voice.ogg"
StoreFactory = Callable[[Path], MediaStore]


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for p in parts:
        yield p


def _read(path: str | Path) -> bytes:
    return Path(path).read_bytes()


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _cached(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("??/*"))


@pytest.fixture(params=["folder", "s3"])
async def make_store(
    request: pytest.FixtureRequest,
) -> AsyncIterator[StoreFactory]:
    made: list[MediaStore] = []

    def folder(root: Path) -> MediaStore:
        return MediaStore(root)

    def s3(root: Path) -> MediaStore:
        store = S3MediaStore(f"s3://{bucket}/answers/v1", root, endpoint_url=endpoint)
        made.append(store)
        return store

    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = request.getfixturevalue("s3_bucket")
    yield folder if request.param == "folder" else s3
    for store in made:
        await store.close()


class TestMediaStore:
    async def test_put_is_content_addressed(self, tmp_path: Path,
                                            make_store: StoreFactory) -> None:
        store = make_store(tmp_path / "media")
        blob = await store.put(chunks(b"hello ", b"", b"world"))
        digest = hashlib.sha256(b"hello world").hexdigest()
        assert blob.content_hash == digest and blob.size_bytes == 11
        assert Path(blob.path) == tmp_path / "media" / digest[:2] / digest
        assert _read(blob.path) == b"hello world"
        again = await store.put(chunks(b"hello world"))
        assert again == blob
        assert list((tmp_path / "media" / "tmp").iterdir()) == []
        assert await store.exists(digest)
        assert await store.local_path(blob.path) == Path(blob.path)
        assert await store.delete(digest) is True
        assert await store.delete(digest) is False
        assert not await store.exists(digest)
        assert store.path_for(digest) == Path(blob.path)

    async def test_put_file_and_delete_path(self, tmp_path: Path,
                                            make_store: StoreFactory) -> None:
        store = make_store(tmp_path)
        blob = await store.put_file(FIXTURE)
        assert _read(blob.path) == _read(FIXTURE)
        assert blob.size_bytes == FIXTURE.stat().st_size
        with pytest.raises(ValueError):
            await store.delete_path("/etc/passwd")
        assert await store.delete_path(blob.path) is True
        assert not await store.exists(blob.content_hash)

    async def test_failed_stream_leaves_nothing(self, tmp_path: Path,
                                                make_store: StoreFactory) -> None:
        async def broken() -> AsyncIterator[bytes]:
            yield b"partial"
            raise ConnectionError("download cut")

        store = make_store(tmp_path)
        with pytest.raises(ConnectionError):
            await store.put(broken())
        assert _files(tmp_path) == []
        assert not await store.exists(hashlib.sha256(b"partial").hexdigest())

    def test_path_for_rejects_non_hashes(self, tmp_path: Path,
                                         make_store: StoreFactory) -> None:
        with pytest.raises(ValueError):
            make_store(tmp_path).path_for("../../etc/passwd")


class TestS3MediaStore:
    """What only the shared store does: another machine reads what one machine stored."""

    async def test_another_machine_reads_through_its_own_cache(
        self, tmp_path: Path, s3_endpoint: str, s3_bucket: str
    ) -> None:
        url = f"s3://{s3_bucket}/media"
        one = S3MediaStore(url, tmp_path / "one", endpoint_url=s3_endpoint)
        two = S3MediaStore(url, tmp_path / "two", endpoint_url=s3_endpoint)
        try:
            big = os.urandom(PART_BYTES + 1234)  # a multipart upload
            blob = await one.put(chunks(big[:PART_BYTES // 2], big[PART_BYTES // 2:]))
            small = await one.put_bytes(b"a short voice note")
            assert await two.exists(blob.content_hash)
            local = await two.local_path(blob.path)  # one's path: only the hash counts
            assert local == tmp_path / "two" / blob.content_hash[:2] / blob.content_hash
            assert _read(local) == big
            assert _read(await two.local_path(small.content_hash)) == b"a short voice note"
            assert list((tmp_path / "two" / "tmp").iterdir()) == []
            assert await two.prune_cache(older_than_s=-1) == 2
            assert _read(await two.local_path(small.content_hash)) == b"a short voice note"
            await one.delete(blob.content_hash)
            with pytest.raises(FileNotFoundError):
                await two.local_path(blob.content_hash + "")  # gone from the bucket
        finally:
            await one.close()
            await two.close()

    async def test_the_bucket_holds_blobs_under_the_prefix(
        self, tmp_path: Path, s3_endpoint: str, s3_bucket: str
    ) -> None:
        store = S3MediaStore(f"s3://{s3_bucket}/tenant/media/", tmp_path, s3_endpoint)
        try:
            blob = await store.put_bytes(b"x")
            listed = await (await store._s3()).list_objects_v2(Bucket=s3_bucket)
            assert [o["Key"] for o in listed["Contents"]] == [
                f"tenant/media/{blob.content_hash[:2]}/{blob.content_hash}"]
        finally:
            await store.close()

    @pytest.mark.parametrize("url", ["s3://", "/data/media", "s3:///prefix", "s3://b/p?x=1",
                                     "gs://bucket/p"])
    def test_a_bad_media_url_is_refused_plainly(self, url: str) -> None:
        with pytest.raises(ValueError, match="MEDIA_URL"):
            parse_media_url(url)


class _Recording:
    """A stand-in engine behind our own Transcriber port: says which file it was given."""

    def __init__(self) -> None:
        self.read: list[bytes] = []

    def load(self) -> object:
        return self

    def is_language_supported(self, language: str) -> bool:
        return True

    def transcribe(self, path: Path, language: str | None) -> Transcript:
        self.read.append(path.read_bytes())
        return Transcript("ok", (), language or "en", "stub", 1.0, 0.0)


async def test_the_transcriber_reads_an_answer_another_machine_stored(
    tmp_path: Path, s3_endpoint: str, s3_bucket: str
) -> None:
    url = f"s3://{s3_bucket}"
    web = S3MediaStore(url, tmp_path / "web", endpoint_url=s3_endpoint)
    worker_store = S3MediaStore(url, tmp_path / "worker", endpoint_url=s3_endpoint)
    engine = _Recording()
    transcriber = StoredMediaTranscriber(engine, worker_store, asyncio.get_running_loop())
    try:
        blob = await web.put_file(FIXTURE)
        result = await asyncio.to_thread(transcriber.transcribe, Path(blob.path), "en")
        assert result.text == "ok" and engine.read == [_read(FIXTURE)]
        await web.delete(blob.content_hash)
        await worker_store.prune_cache(older_than_s=-1)
        with pytest.raises(TranscriptionFailed) as failed:
            await asyncio.to_thread(transcriber.transcribe, Path(blob.path), "en")
        assert failed.value.reason is FailureReason.FILE_MISSING
    finally:
        await web.close()
        await worker_store.close()


async def test_the_cache_is_swept_as_it_is_used(
    tmp_path: Path, s3_endpoint: str, s3_bucket: str
) -> None:
    store = S3MediaStore(f"s3://{s3_bucket}", tmp_path, s3_endpoint, cache_max_age_s=0)
    try:
        first = await store.put_bytes(b"first answer")
        second = await store.put_bytes(b"second answer")  # sweeps the first copy
        assert _cached(tmp_path) == [second.content_hash]  # the second put swept the first
        assert _read(await store.local_path(first.path)) == b"first answer"
        assert _cached(tmp_path) == [first.content_hash]  # the download swept the other
    finally:
        await store.close()


async def test_the_store_reading_transcriber_refuses_to_block_the_loop(tmp_path: Path) -> None:
    transcriber = StoredMediaTranscriber(_Recording(), MediaStore(tmp_path),
                                         asyncio.get_running_loop())
    with pytest.raises(RuntimeError, match="worker thread"):
        transcriber.transcribe(tmp_path / "x", None)


async def test_a_missing_bucket_is_one_plain_line(tmp_path: Path, s3_endpoint: str) -> None:
    store = S3MediaStore("s3://no-such-bucket/media", tmp_path, s3_endpoint)
    try:
        with pytest.raises(MediaStoreUnavailable) as failed:
            await store.check()
        with pytest.raises(MediaStoreUnavailable):
            await store.put_bytes(b"an answer")
    finally:
        await store.close()
    assert explain(failed.value, "sqlite://") == (  # what `interview-bot run` prints
        "the media bucket s3://no-such-bucket/media: could not open it (404); "
        "check MEDIA_URL and the AWS credentials")


async def test_a_bucket_outage_retries_the_fetch_and_never_fails_the_answer(
    tmp_path: Path, s3_endpoint: str
) -> None:
    """MediaStoreUnavailable is our side: the outbox retries it (DeliveryFailed); the
    candidate is never told their recording was unavailable."""
    class Channel:  # our own port, as a platform that downloads fine
        capabilities = Capabilities(max_buttons=3, max_text_length=4096, max_button_label=64,
                                    video_notes=True, max_download_bytes=None)

        async def download(self, file_ref: str) -> AsyncIterator[bytes]:
            yield b"a recording"

    emitted: list[object] = []

    async def emit(event: object) -> None:
        emitted.append(event)

    store = S3MediaStore("s3://no-such-bucket", tmp_path, s3_endpoint)
    fetcher = MediaFetcher(db=None, store=store, channels={"telegram": Channel()},  # type: ignore[arg-type,dict-item]
                           emit=emit, clock=lambda: T0)
    to = ConversationRef(platform="telegram", chat_id="1", user_id="1")
    item = OutboxItem(id=1, kind="fetch_media", payload={
        "to": ref_to_dict(to), "part_id": "p1", "file_ref": "f1"},
        conversation_key=None, interview_id="i1", attempts=99, next_attempt_at=T0,
        created_at=T0)
    try:
        with pytest.raises(DeliveryFailed, match="media bucket"):
            await fetcher.fetch(item)
    finally:
        await store.close()
    assert emitted == []  # no MediaFetchFailed, however many attempts were made


async def test_the_transcriber_waits_out_a_short_bucket_outage(tmp_path: Path) -> None:
    class Flaky(MediaStore):  # our own store, failing twice as a bucket outage would
        failures = 2

        async def local_path(self, path_or_hash: str) -> Path:
            if self.failures:
                self.failures -= 1
                raise MediaStoreUnavailable("the media bucket s3://b: could not fetch")
            return await super().local_path(path_or_hash)

    store = Flaky(tmp_path)
    blob = await store.put_bytes(b"a recording")
    engine = _Recording()
    transcriber = StoredMediaTranscriber(engine, store, asyncio.get_running_loop(),
                                         retry_delays=(0.0, 0.0))
    await asyncio.to_thread(transcriber.transcribe, Path(blob.path), "en")
    assert engine.read == [b"a recording"] and store.failures == 0
    store.failures = 3  # longer than the retries: the failure shows
    with pytest.raises(MediaStoreUnavailable):
        await asyncio.to_thread(transcriber.transcribe, Path(blob.path), "en")
