"""What a typed line means: a numbered choice, a file to send, a command or a text answer.

Pure: the file system is only looked at by the channel. Order matters: a number is a choice
(or a stale one, never a text part); `@path` and anything that looks like a path is a file,
before commands, because an absolute path also starts with "/".
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from conversations.events import MediaKind

Buttons = tuple[tuple[str, str], ...]

# The kinds a person may name with `--as` (audio files are sent as voice).
AS_KINDS = {k.value: k for k in (MediaKind.VIDEO_NOTE, MediaKind.VOICE, MediaKind.VIDEO,
                                 MediaKind.DOCUMENT)}
MEDIA_SUFFIXES = frozenset({
    ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".wav", ".aac", ".flac", ".amr",
    ".mp4", ".mov", ".webm", ".mkv", ".m4v", ".3gp",
})
DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".odt", ".rtf"})
_MAX_PATH = 4096  # longer lines are text answers; the OS would refuse them as names anyway


@dataclass(frozen=True, slots=True)
class Choice:
    payload: str


@dataclass(frozen=True, slots=True)
class NoSuchChoice:
    number: int


@dataclass(frozen=True, slots=True)
class FileAnswer:
    path: Path
    kind: MediaKind | None  # asked for with --as; None: decided by looking at the file


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line the shell answers itself; nothing reaches the interview."""

    why: str


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    args: str


@dataclass(frozen=True, slots=True)
class Text:
    text: str


Typed = Choice | NoSuchChoice | FileAnswer | BadLine | Command | Text


def read_line(line: str, choices: Buttons) -> Typed | None:
    """What one typed line means (None for an empty line)."""
    stripped = line.strip()
    if not stripped:
        return None
    number = stripped.removeprefix("[").removesuffix("]")
    if number.isdigit():
        index = int(number) - 1
        if 0 <= index < len(choices):
            return Choice(choices[index][1])
        return NoSuchChoice(int(number))
    if stripped.startswith("@"):
        return _file(stripped[1:])
    if _looks_like_path(stripped):
        return _file(stripped)
    if stripped.startswith("/"):
        name, _, args = stripped[1:].partition(" ")
        return Command(name.lower(), args.strip())
    return Text(line)


def _looks_like_path(text: str) -> bool:
    """A path typed or dropped into the terminal, even one that does not exist. A path with
    spaces must be quoted or escaped (terminals do that when a file is dropped), or sent
    with @."""
    if len(text) > _MAX_PATH or "\n" in text:
        return False
    words = _words(text)
    if words[-2:-1] == ["--as"]:
        words = words[:-2]
    if len(words) != 1:
        return False
    word = words[0]
    if word.startswith(("./", "../", "~/")) or (word.startswith("/") and "/" in word[1:]):
        return True
    return Path(word).suffix.lower() in MEDIA_SUFFIXES | DOCUMENT_SUFFIXES


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: take the line as it is
        return text.split()


def _file(rest: str) -> FileAnswer | BadLine:
    words = _words(rest.strip())
    kind: MediaKind | None = None
    if len(words) >= 2 and words[-2] == "--as":
        name = words[-1].lower().replace("-", "_")
        if name not in AS_KINDS:
            return BadLine(f"--as takes {', '.join(AS_KINDS)}; nothing was sent.")
        kind, words = AS_KINDS[name], words[:-2]
    if not words:
        return BadLine("Type @ and then the file's path, e.g. @~/answer.ogg")
    return FileAnswer(Path(" ".join(words)).expanduser(), kind)
