"""A transcriber that reads answers through the media store.

With a shared store (`MEDIA_URL=s3://…`) the answer may have been stored by another machine:
its path names a blob, not a local file. This wrapper asks the store for a local copy (the
S3 store downloads it into this machine's cache) before the wrapped engine opens it. The
engine runs in a worker thread, so the download is handed to the event loop that owns the
store's client, and the thread waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bot.transcription.errors import FailureReason, TranscriptionFailed
from bot.transcription.port import Transcriber, Transcript
from storage.blobs import MediaStore, MediaStoreUnavailable

log = logging.getLogger(__name__)
FETCH_TIMEOUT_S = 600.0  # a long recording over a slow link; the engine waits anyway


@dataclass
class StoredMediaTranscriber:
    inner: Transcriber
    store: MediaStore
    loop: asyncio.AbstractEventLoop  # the loop that owns the store's client
    # A bucket that does not answer is waited for a while before the transcript is given up.
    retry_delays: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0)

    def load(self) -> object:
        return self.inner.load()

    def is_language_supported(self, language: str) -> bool:
        return self.inner.is_language_supported(language)

    def transcribe(self, path: Path, language: str | None) -> Transcript:
        """Blocking; called from a worker thread, never from the loop itself."""
        if _running_loop() is self.loop:  # waiting here would wait for ourselves forever
            raise RuntimeError("StoredMediaTranscriber.transcribe blocks: call it from a "
                               "worker thread, not from the event loop")
        for delay in (*self.retry_delays, None):
            try:
                local = self._fetch(path)
            except FileNotFoundError as exc:
                raise TranscriptionFailed(FailureReason.FILE_MISSING, str(exc)) from exc
            except MediaStoreUnavailable as exc:
                if delay is None:
                    raise
                log.warning("%s; trying again in %.0f s", exc, delay)
                time.sleep(delay)  # a worker thread waiting for the bucket, not the loop
            else:
                return self.inner.transcribe(local, language)
        raise AssertionError("unreachable")

    def _fetch(self, path: Path) -> Path:
        fetching = asyncio.run_coroutine_threadsafe(self.store.local_path(str(path)), self.loop)
        return fetching.result(FETCH_TIMEOUT_S)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
