"""probe_media reads headers only: tracks, duration and a MIME guess, or MediaUndecodable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.transcription import MediaUndecodable, probe_media

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"


@pytest.mark.parametrize(
    ("name", "has_audio", "has_video", "mime", "min_s", "max_s"),
    [
        ("voice.ogg", True, False, "audio/ogg", 8, 12),
        ("video_note.mp4", True, True, "video/mp4", 8, 12.5),
        ("video_note_part2.mp4", True, True, "video/mp4", 3, 10),
        ("video_no_audio.mp4", False, True, "video/mp4", 2, 4),
        ("silence.ogg", True, False, "audio/ogg", 2.5, 3.5),
        ("answer_2min.ogg", True, False, "audio/ogg", 110, 130),
    ],
)
def test_probe_reports_tracks_duration_and_mime(
    name: str, has_audio: bool, has_video: bool, mime: str, min_s: float, max_s: float
) -> None:
    info = probe_media(MEDIA / name)

    assert (info.has_audio, info.has_video, info.mime_guess) == (has_audio, has_video, mime)
    assert info.duration_s is not None
    assert min_s <= info.duration_s <= max_s


def test_garbled_file_is_undecodable() -> None:
    with pytest.raises(MediaUndecodable) as caught:
        probe_media(MEDIA / "corrupt.ogg")

    assert caught.value.reason


def test_text_file_is_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "notes.ogg"
    path.write_text("this is not audio\n" * 50)

    with pytest.raises(MediaUndecodable):
        probe_media(path)


def test_missing_file_is_our_error_not_the_candidates(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        probe_media(tmp_path / "gone.ogg")
