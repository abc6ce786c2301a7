"""The ``Transcriber`` port: what the runtime needs from a speech-to-text engine.

Implementations are synchronous and blocking; the runtime calls them from a bounded worker
pool and turns the result into a ``TranscriptReady`` event (house rule 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Segment:
    start: float  # seconds from the start of the audio
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    segments: tuple[Segment, ...]
    language: str  # the language the text is in ("en"), detected or as requested
    model_name: str  # "tiny.en", "small", or the model directory's name
    audio_seconds: float
    processing_seconds: float  # probe + decode + inference, wall clock

    @property
    def real_time_factor(self) -> float:
        return self.processing_seconds / self.audio_seconds if self.audio_seconds else 0.0


class Transcriber(Protocol):
    def load(self) -> object:
        """Get ready (load the model); blocking, idempotent, thread-safe. Called once on start
        so that the first answer does not pay for it and a broken model fails loudly."""
        ...

    def transcribe(self, path: Path, language: str | None) -> Transcript:
        """Transcribe a local media file; blocking. ``language`` "auto"/None means detect.

        Raises ``TranscriptionFailed`` when the file gives no transcript.
        """
        ...

    def is_language_supported(self, language: str) -> bool:
        """Whether the model can transcribe ``language``; checked at start-up to warn."""
        ...
