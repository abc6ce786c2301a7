"""WhisperTranscriber with the real bundled tiny.en model on the committed fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.transcription import FailureReason, TranscriptionFailed, word_error_rate
from bot.transcription.whisper import WhisperTranscriber

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    # One model for the module: loading it costs more than transcribing a short note.
    whisper = WhisperTranscriber(workers=2)
    whisper.load()
    return whisper


@pytest.mark.parametrize("name", ["voice.ogg", "video_note.mp4", "video_note_part2.mp4"])
def test_speech_is_transcribed_within_ten_percent_wer(
    transcriber: WhisperTranscriber, name: str
) -> None:
    reference = (MEDIA / name).with_suffix(".txt").read_text(encoding="utf-8")

    transcript = transcriber.transcribe(MEDIA / name, "en")

    assert word_error_rate(reference, transcript.text) < 0.10, transcript.text
    assert transcript.language == "en"
    assert transcript.model_name == "tiny.en"
    assert transcript.segments
    assert transcript.text == " ".join(s.text for s in transcript.segments)
    assert 0 <= transcript.segments[0].start < transcript.segments[-1].end
    assert transcript.segments[-1].end <= transcript.audio_seconds + 0.5
    assert 3 < transcript.audio_seconds < 13
    assert transcript.processing_seconds > 0


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("corrupt.ogg", FailureReason.UNDECODABLE),
        ("video_no_audio.mp4", FailureReason.NO_AUDIO_TRACK),
        ("silence.ogg", FailureReason.NO_SPEECH),
    ],
)
def test_files_without_speech_fail_with_a_reason(
    transcriber: WhisperTranscriber, name: str, reason: FailureReason
) -> None:
    with pytest.raises(TranscriptionFailed) as caught:
        transcriber.transcribe(MEDIA / name, "en")

    assert caught.value.reason is reason
    assert caught.value.reason in {
        "no audio track",
        "could not decode the file",
        "no speech detected",
    }


def test_text_file_named_like_audio_is_undecodable(
    transcriber: WhisperTranscriber, tmp_path: Path
) -> None:
    path = tmp_path / "answer.ogg"
    path.write_bytes(b"not audio at all\n" * 100)

    with pytest.raises(TranscriptionFailed) as caught:
        transcriber.transcribe(path, "en")

    assert caught.value.reason is FailureReason.UNDECODABLE


def test_auto_language_on_english_only_model_transcribes_english(
    transcriber: WhisperTranscriber,
) -> None:
    transcript = transcriber.transcribe(MEDIA / "voice.ogg", "auto")

    assert transcript.language == "en"


def test_parallel_calls_share_one_model(transcriber: WhisperTranscriber) -> None:
    with ThreadPoolExecutor(max_workers=transcriber.workers) as pool:
        models = list(pool.map(lambda _: transcriber.load(), range(4)))
        transcripts = list(
            pool.map(lambda n: transcriber.transcribe(MEDIA / n, "en"), ["voice.ogg"] * 2)
        )

    assert all(m is models[0] for m in models)
    assert transcripts[0].text == transcripts[1].text


@pytest.mark.parametrize(
    ("language", "supported"),
    [("en", True), ("en-US", True), ("EN_gb", True), ("ru", False), ("auto", False)],
)
def test_english_only_model_supports_english_only(language: str, supported: bool) -> None:
    assert WhisperTranscriber().is_language_supported(language) is supported


@pytest.mark.parametrize(
    ("language", "supported"),
    [("en", True), ("ru", True), ("pt-BR", True), ("auto", True), ("xx", False)],
)
def test_multilingual_model_supports_whisper_languages(language: str, supported: bool) -> None:
    # A size name is resolved lazily: nothing is downloaded until the first transcription.
    assert WhisperTranscriber("small").is_language_supported(language) is supported


def test_english_only_is_guessed_from_the_name_before_loading() -> None:
    assert WhisperTranscriber("base.en").english_only
    assert not WhisperTranscriber("large-v3").english_only
    assert WhisperTranscriber().english_only  # the bundled tiny.en, from its vocabulary


def test_bundled_model_is_the_default_and_answers_to_its_name() -> None:
    default, by_name = WhisperTranscriber(), WhisperTranscriber("tiny.en")

    assert default.model_source == by_name.model_source
    assert Path(default.model_source).is_dir()
    assert default.model_name == by_name.model_name == "tiny.en"


def test_empty_model_output_is_no_speech() -> None:
    whisper = WhisperTranscriber()

    def transcribe(*_: object, **__: object) -> tuple[Iterator[object], SimpleNamespace]:
        blank = SimpleNamespace(start=0.0, end=1.0, text="  ")
        return iter([blank]), SimpleNamespace(language="en")

    whisper._model = SimpleNamespace(transcribe=transcribe)

    with pytest.raises(TranscriptionFailed) as caught:
        whisper.transcribe(MEDIA / "voice.ogg", "en")

    assert caught.value.reason is FailureReason.NO_SPEECH


@pytest.mark.parametrize(
    ("reference", "hypothesis", "wer"),
    [
        ("Hello, World!", "hello world", 0.0),
        ("I don't know.", "i don’t know", 0.0),
        ("the cat sat", "the cat sat down", 1 / 3),
        ("the cat sat", "the sat", 1 / 3),
        ("the cat sat", "a dog sat", 2 / 3),
        ("", "", 0.0),
        ("", "noise", 1.0),
    ],
)
def test_word_error_rate(reference: str, hypothesis: str, wer: float) -> None:
    assert word_error_rate(reference, hypothesis) == pytest.approx(wer)
