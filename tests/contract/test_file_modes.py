"""Files and folders holding candidates' data are private (issue 16, item 8): the SQLite
database and its -wal/-shm 0600, media folders 0700 and media files 0600."""

from __future__ import annotations

import stat
from pathlib import Path

from storage.blobs import MediaStore
from storage.db import Database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.db"
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await db.migrate()
        async with db.unit_of_work() as uow:
            await uow.events.record("e1")
            await uow.commit()
        files = [path, path.with_name("bot.db-wal"), path.with_name("bot.db-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(_mode(f)) for f in files} == {f.name: "0o600" for f in files}
        assert _mode(path.parent) == 0o700
    finally:
        await db.dispose()


async def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    await db.dispose()
    assert _mode(path) == 0o600


async def test_media_folders_are_0700_and_files_0600(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "data" / "media")
    blob = await store.put_bytes(b"an answer")
    stored = Path(blob.path)
    assert _mode(stored) == 0o600
    folders = [stored.parent, store.root, store.root / "tmp", store.root.parent]
    assert {str(f): oct(_mode(f)) for f in folders} == {str(f): "0o700" for f in folders}
