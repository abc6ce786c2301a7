from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.blobs import MediaStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "voice.ogg"


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for p in parts:
        yield p


def _read(path: str | Path) -> bytes:
    return Path(path).read_bytes()


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


class TestMediaStore:
    async def test_put_is_content_addressed(self, tmp_path: Path) -> None:
        store = MediaStore(tmp_path / "media")
        blob = await store.put(chunks(b"hello ", b"", b"world"))
        digest = hashlib.sha256(b"hello world").hexdigest()
        assert blob.content_hash == digest and blob.size_bytes == 11
        assert Path(blob.path) == tmp_path / "media" / digest[:2] / digest
        assert _read(blob.path) == b"hello world"
        again = await store.put(chunks(b"hello world"))
        assert again == blob
        assert list((tmp_path / "media" / "tmp").iterdir()) == []
        assert await store.exists(digest)
        assert await store.delete(digest) is True
        assert await store.delete(digest) is False
        assert store.path_for(digest) == Path(blob.path)

    async def test_put_file_and_delete_path(self, tmp_path: Path) -> None:
        store = MediaStore(tmp_path)
        blob = await store.put_file(FIXTURE)
        assert _read(blob.path) == _read(FIXTURE)
        assert blob.size_bytes == FIXTURE.stat().st_size
        with pytest.raises(ValueError):
            await store.delete_path("/etc/passwd")
        assert await store.delete_path(blob.path) is True

    async def test_failed_stream_leaves_nothing(self, tmp_path: Path) -> None:
        async def broken() -> AsyncIterator[bytes]:
            yield b"partial"
            raise ConnectionError("download cut")

        store = MediaStore(tmp_path)
        with pytest.raises(ConnectionError):
            await store.put(broken())
        assert _files(tmp_path) == []

    def test_path_for_rejects_non_hashes(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError):
            MediaStore(tmp_path).path_for("../../etc/passwd")
