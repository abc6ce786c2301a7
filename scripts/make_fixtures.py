"""Generate the media fixtures in ``tests/fixtures/media/``.

Speech comes from espeak-ng (``apt-get install espeak-ng``); encoding uses PyAV's bundled
FFmpeg (libopus, libx264, aac), never the ffmpeg CLI. Only this script needs espeak-ng: the
generated files are committed, so tests run without it.

    python scripts/make_fixtures.py [--out tests/fixtures/media]

Each speech fixture gets a ``.txt`` twin with the reference text used to compute WER.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import wave
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "media"

VOICE = "en-us"
WORDS_PER_MINUTE = 140
SENTENCE_GAP_S = 0.3
OUT_RATE = 48_000
SIDE = 384  # Telegram video notes are square
FPS = 15

# Plain, common words and no digits: numbers and names are where Whisper and the reference
# text disagree on spelling, not on what was said.
VOICE_SENTENCES = (
    "Hello, my name is Anna.",
    "I am a software engineer and I have done this work for many years.",
    "I enjoy solving hard problems with a friendly team.",
)
VIDEO_NOTE_SENTENCES = (
    "Thank you for the question.",
    "In my last job I was the leader of a small team.",
    "We built a mobile app for a food delivery company.",
)
VIDEO_NOTE_PART2_SENTENCES = (
    "After we launched the app, we kept improving it every week.",
    "Our users were very happy with the results.",
)
ANSWER_SENTENCES = (
    "I would like to tell you about a project that I am very proud of.",
    "A few years ago our company had a slow and old system for customer orders.",
    "Many people had to wait a long time, and the support team was always busy.",
    "I offered to lead a small group of developers to build a new system.",
    "First we talked to the people who used the old system every day.",
    "We wrote down the problems they had and the things they wanted to change.",
    "Then we made a simple plan and shared it with the whole company.",
    "We worked in short steps and showed our progress at the end of each week.",
    "When something went wrong, we talked about it openly and fixed it quickly.",
    "The hardest part was moving the old data into the new system without losing anything.",
    "We tested every part carefully and asked real users to try it before the launch.",
    "After the launch, orders were handled much faster than before.",
    "The support team had more time to help customers with real questions.",
    "I learned that good communication is just as important as good code.",
    "I also learned to ask for help early instead of waiting until it is too late.",
    "Today I use the same approach with every new team that I join.",
    "I believe this experience would help me do well in this role.",
    "Thank you for listening to my answer.",
)
ANSWER_TARGET_S = 120.0


def speak(sentences: Sequence[str]) -> tuple[np.ndarray, int]:
    """Synthesize sentences with espeak-ng; return mono int16 PCM and its sample rate."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("espeak-ng not found: apt-get install -y espeak-ng")
    chunks: list[np.ndarray] = []
    rate = 0
    for sentence in sentences:
        wav = subprocess.run(
            [espeak, "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "--stdout", sentence],
            check=True,
            capture_output=True,
        ).stdout
        with wave.open(io.BytesIO(wav)) as reader:
            rate = reader.getframerate()
            # espeak-ng streams to stdout with a placeholder length; read what is there.
            pcm = np.frombuffer(reader.readframes(reader.getnframes() or 1 << 30), "<i2")
        chunks += [pcm, np.zeros(int(rate * SENTENCE_GAP_S), dtype=np.int16)]
    return np.concatenate(chunks), rate


def _audio_frame(pcm: np.ndarray, rate: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    frame.pts = 0
    frame.time_base = Fraction(1, rate)
    return frame


def _encode_audio(
    stream: av.AudioStream, pcm: np.ndarray, rate: int
) -> list[av.Packet[av.AudioStream]]:
    # The codec context resamples to its own format/rate and re-chunks to its frame size.
    return [*stream.encode(_audio_frame(pcm, rate)), *stream.encode(None)]


def write_opus(path: Path, pcm: np.ndarray, rate: int, bit_rate: int = 24_000) -> None:
    with av.open(str(path), "w", format="ogg", options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("libopus", rate=OUT_RATE, layout="mono")
        stream.bit_rate = bit_rate
        out.mux(_encode_audio(stream, pcm, rate))


def _video_frames(duration_s: float, hue: int) -> list[av.VideoFrame]:
    """Solid background with a square gliding across it; cheap to encode."""
    count = max(1, round(duration_s * FPS))
    background = np.array([hue, 90, 255 - hue], dtype=np.uint8)
    frames = []
    for i in range(count):
        image = np.empty((SIDE, SIDE, 3), dtype=np.uint8)
        image[:] = background
        x = int((SIDE - 96) * i / max(1, count - 1))
        image[144:240, x : x + 96] = (250, 250, 250)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = i
        frames.append(frame)
    return frames


def write_mp4(path: Path, pcm: np.ndarray | None, rate: int, duration_s: float, hue: int) -> None:
    """Square H.264 (+ AAC when ``pcm`` is given) MP4, like a Telegram video note."""
    with av.open(
        str(path), "w", format="mp4", options={"movflags": "+faststart", "fflags": "+bitexact"}
    ) as out:
        video = out.add_stream(
            "libx264", rate=FPS, options={"crf": "35", "preset": "veryfast", "threads": "1"}
        )
        video.width = video.height = SIDE
        video.pix_fmt = "yuv420p"
        audio = None
        if pcm is not None:
            audio = out.add_stream("aac", rate=OUT_RATE, layout="mono")
            audio.bit_rate = 48_000
        for frame in _video_frames(duration_s, hue):
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None and pcm is not None:
            out.mux(_encode_audio(audio, pcm, rate))


def write_text(path: Path, sentences: Sequence[str]) -> None:
    path.write_text(" ".join(sentences) + "\n", encoding="utf-8")


def write_speech_fixtures(out: Path) -> None:
    pcm, rate = speak(VOICE_SENTENCES)
    write_opus(out / "voice.ogg", pcm, rate)
    write_text(out / "voice.txt", VOICE_SENTENCES)

    for name, sentences, hue in (
        ("video_note", VIDEO_NOTE_SENTENCES, 40),
        ("video_note_part2", VIDEO_NOTE_PART2_SENTENCES, 200),
    ):
        pcm, rate = speak(sentences)
        write_mp4(out / f"{name}.mp4", pcm, rate, len(pcm) / rate, hue)
        write_text(out / f"{name}.txt", sentences)

    # ~2 minutes: the answer sentences, repeated from the top until the target is reached.
    said: list[str] = []
    parts: list[np.ndarray] = []
    seconds = 0.0
    while seconds < ANSWER_TARGET_S:
        sentence = ANSWER_SENTENCES[len(said) % len(ANSWER_SENTENCES)]
        pcm, rate = speak([sentence])
        said.append(sentence)
        parts.append(pcm)
        seconds += len(pcm) / rate
    write_opus(out / "answer_2min.ogg", np.concatenate(parts), rate, bit_rate=16_000)
    write_text(out / "answer_2min.txt", said)


def write_edge_fixtures(out: Path) -> None:
    write_mp4(out / "video_no_audio.mp4", None, OUT_RATE, 3.0, 120)
    write_opus(out / "silence.ogg", np.zeros(OUT_RATE * 3, dtype=np.int16), OUT_RATE)
    # An Ogg capture pattern followed by deterministic garbage: looks like Ogg, decodes to nothing.
    garbage = bytes((i * 151 + 7) % 251 for i in range(4096))
    (out / "corrupt.ogg").write_bytes(b"OggS" + garbage)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_speech_fixtures(out)
    write_edge_fixtures(out)
    for path in sorted(out.iterdir()):
        print(f"{path.name:24} {path.stat().st_size:>9,} bytes")


if __name__ == "__main__":
    main()
