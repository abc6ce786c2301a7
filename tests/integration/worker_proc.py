"""A process that runs only the transcription worker on a database, until it is killed.

    python tests/integration/worker_proc.py sqlite+aiosqlite:////tmp/x/bot.db

Used by the crash/restart test: it is SIGKILLed in the middle of a transcription.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from bot.runtime.effects import EffectWriter
from bot.runtime.handler import Runtime
from bot.runtime.metrics import Metrics
from bot.transcription.whisper import WhisperTranscriber
from bot.transcription.worker import TranscriptionWorker
from storage.db import Database


async def main(database_url: str) -> None:
    db = Database.from_url(database_url)
    metrics = Metrics()
    holder: list[TranscriptionWorker] = []
    runtime = Runtime(
        db=db, writer=EffectWriter(render=Catalogs().render, clock=system_clock),
        clock=system_clock, metrics=metrics,
        after_commit=lambda after: holder[0].on_commit(after),
    )
    worker = TranscriptionWorker(
        db=db, transcriber=WhisperTranscriber(workers=1), emit=runtime.handle,
        clock=system_clock, metrics=metrics, workers=1,
    )
    holder.append(worker)
    await worker.start()
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main(sys.argv[1]))
