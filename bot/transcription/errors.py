"""Transcription failures, as values the service can show and count."""

from __future__ import annotations

from enum import StrEnum


class FailureReason(StrEnum):
    """Why a file produced no transcript. The values are stable: stored and shown."""

    NO_AUDIO_TRACK = "no audio track"
    UNDECODABLE = "could not decode the file"
    NO_SPEECH = "no speech detected"
    FILE_MISSING = "file missing"  # the stored answer file is gone (erased, lost): our side
    ENGINE_ERROR = "transcription error"  # the engine itself failed: a bug, see the logs


class TranscriptionFailed(Exception):
    """The file was read but gave no transcript; ``reason`` says why, ``detail`` is for logs."""

    def __init__(self, reason: FailureReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail


class MediaUndecodable(Exception):
    """PyAV could not open the file as media (garbled, truncated, not media at all)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
