"""Recordings arrive in numbered chunks while the candidate records (every ~2 s). Chunks are
kept in the database (the `ChunkStore` port, `storage/web_chunks.py`), so behind a load
balancer the chunks of one recording may reach different replicas. A chunk sent twice (a
retry after a lost answer) replaces itself, so nothing is duplicated; an answer is whole only
when every chunk up to the count the browser declares is in, and then it is joined and hashed
(SHA-256) before the engine hears of it. The joined bytes are read back from the chunks
(`stream`) by whichever process fetches the answer; a private scratch file exists only while
the finishing request probes the recording."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

PAGE_KEY = re.compile(r"[0-9a-f]{32}")  # adapters/web/channel.page_key
RECORDING_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_CHUNK_BYTES = 4 * 1024 * 1024
MAX_CHUNKS = 2000  # ~66 minutes at one chunk per 2 s: far above any answer window
MAX_RECORDING_BYTES = 300 * 1024 * 1024
MAX_OPEN_RECORDINGS = 20  # per page: recordings started and not yet joined
BATCH = 8  # chunks read from the database at a time (at most 32 MiB)


class UploadRefused(ValueError):
    """The upload cannot be used; carries the catalog id of what to tell the candidate."""


class Whole(Protocol):
    @property
    def chunks(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def sha256(self) -> str: ...


class ChunkStore(Protocol):
    async def put(self, page: str, recording: str, seq: int, data: bytes) -> None: ...
    async def open_recordings(self, page: str) -> set[str]: ...
    async def sizes(self, page: str, recording: str) -> dict[int, int]: ...
    async def read(self, page: str, recording: str, first: int, last: int) -> list[bytes]: ...
    async def joined(self, page: str, recording: str) -> Whole | None: ...
    async def mark_joined(self, page: str, recording: str, chunks: int, size_bytes: int,
                          sha256: str) -> None: ...
    async def held(self, page: str) -> dict[str, list[str]]: ...
    async def forget(self, page: str, recordings: list[str]) -> None: ...


@dataclass(frozen=True, slots=True)
class Joined:
    path: Path  # the private scratch copy, gone when the `join` block ends
    ref: str  # the `MediaReceived.file_ref`: "<page key>/<recording id>"
    size_bytes: int
    sha256: str


class Uploads:
    def __init__(self, chunks: ChunkStore, scratch: Path) -> None:
        self._chunks = chunks
        self._scratch = scratch

    async def put(self, page: str, recording: str, seq: int, data: bytes) -> None:
        _check(page, recording)
        if not 0 <= seq < MAX_CHUNKS:
            raise UploadRefused("web.upload.too_long")
        if len(data) > MAX_CHUNK_BYTES:
            raise UploadRefused("web.upload.too_large")
        if await self._chunks.joined(page, recording) is not None:
            return  # a late resend of a recording already whole: it stays as it was
        started = await self._chunks.open_recordings(page)
        if recording not in started and len(started) >= MAX_OPEN_RECORDINGS:
            raise UploadRefused("web.upload.too_many")  # no disk filled with beginnings
        await self._chunks.put(page, recording, seq, data)

    @asynccontextmanager
    async def join(self, page: str, recording: str, count: int) -> AsyncIterator[Joined]:
        """The whole recording once chunks 0..count-1 are all in (UploadRefused when not
        yet): hashed, marked whole, and copied to a private scratch file for the block."""
        _check(page, recording)
        if not 0 < count <= MAX_CHUNKS:
            raise UploadRefused("web.upload.empty")
        before = await self._chunks.joined(page, recording)
        count = before.chunks if before is not None else count  # a finish asked again
        sizes = await self._chunks.sizes(page, recording)
        if any(n not in sizes for n in range(count)):
            raise UploadRefused("web.upload.missing")
        if sum(sizes[n] for n in range(count)) > MAX_RECORDING_BYTES:
            raise UploadRefused("web.upload.too_large")
        path = await asyncio.to_thread(_scratch_file, self._scratch)
        try:
            digest, size = await self._copy(page, recording, count, path)
            if before is None:
                await self._chunks.mark_joined(page, recording, count, size, digest)
            yield Joined(path, f"{page}/{recording}", size, digest)
        finally:
            path.unlink(missing_ok=True)

    async def _copy(self, page: str, recording: str, count: int, path: Path
                    ) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with _private_file(path) as out:
            async for data in self._pieces(page, recording, count):
                digest.update(data)
                size += len(data)
                await asyncio.to_thread(out.write, data)
        return digest.hexdigest(), size

    async def _pieces(self, page: str, recording: str, count: int) -> AsyncIterator[bytes]:
        for first in range(0, count, BATCH):
            for data in await self._chunks.read(page, recording, first,
                                                min(count, first + BATCH) - 1):
                yield data

    async def stream(self, file_ref: str) -> AsyncIterator[bytes]:
        """The bytes of a joined recording (`Joined.ref`), from any replica."""
        page, _, recording = file_ref.partition("/")
        _check(page, recording)
        whole = await self._chunks.joined(page, recording)
        if whole is None:
            raise UploadRefused("web.upload.missing")
        async for data in self._pieces(page, recording, whole.chunks):
            yield data

    async def held(self, page: str) -> dict[str, list[str]]:
        """The joined recordings still kept for a page, by SHA-256."""
        return await self._chunks.held(page)

    async def forget(self, page: str, recordings: list[str]) -> None:
        await self._chunks.forget(page, recordings)


def _check(page: str, recording: str) -> None:
    if not PAGE_KEY.fullmatch(page) or not RECORDING_ID.fullmatch(recording):
        raise UploadRefused("web.upload.no_id")


def _scratch_file(folder: Path) -> Path:
    _private_folder(folder)
    path = folder / f"{uuid.uuid4().hex}.joining"
    _private_file(path).close()
    return path


# Documents are recognised by their first bytes, never by the name the browser gives.
_DOCUMENT_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),  # .docx, .odt, .pages: zip containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),  # .doc (OLE)
)


def document_type(path: Path) -> str | None:
    """The MIME type of a document we accept (PDF, Word, OpenDocument, plain UTF-8 text),
    None for anything else."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    for magic, mime in _DOCUMENT_MAGIC:
        if head.startswith(magic):
            return mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the 4 KiB boundary
            return None
    return "text/plain" if head and b"\x00" not in head else None


def _private_folder(folder: Path) -> None:
    """Recordings are personal data, kept like the media store's: folders 0700, files 0600
    (mkdir's mode is masked by the umask, hence the chmod)."""
    for missing in reversed([p for p in (folder, *folder.parents) if not p.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)
        missing.chmod(0o700)


def _private_file(path: Path) -> BinaryIO:
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
