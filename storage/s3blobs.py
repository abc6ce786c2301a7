"""Content-addressed media store in an S3-compatible bucket (`MEDIA_URL=s3://bucket/prefix`).

The same interface as the folder store (`storage/blobs.py`), which it extends: the folder
(`MEDIA_DIR`) becomes this machine's cache. A put streams into the cache (hashing as it goes),
then uploads the file under `<prefix>/<sha256[:2]>/<sha256>` (one request up to 8 MiB,
multipart above, so memory stays bounded); the same content stored twice is one object
(uploaded again rather than asked about first: one request fewer per answer, and no need for
the ListBucket permission that a HEAD on a missing key requires).
Readers that need a file (the transcriber, review uploads) ask `local_path`, which downloads
a blob another machine stored into the cache, checking its hash on the way.

Credentials, region and endpoint come from the standard AWS sources (`AWS_ACCESS_KEY_ID`,
`AWS_REGION`, `AWS_ENDPOINT_URL`, profiles …); `MEDIA_S3_ENDPOINT_URL` overrides the endpoint
(MinIO, Ceph, a test server), and then path-style addressing is used.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from storage.blobs import (
    MediaStore,
    MediaStoreUnavailable,
    StoredBlob,
    _move_into_place,
    private_dir,
)

log = logging.getLogger(__name__)
PART_BYTES = 8 * 1024 * 1024  # S3 wants >= 5 MiB per part but the last
_MISSING = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True, slots=True)
class BucketPlace:
    bucket: str
    prefix: str  # without leading or trailing slashes; may be empty

    def key_for(self, content_hash: str) -> str:
        tail = f"{content_hash[:2]}/{content_hash}"
        return f"{self.prefix}/{tail}" if self.prefix else tail


def parse_media_url(url: str) -> BucketPlace:
    """`s3://bucket/prefix` -> BucketPlace; ValueError with a plain reason otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"MEDIA_URL must look like s3://bucket/prefix, not {url!r}")
    if parts.query or parts.fragment:
        raise ValueError("MEDIA_URL takes no query or fragment: s3://bucket/prefix")
    return BucketPlace(bucket=parts.netloc, prefix=parts.path.strip("/"))


