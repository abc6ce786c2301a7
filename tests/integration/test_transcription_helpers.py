"""The helpers around the worker: the joined answer transcript and the start-up warning."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.transcription import joined_transcript, warn_unsupported_languages
from bot.transcription.whisper import WhisperTranscriber
from storage.records import PartRecord, TranscriptRecord, TranscriptStatus

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def part(part_id: str, seq: int, kind: str = "voice", text: str | None = None) -> PartRecord:
    return PartRecord(part_id=part_id, seq=seq, kind=kind, duration_s=5.0, size_bytes=1,
                      mime=None, content_hash=None, path=None, text=text)


def transcript(part_id: str, status: TranscriptStatus, text: str | None = None,
               reason: str | None = None) -> TranscriptRecord:
    return TranscriptRecord(part_id=part_id, interview_id="iv", status=status, text=text,
                            segments=[], language="en", model="tiny.en", audio_seconds=5.0,
                            processing_seconds=0.5, failure_reason=reason, created_at=T0,
                            updated_at=T0)


def test_parts_are_joined_in_seq_order_with_failures_and_pending_parts_marked() -> None:
    parts = [part("iv-3", 2), part("iv-1", 0), part("iv-2", 1, kind="text", text="typed "),
             part("iv-4", 3), part("iv-5", 4)]
    transcripts = {
        "iv-1": transcript("iv-1", TranscriptStatus.DONE, " Hello there."),
        "iv-3": transcript("iv-3", TranscriptStatus.FAILED, reason="no speech detected"),
        "iv-4": transcript("iv-4", TranscriptStatus.PENDING),
        "iv-5": transcript("iv-5", TranscriptStatus.DONE, "Bye."),
    }

    joined = joined_transcript(parts, transcripts)

    assert joined == "Hello there. typed [no speech detected] [transcribing…] Bye."


def test_english_only_model_warns_about_each_other_kit_language(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.transcription")

    unsupported = warn_unsupported_languages(WhisperTranscriber(), ["en", "ru", "de", "ru"])

    assert unsupported == ["de", "ru"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "'de'" in warnings[0] and "tiny.en" in warnings[0]
    assert "'ru'" in warnings[1]


def test_no_warning_when_the_model_covers_every_kit_language(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.transcription")

    assert warn_unsupported_languages(WhisperTranscriber(), ["en", "en-US"]) == []
    assert warn_unsupported_languages(WhisperTranscriber("small"), ["ru", "auto"]) == []
    assert not caplog.records
