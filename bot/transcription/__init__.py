"""Speech to text for answers: the ``Transcriber`` port, media probing and WER.

``WhisperTranscriber`` lives in ``bot.transcription.whisper`` (imports faster-whisper).
"""

from bot.transcription.errors import FailureReason, MediaUndecodable, TranscriptionFailed
from bot.transcription.joined import joined_transcript
from bot.transcription.languages import warn_unsupported_languages
from bot.transcription.port import Segment, Transcriber, Transcript
from bot.transcription.probe import MediaInfo, probe_media
from bot.transcription.wer import word_error_rate

__all__ = [
    "FailureReason",
    "MediaInfo",
    "MediaUndecodable",
    "Segment",
    "Transcriber",
    "Transcript",
    "TranscriptionFailed",
    "joined_transcript",
    "probe_media",
    "warn_unsupported_languages",
    "word_error_rate",
]
