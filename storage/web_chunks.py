"""The candidate page's recording chunks, kept in the database (`adapters/web/uploads.py`
reads them through its `ChunkStore` port): every replica behind a load balancer sees the
chunks any other one received, and joins them the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import WebChunkRow, WebRecordingRow


@dataclass(frozen=True, slots=True)
class JoinedRecording:
    chunks: int
    size_bytes: int
    sha256: str


class WebChunks:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, page: str, recording: str, seq: int, data: bytes) -> None:
        """Keeps a chunk; the same chunk sent again replaces itself (a retried upload)."""
        insert: Any = pg_insert if self._db.engine.dialect.name == "postgresql" else sqlite_insert
        now = self._db.clock()
        statement = insert(WebChunkRow).values(
            page_key=page, recording=recording, seq=seq, data=data, received_at=now,
        ).on_conflict_do_update(index_elements=["page_key", "recording", "seq"],
                                set_={"data": data, "received_at": now})
        async with self._db.unit_of_work() as uow:
            await uow.session.execute(statement)
            await uow.commit()

    async def open_recordings(self, page: str) -> set[str]:
        """Recordings of a page with chunks in and not yet joined."""
        async with self._db.unit_of_work(read_only=True) as uow:
            joined = select(WebRecordingRow.recording).where(WebRecordingRow.page_key == page)
            found = await uow.session.scalars(
                select(WebChunkRow.recording).distinct()
                .where(WebChunkRow.page_key == page, WebChunkRow.recording.not_in(joined)))
            return set(found)

    async def sizes(self, page: str, recording: str) -> dict[int, int]:
        """Bytes of each chunk that is in, by sequence number."""
        async with self._db.unit_of_work(read_only=True) as uow:
            rows = await uow.session.execute(
                select(WebChunkRow.seq, func.length(WebChunkRow.data))
                .where(WebChunkRow.page_key == page, WebChunkRow.recording == recording))
            return {seq: size for seq, size in rows}

    async def read(self, page: str, recording: str, first: int, last: int) -> list[bytes]:
        """Chunks `first..last` (inclusive) in order."""
        async with self._db.unit_of_work(read_only=True) as uow:
            found = await uow.session.scalars(
                select(WebChunkRow.data)
                .where(WebChunkRow.page_key == page, WebChunkRow.recording == recording,
                       WebChunkRow.seq >= first, WebChunkRow.seq <= last)
                .order_by(WebChunkRow.seq))
            return list(found)

    async def joined(self, page: str, recording: str) -> JoinedRecording | None:
        async with self._db.unit_of_work(read_only=True) as uow:
            row = await uow.session.get(WebRecordingRow, (page, recording))
            return None if row is None else JoinedRecording(row.chunks, row.size_bytes,
                                                            row.sha256)

    async def mark_joined(self, page: str, recording: str, chunks: int, size_bytes: int,
                          sha256: str) -> None:
        """Once per recording: two replicas finishing it at once keep the first mark."""
        async with self._db.unit_of_work() as uow:
            uow.session.add(WebRecordingRow(
                page_key=page, recording=recording, chunks=chunks, size_bytes=size_bytes,
                sha256=sha256, joined_at=self._db.clock()))
            try:
                await uow.commit()
            except IntegrityError:
                await uow.rollback()

    async def held(self, page: str) -> dict[str, list[str]]:
        """The page's joined recordings still kept, by SHA-256."""
        async with self._db.unit_of_work(read_only=True) as uow:
            rows = await uow.session.execute(
                select(WebRecordingRow.sha256, WebRecordingRow.recording)
                .where(WebRecordingRow.page_key == page))
            held: dict[str, list[str]] = {}
            for sha256, recording in rows:
                held.setdefault(sha256, []).append(recording)
            return held

    async def forget(self, page: str, recordings: list[str]) -> None:
        async with self._db.unit_of_work() as uow:
            for table in (WebChunkRow, WebRecordingRow):
                await uow.session.execute(
                    delete(table).where(table.page_key == page,
                                        table.recording.in_(recordings))
                    .execution_options(synchronize_session=False))
            await uow.commit()
