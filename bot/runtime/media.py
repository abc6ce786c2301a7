"""Fetching answer media into the blob store before the answer counts as received."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.base import Channel, EventSink
from adapters.errors import DeliveryFailed, MediaTooLarge, MediaUnavailable
from bot.runtime.clock import Clock
from bot.runtime.effects import ref_from_dict
from conversations.events import MediaFetchFailed, MediaStored
from storage.blobs import MediaStore, MediaStoreUnavailable
from storage.db import Database
from storage.records import OutboxItem

log = logging.getLogger(__name__)
DurationProbe = Callable[[Path], float | None]  # a stored file's duration; blocking


async def capped(chunks: AsyncIterator[bytes], limit: int | None) -> AsyncIterator[bytes]:
    """The stream, stopped with MediaTooLarge as soon as it passes `limit` bytes: a declared
    size is only a claim, and the blob store must never hold more than the platform allows."""
    received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if limit is not None and received > limit:
                raise MediaTooLarge(f"more than {limit} bytes; download stopped")
            yield chunk
    finally:
        if isinstance(chunks, AsyncGenerator):  # release the connection at once
            await chunks.aclose()


@dataclass
class MediaFetcher:
    db: Database
    store: MediaStore
    channels: dict[str, Channel]
    emit: EventSink
    clock: Clock
    max_attempts: int = 5
    # Measures media from channels whose messages carry no duration (`media_durations`).
    probe_duration: DurationProbe | None = None

    async def fetch(self, item: OutboxItem) -> str | None:
        payload = item.payload
        to = ref_from_dict(payload["to"])
        part_id = str(payload["part_id"])
        channel = self.channels.get(to.platform)
        try:
            if channel is None:
                raise MediaUnavailable(f"platform {to.platform} is not enabled")
            limit = channel.capabilities.max_download_bytes
            blob = await self.store.put(capped(channel.download(str(payload["file_ref"])), limit))
        except MediaTooLarge as exc:
            await self._failed(item, "too_large", str(exc))
            return None
        except MediaStoreUnavailable as exc:  # our side: retried, never the candidate's fault
            raise DeliveryFailed(str(exc)) from exc
        except (MediaUnavailable, DeliveryFailed) as exc:
            if item.attempts + 1 < self.max_attempts:
                raise DeliveryFailed(f"download failed: {exc}") from exc
            await self._failed(item, "unavailable", str(exc))
            return None
        duration = await self._duration(channel, Path(blob.path))
        async with self.db.unit_of_work() as uow:
            await uow.answers.mark_part_stored(
                part_id, blob.content_hash, str(blob.path), blob.size_bytes, duration,
                payload.get("mime"),
            )
            await uow.commit()
        await self.emit(
            MediaStored(
                event_id=f"stored:{part_id}",
                occurred_at=self.clock(),
                conversation=to,
                part_id=part_id,
                content_hash=blob.content_hash,
                path=str(blob.path),
                size_bytes=blob.size_bytes,
                duration_s=duration,
            )
        )
        return blob.content_hash

    async def _duration(self, channel: Channel | None, path: Path) -> float | None:
        """None where the platform said it (the engine keeps that) or it cannot be read (the
        transcriber reports an undecodable file to the reviewers)."""
        if self.probe_duration is None or channel is None or \
                channel.capabilities.media_durations:
            return None
        try:
            return await asyncio.to_thread(self.probe_duration, path)
        except Exception as exc:  # a probe failure must not lose a received answer
            log.info("media duration unknown for %s: %s", path.name, type(exc).__name__)
            return None

    async def _failed(self, item: OutboxItem, reason: str, detail: str) -> None:
        payload = item.payload
        log.warning(
            "media fetch failed part=%s interview=%s: %s (%s)",
            payload["part_id"], item.interview_id, reason, detail,
        )
        await self.emit(
            MediaFetchFailed(
                event_id=f"fetchfail:{payload['part_id']}",
                occurred_at=self.clock(),
                conversation=ref_from_dict(payload["to"]),
                part_id=str(payload["part_id"]),
                reason=reason,
            )
        )
