"""The terminal channel's pure parts: what a typed line means, what kind a file is sent as."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.shell.channel import Notice, ShellChannel
from adapters.shell.lines import (
    BadLine,
    Choice,
    Command,
    FileAnswer,
    NoSuchChoice,
    Text,
    Typed,
    read_line,
)
from adapters.shell.media import Recording, Refused, media_kind
from conversations.events import ButtonPressed, ConversationRef, MediaKind
from conversations.messages import RenderedMessage

CHOICES = (("Keep", "v1:kp:i:1"), ("Retake", "v1:rt:i:1"))


@pytest.mark.parametrize(("line", "meaning"), [
    ("", None),
    ("   ", None),
    ("2", Choice("v1:rt:i:1")),
    (" [1] ", Choice("v1:kp:i:1")),
    ("3", NoSuchChoice(3)),
    ("/status", Command("status", "")),
    ("/Withdraw now", Command("withdraw", "now")),
    ("x" * 300, Text("x" * 300)),  # once an OSError: File name too long
    ("I/O bound work, mostly.", Text("I/O bound work, mostly.")),
    ("@/tmp/a b.ogg", FileAnswer(Path("/tmp/a b.ogg"), None)),
    ("@'/tmp/a b.ogg' --as voice", FileAnswer(Path("/tmp/a b.ogg"), MediaKind.VOICE)),
    ("/tmp/answer.mp4 --as video-note", FileAnswer(Path("/tmp/answer.mp4"),
                                                    MediaKind.VIDEO_NOTE)),
    ("/home/ada/missing.ogg", FileAnswer(Path("/home/ada/missing.ogg"), None)),
    ("./answer.ogg", FileAnswer(Path("answer.ogg"), None)),
    ("answer.ogg", FileAnswer(Path("answer.ogg"), None)),
    ("/tmp/a\\ b.ogg", FileAnswer(Path("/tmp/a b.ogg"), None)),  # escaped by a drop
    ("@x.ogg --as audio", BadLine("--as takes video_note, voice, video, document; "
                                  "nothing was sent.")),
])
def test_what_a_line_means(line: str, meaning: Typed | None) -> None:
    assert read_line(line, CHOICES) == meaning


def test_a_number_without_choices_on_screen_is_never_text() -> None:
    assert read_line("1", ()) == NoSuchChoice(1)


SQUARE_NOTE = Recording(duration_s=9.9, has_audio=True, has_video=True, width=384, height=384)
WIDE = Recording(duration_s=9.9, has_audio=True, has_video=True, width=1280, height=720)
LONG_SQUARE = Recording(duration_s=75, has_audio=True, has_video=True, width=384, height=384)
VOICE = Recording(duration_s=12, has_audio=True, has_video=False)


@pytest.mark.parametrize(("name", "recording", "asked", "kind"), [
    ("note.mp4", SQUARE_NOTE, None, MediaKind.VIDEO_NOTE),
    ("wide.mp4", WIDE, None, MediaKind.VIDEO),
    ("long.mp4", LONG_SQUARE, None, MediaKind.VIDEO),
    ("voice.ogg", VOICE, None, MediaKind.VOICE),
    ("note.mp4", SQUARE_NOTE, MediaKind.VIDEO, MediaKind.VIDEO),
    ("cv.pdf", None, None, MediaKind.DOCUMENT),
    ("voice.ogg", VOICE, MediaKind.DOCUMENT, MediaKind.DOCUMENT),
])
def test_the_kind_a_file_is_sent_as(
    name: str, recording: Recording | None, asked: MediaKind | None, kind: MediaKind
) -> None:
    assert media_kind(Path(name), recording, asked) is kind


@pytest.mark.parametrize(("name", "recording", "asked", "words"), [
    ("corrupt.ogg", None, None, "could not be played"),  # once a 0-second part
    ("cv.pdf", None, MediaKind.VOICE, "could not be played"),
    ("wide.mp4", WIDE, MediaKind.VIDEO_NOTE, "square video"),
    ("voice.ogg", VOICE, MediaKind.VIDEO, "no picture"),
])
def test_files_that_cannot_be_sent_as_asked(
    name: str, recording: Recording | None, asked: MediaKind | None, words: str
) -> None:
    refused = media_kind(Path(name), recording, asked)
    assert isinstance(refused, Refused) and words in refused.why


async def test_choices_outlive_messages_without_buttons_and_end_with_their_message() -> None:
    out = io.StringIO()
    channel = ShellChannel(probe=lambda _path: None, stdout=out)
    me = ConversationRef("shell", "i1", "ada")
    channel.attach(me)
    countdown = await channel.send(me, RenderedMessage("Take 90 s.", (("Start now", "p"),)))
    await channel.send(me, RenderedMessage("You're on question 1."))  # /status: no buttons
    earlier = ConversationRef("shell", "i0", "ada")  # the interview --new withdraws
    await channel.send(earlier, RenderedMessage("Withdraw?", (("Yes", "other"),)))
    await channel.send(earlier, RenderedMessage("You've withdrawn."))
    pressed = channel.event_for("1")
    assert isinstance(pressed, ButtonPressed) and pressed.payload == "p"
    await channel.edit(me, countdown.message_id, RenderedMessage("Thinking time is over."))
    assert isinstance(channel.event_for("1"), Notice)  # stale, never a text answer
    assert "Thinking time is over" not in out.getvalue()
    assert "Withdraw?" not in out.getvalue()  # the shell answers it, not the person
    assert "(your earlier interview) You've withdrawn." in out.getvalue()