class S3MediaStore(MediaStore):
    def __init__(self, url: str, cache_dir: Path, endpoint_url: str | None = None,
                 cache_max_age_s: float | None = None) -> None:
        super().__init__(cache_dir)
        self.place = parse_media_url(url)
        self.endpoint_url = endpoint_url
        self.cache_max_age_s = cache_max_age_s  # None: cached copies stay
        self._pruned_at = time.monotonic()
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self._opening = asyncio.Lock()

    async def _s3(self) -> Any:
        """One client per store, opened on first use (nothing is built at import time)."""
        async with self._opening:
            if self._client is None:
                config = AioConfig(s3={"addressing_style": "path"}) if self.endpoint_url \
                    else None
                stack = AsyncExitStack()
                self._client = await stack.enter_async_context(get_session().create_client(
                    "s3", endpoint_url=self.endpoint_url, config=config))
                self._stack = stack
            return self._client

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._client = None, None

    async def put(self, chunks: AsyncIterator[bytes]) -> StoredBlob:
        await self._prune_now_and_then()  # before: the new copy is never swept at once
        blob = await super().put(chunks)
        await asyncio.to_thread(os.utime, blob.path)  # the same content again: fresh too
        await self._upload(blob)  # same key, same bytes: uploading twice is harmless
        return blob

    async def check(self) -> None:
        s3 = await self._s3()
        with self._plainly("open it"):
            await s3.head_bucket(Bucket=self.place.bucket)

    async def exists(self, content_hash: str) -> bool:
        s3 = await self._s3()
        with self._plainly("look up a recording"):
            try:
                await s3.head_object(Bucket=self.place.bucket, Key=self._key(content_hash))
            except ClientError as exc:
                if _code(exc) in _MISSING:
                    return False
                raise
        return True

    async def delete(self, content_hash: str) -> bool:
        """Remove the object and this machine's cached copy; True if the object existed.
        (Other machines' cached copies age out with `prune_cache`.)"""
        existed = await self.exists(content_hash)
        s3 = await self._s3()
        with self._plainly("delete a recording"):
            await s3.delete_object(Bucket=self.place.bucket, Key=self._key(content_hash))
        await asyncio.to_thread(self.path_for(content_hash).unlink, missing_ok=True)
        return existed

    async def local_path(self, path_or_hash: str) -> Path:
        target = await super().local_path(path_or_hash)
        try:
            await asyncio.to_thread(os.utime, target)  # in use: not swept soon
        except FileNotFoundError:
            await self._prune_now_and_then()
            await self._download(target.name, target)
        return target

    async def prune_cache(self, older_than_s: float) -> int:
        """Delete cached copies not modified for `older_than_s` seconds (the bucket keeps
        them); returns how many went. Bounds the cache's size and how long erased answers
        linger on machines other than the one that erased them."""
        return await asyncio.to_thread(_prune, self.root, time.time() - older_than_s)

    async def _prune_now_and_then(self) -> None:
        """The cache is swept as it grows (at most hourly, or each max age if shorter):
        no timer of its own, and nothing to do on a machine that stores nothing."""
        age = self.cache_max_age_s
        if age is None or time.monotonic() - self._pruned_at < min(age, 3600.0):
            return
        self._pruned_at = time.monotonic()
        gone = await self.prune_cache(age)
        if gone:
            log.info("media cache: %d copies older than %.0f s removed", gone, age)

    @contextmanager
    def _plainly(self, what: str) -> Iterator[None]:
        """Bucket failures as MediaStoreUnavailable, in words an operator can act on."""
        where = f"s3://{self.place.bucket}/{self.place.prefix}".rstrip("/")
        try:
            yield
        except ClientError as exc:
            raise MediaStoreUnavailable(
                f"the media bucket {where}: could not {what} ({_code(exc) or 'error'}); "
                f"check MEDIA_URL and the AWS credentials") from exc
        except BotoCoreError as exc:
            raise MediaStoreUnavailable(
                f"cannot reach the media bucket {where} ({type(exc).__name__}); check "
                f"MEDIA_URL and MEDIA_S3_ENDPOINT_URL") from exc

    def _key(self, content_hash: str) -> str:
        self.path_for(content_hash)  # validates the hash
        return self.place.key_for(content_hash)

    async def _upload(self, blob: StoredBlob) -> None:
        with self._plainly("store a recording"):
            await self._upload_file(blob)

    async def _upload_file(self, blob: StoredBlob) -> None:
        s3 = await self._s3()
        key, bucket = self._key(blob.content_hash), self.place.bucket
        if blob.size_bytes <= PART_BYTES:
            body = await asyncio.to_thread(Path(blob.path).read_bytes)
            await s3.put_object(Bucket=bucket, Key=key, Body=body)
            return
        started = await s3.create_multipart_upload(Bucket=bucket, Key=key)
        upload_id = started["UploadId"]
        try:
            parts = await self._upload_parts(s3, key, upload_id, Path(blob.path))
            await s3.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
        except BaseException:
            await s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
            raise

    async def _upload_parts(
        self, s3: Any, key: str, upload_id: str, path: Path
    ) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = []
        fh = await asyncio.to_thread(open, path, "rb")
        try:
            while chunk := await asyncio.to_thread(fh.read, PART_BYTES):
                number = len(parts) + 1
                sent = await s3.upload_part(Bucket=self.place.bucket, Key=key,
                                            UploadId=upload_id, PartNumber=number, Body=chunk)
                parts.append({"ETag": sent["ETag"], "PartNumber": number})
        finally:
            await asyncio.to_thread(fh.close)
        return parts

    async def _download(self, content_hash: str, target: Path) -> None:
        """Stream the object into the cache; a body whose hash is not its name is refused."""
        s3 = await self._s3()
        with self._plainly("fetch a recording"):
            try:
                got = await s3.get_object(Bucket=self.place.bucket,
                                          Key=self._key(content_hash))
            except ClientError as exc:
                if _code(exc) in _MISSING:
                    raise FileNotFoundError(f"blob {content_hash} is not in the bucket") \
                        from exc
                raise
        tmp_dir = self.root / "tmp"
        await asyncio.to_thread(private_dir, tmp_dir)
        fd, tmp_name = await asyncio.to_thread(tempfile.mkstemp, dir=tmp_dir, suffix=".part")
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as fh:
                async with got["Body"] as body:
                    async for chunk in body.iter_chunks(1024 * 1024):
                        digest.update(chunk)
                        await asyncio.to_thread(fh.write, chunk)
            if digest.hexdigest() != content_hash:
                raise OSError(f"blob {content_hash} came back with other content")
            await asyncio.to_thread(_move_into_place, Path(tmp_name), target)
        except BaseException:
            await asyncio.to_thread(Path(tmp_name).unlink, missing_ok=True)
            raise


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _prune(root: Path, before: float) -> int:
    gone = 0
    for path in root.glob("??/*"):
        if path.is_file() and path.stat().st_mtime < before:
            path.unlink(missing_ok=True)
            gone += 1
    return gone
