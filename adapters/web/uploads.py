"""Recordings arrive in numbered chunks while the candidate records (every ~2 s). A chunk
sent twice (a retry after a lost answer) overwrites itself, so nothing is duplicated; an
answer is whole only when every chunk up to the count the browser declares is stored, and
then it is joined and hashed once (SHA-256), before the engine hears of it."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PAGE_KEY = re.compile(r"[0-9a-f]{32}")  # adapters/web/channel.page_key
RECORDING_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_CHUNK_BYTES = 4 * 1024 * 1024
MAX_CHUNKS = 2000  # ~66 minutes at one chunk per 2 s: far above any answer window
MAX_RECORDING_BYTES = 300 * 1024 * 1024
MAX_OPEN_RECORDINGS = 20  # per page: recordings started and not yet joined


class UploadRefused(ValueError):
    """The upload cannot be used; carries the catalog id of what to tell the candidate."""


@dataclass(frozen=True, slots=True)
class Joined:
    path: Path
    size_bytes: int
    sha256: str


class Uploads:
    def __init__(self, root: Path) -> None:
        self._root = root

    def _folder(self, token: str, recording: str) -> Path:
        if not RECORDING_ID.fullmatch(recording):
            raise UploadRefused("web.upload.no_id")
        return self._root / token / recording

    async def put(self, token: str, recording: str, seq: int, data: bytes) -> None:
        if not 0 <= seq < MAX_CHUNKS:
            raise UploadRefused("web.upload.too_long")
        if len(data) > MAX_CHUNK_BYTES:
            raise UploadRefused("web.upload.too_large")
        folder = self._folder(token, recording)
        await asyncio.to_thread(_write, folder, seq, data)

    async def join(self, token: str, recording: str, count: int) -> Joined:
        """The whole recording once chunks 0..count-1 are all stored (UploadRefused, naming
        the missing ones, when not yet)."""
        folder = self._folder(token, recording)
        if not 0 < count <= MAX_CHUNKS:
            raise UploadRefused("web.upload.empty")
        return await asyncio.to_thread(_join, folder, count)

    def path_of(self, file_ref: str) -> Path:
        """The joined file a `MediaReceived.file_ref` names (always inside our folder)."""
        path = (self._root / file_ref).resolve()
        if self._root.resolve() not in path.parents:
            raise UploadRefused("web.upload.no_id")
        return path

    async def held(self, page: str) -> dict[str, list[Path]]:
        """The joined recordings still kept for a page, by SHA-256 (with their sidecars)."""
        folder = self._root / page
        if not folder.is_dir():
            return {}
        return await asyncio.to_thread(_held, folder)

    async def forget(self, paths: list[Path]) -> None:
        await asyncio.to_thread(_forget, paths)

    async def erase_page(self, page: str) -> None:
        """Everything kept for a page (its folder); `page` is a page key, nothing else."""
        if PAGE_KEY.fullmatch(page):
            await asyncio.to_thread(shutil.rmtree, self._root / page, True)

    def ref_of(self, path: Path) -> str:
        return str(path.relative_to(self._root))


def _write(folder: Path, seq: int, data: bytes) -> None:
    if not folder.exists():
        page = folder.parent
        started = sum(1 for p in page.iterdir() if p.is_dir()) if page.exists() else 0
        if started >= MAX_OPEN_RECORDINGS:  # a page cannot fill the disk with beginnings
            raise UploadRefused("web.upload.too_many")
    _private_folder(folder)
    part = folder / f"{seq:06d}.part"
    temp = folder / f"{seq:06d}.tmp"
    with _private_file(temp) as out:
        out.write(data)
    temp.replace(part)  # a chunk is either wholly there or not at all


def _join(folder: Path, count: int) -> Joined:
    joined = folder.with_suffix(".rec")
    if joined.exists():  # the browser asked again (its first answer was lost): same file
        return Joined(joined, joined.stat().st_size, _sha256(joined))
    missing = [n for n in range(count) if not (folder / f"{n:06d}.part").exists()]
    if missing:
        raise UploadRefused("web.upload.missing")
    digest, size = hashlib.sha256(), 0
    temp = folder.with_suffix(".joining")
    with _private_file(temp) as out:
        for n in range(count):
            data = (folder / f"{n:06d}.part").read_bytes()
            size += len(data)
            if size > MAX_RECORDING_BYTES:
                raise UploadRefused("web.upload.too_large")
            digest.update(data)
            out.write(data)
    temp.replace(joined)
    with _private_file(folder.with_suffix(".sha256")) as out:  # for `held`
        out.write(digest.hexdigest().encode())
    shutil.rmtree(folder, ignore_errors=True)  # the chunks live on in the joined file
    return Joined(joined, size, digest.hexdigest())


def _held(page_folder: Path) -> dict[str, list[Path]]:
    held: dict[str, list[Path]] = {}
    for sidecar in page_folder.glob("*.sha256"):
        held.setdefault(sidecar.read_text().strip(), []).extend(
            [sidecar.with_suffix(".rec"), sidecar])
    return held


def _forget(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


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
