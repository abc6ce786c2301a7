"""The candidate page's recording chunks in the database (SQLite and PostgreSQL): a resent
chunk replaces itself, a recording is marked whole once even when two replicas finish it at
the same moment, and forgetting a recording leaves the rest alone (erasure: the interviews
repository, tests/integration/test_web_erasure.py)."""

from __future__ import annotations

import asyncio

from storage.db import Database
from storage.web_chunks import WebChunks

PAGE, OTHER = "a" * 32, "b" * 32


async def test_chunks_replace_themselves_and_read_in_order(db: Database) -> None:
    chunks = WebChunks(db)
    await chunks.put(PAGE, "rec-one-1", 1, b"world")
    await chunks.put(PAGE, "rec-one-1", 0, b"hello ")
    await chunks.put(PAGE, "rec-one-1", 1, b"World")  # a retry after a lost answer
    await chunks.put(OTHER, "rec-two-2", 0, b"theirs")
    assert await chunks.sizes(PAGE, "rec-one-1") == {0: 6, 1: 5}
    assert await chunks.read(PAGE, "rec-one-1", 0, 1) == [b"hello ", b"World"]
    assert await chunks.open_recordings(PAGE) == {"rec-one-1"}


async def test_a_recording_is_whole_once_and_goes_with_its_page(db: Database) -> None:
    chunks = WebChunks(db)
    await chunks.put(PAGE, "rec-one-1", 0, b"x")
    await chunks.put(PAGE, "rec-open-2", 0, b"y")
    await chunks.put(OTHER, "rec-two-2", 0, b"z")
    await asyncio.gather(*(chunks.mark_joined(PAGE, "rec-one-1", 1, 1, "f" * 64)
                           for _ in range(3)))  # replicas finishing it at once
    whole = await chunks.joined(PAGE, "rec-one-1")
    assert whole is not None and (whole.chunks, whole.sha256) == (1, "f" * 64)
    assert await chunks.open_recordings(PAGE) == {"rec-open-2"}
    assert await chunks.held(PAGE) == {"f" * 64: ["rec-one-1"]}
    await chunks.forget(PAGE, ["rec-one-1"])
    assert await chunks.held(PAGE) == {} and await chunks.sizes(PAGE, "rec-one-1") == {}
    assert await chunks.open_recordings(PAGE) == {"rec-open-2"}
    assert await chunks.open_recordings(OTHER) == {"rec-two-2"}
