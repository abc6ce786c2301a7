"""Content-addressed media store on the local file system.

A blob lives at `<root>/<sha256[:2]>/<sha256>`. Writes go to a temporary file in `<root>/tmp`
and are renamed into place, so a reader never sees a half-written blob and the same content
stored twice is one file. File I/O runs in worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_HASH = re.compile(r"^[0-9a-f]{64}$")
_FILE_CHUNK = 1024 * 1024


class MediaStoreUnavailable(OSError):
    """The store cannot be used right now (a bucket unreachable, credentials refused): the
    message says so plainly, without the underlying error's text."""


@dataclass(frozen=True, slots=True)
class StoredBlob:
    content_hash: str  # sha256, lowercase hex
    path: str  # absolute path of the stored file
    size_bytes: int


class MediaStore:
    """The folder store (the default). `storage/s3blobs.py` keeps the same interface over an
    S3-compatible bucket, with this folder as its local cache."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, content_hash: str) -> Path:
        if not _HASH.match(content_hash):
            raise ValueError(f"not a sha256 hex digest: {content_hash!r}")
        return self.root / content_hash[:2] / content_hash

    async def local_path(self, path_or_hash: str) -> Path:
        """A readable local file for a stored blob, named by its hash or by a path a
        repository returned (which may be another machine's cache path: only its name, the
        hash, counts). The folder store's blobs are local already."""
        return self.path_for(Path(path_or_hash).name)

    async def check(self) -> None:
        """Fail fast at start-up if the store cannot be used (MediaStoreUnavailable). The
        folder is created on first use, so there is nothing to check."""

    async def close(self) -> None:
        """Release connections (the folder store holds none)."""

    async def put(self, chunks: AsyncIterator[bytes]) -> StoredBlob:
        """Stream chunks into the store; returns the hash, final path and size."""
        tmp_dir = self.root / "tmp"
        await asyncio.to_thread(private_dir, tmp_dir)
        fd, tmp_name = await asyncio.to_thread(tempfile.mkstemp, dir=tmp_dir, suffix=".part")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                async for chunk in chunks:
                    if not chunk:
                        continue
                    digest.update(chunk)
                    size += len(chunk)
                    await asyncio.to_thread(fh.write, chunk)
                await asyncio.to_thread(_flush_and_sync, fh)
            content_hash = digest.hexdigest()
            final = self.path_for(content_hash)
            await asyncio.to_thread(_move_into_place, Path(tmp_name), final)
        except BaseException:
            await asyncio.to_thread(Path(tmp_name).unlink, missing_ok=True)
            raise
        return StoredBlob(content_hash=content_hash, path=str(final), size_bytes=size)

    async def put_bytes(self, data: bytes) -> StoredBlob:
        async def one() -> AsyncIterator[bytes]:
            yield data

        return await self.put(one())

    async def put_file(self, path: Path | str) -> StoredBlob:
        """Copy a local file into the store (the source is left in place)."""

        async def read() -> AsyncIterator[bytes]:
            fh = await asyncio.to_thread(open, path, "rb")
            try:
                while chunk := await asyncio.to_thread(fh.read, _FILE_CHUNK):
                    yield chunk
            finally:
                await asyncio.to_thread(fh.close)

        return await self.put(read())

    async def exists(self, content_hash: str) -> bool:
        return await asyncio.to_thread(self.path_for(content_hash).is_file)

    async def delete(self, content_hash: str) -> bool:
        """Remove a blob; True if it existed. Callers check no other part still uses it."""
        target = self.path_for(content_hash)
        try:
            await asyncio.to_thread(target.unlink)
        except FileNotFoundError:
            return False
        return True

    async def delete_path(self, path: str) -> bool:
        """Remove a blob by the path a repository returned (must be inside the store)."""
        name = Path(path).name
        if Path(path) != self.path_for(name):
            raise ValueError(f"not a path of this media store: {path}")
        return await self.delete(name)


def _flush_and_sync(fh: BinaryIO) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def private_dir(path: Path) -> None:
    """Answers are personal data: every folder of the store is 0700 (files are 0600, as
    mkstemp creates them). Parents are created one by one, each with the mode."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is masked by the umask


def _move_into_place(tmp: Path, final: Path) -> None:
    private_dir(final.parent)
    if final.exists():  # same content already stored
        tmp.unlink()
        return
    os.replace(tmp, final)
