"""Speech to text for answers: the ``Transcriber`` port, media probing and WER.

``WhisperTranscriber`` lives in ``bot.transcription.whisper`` (imports faster-whisper).
"""

from bot.transcription.errors import FailureReason, MediaUndecodable, TranscriptionFailed
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
    "probe_media",
    "word_error_rate",
]
