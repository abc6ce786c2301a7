"""The Slack DM candidate channel: payloads -> events and messages -> Block Kit (pure), and
the channel against the fake Slack over loopback (sends, edits, downloads with the bearer
token and the size cap, invites opened in a DM)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.errors import MediaTooLarge, MediaUnavailable, RecipientUnavailable
from adapters.ratelimit import RateLimiter
from adapters.slack.dm_channel import SlackDmChannel
from adapters.slack.dm_inbound import is_candidate_message, parse_click, parse_message
from adapters.slack.dm_render import CAPABILITIES, MAX_BUTTONS, render
from adapters.slack.transport import build_client
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    Event,
    MediaKind,
    MediaReceived,
    Started,
    TextReceived,
    UnsupportedReceived,
)
from conversations.messages import RenderedMessage
from tests.fakes.slack import FakeSlack

DM, ANN = "D0000ANN1", "U0ANN0001"


def envelope(**event: Any) -> dict[str, Any]:
    base = {"type": "message", "channel": DM, "channel_type": "im", "user": ANN,
            "ts": "1796000000.000100", "text": ""}
    return {"type": "event_callback", "event_id": "Ev01", "event": {**base, **event}}


def clip(**extra: Any) -> dict[str, Any]:
    return {"id": "F01", "name": "clip.webm", "mimetype": "audio/webm", "size": 1200,
            "subtype": "slack_audio", "duration_ms": 11700, **extra}


def test_text_and_commands_in_a_dm() -> None:
    [text] = parse_message(envelope(text="Hello <there> & you"))
    assert isinstance(text, TextReceived) and text.text == "Hello <there> & you"
    assert text.event_id == "slack:Ev01" and text.conversation.chat_id == DM
    assert text.conversation.user_id == ANN
    [command] = parse_message(envelope(text="!pause now"))
    assert isinstance(command, CommandReceived) and (command.name, command.args) == (
        "pause", "now")


@pytest.mark.parametrize(("file", "kind"), [
    (clip(), MediaKind.VOICE),
    (clip(subtype="slack_video", mimetype="video/mp4"), MediaKind.VIDEO),
    (clip(subtype=None, mimetype="audio/mpeg"), MediaKind.AUDIO),
    (clip(subtype=None, mimetype="video/quicktime"), MediaKind.VIDEO),
    (clip(subtype=None, mimetype="application/pdf"), MediaKind.DOCUMENT),
])
def test_files_are_media_with_their_kind(file: dict[str, Any], kind: MediaKind) -> None:
    [media] = parse_message(envelope(subtype="file_share", files=[file]))
    assert isinstance(media, MediaReceived) and media.kind is kind
    assert (media.file_ref, media.size_bytes, media.mime) == ("F01", 1200, file["mimetype"])
    assert media.event_id == "slack:Ev01:0"


def test_a_message_with_two_files_and_text_loses_nothing() -> None:
    events = parse_message(envelope(subtype="file_share", text="my answer",
                                    files=[clip(), clip(id="F02"), {"mode": "tombstone"}]))
    assert [type(e) for e in events] == [MediaReceived, MediaReceived, UnsupportedReceived,
                                         TextReceived]
    assert len({e.event_id for e in events}) == 4
    first = events[0]
    assert isinstance(first, MediaReceived) and first.duration_s == pytest.approx(11.7)


@pytest.mark.parametrize("event", [
    {"bot_id": "B01"}, {"subtype": "message_changed"}, {"channel_type": "channel"},
    {"user": None},
])
def test_what_is_not_a_candidate_message(event: dict[str, Any]) -> None:
    assert not is_candidate_message(envelope(**event)["event"])
    assert is_candidate_message(envelope()["event"])


def click(action_id: str, value: str) -> dict[str, Any]:
    return {"type": "block_actions", "user": {"id": ANN, "name": "ann"},
            "container": {"type": "message", "channel_id": DM, "message_ts": "17.1"},
            "actions": [{"action_id": action_id, "value": value, "action_ts": "18.2"}]}


def test_clicks_on_candidate_buttons() -> None:
    pressed = parse_click(click("cand_1", "r:abc"))
    assert isinstance(pressed, ButtonPressed) and pressed.payload == "r:abc"
    assert pressed.message_ref == "17.1" and pressed.event_id == "slack:click:D0000ANN1:17.1:18.2"
    opened = parse_click(click("cand_open", "T" * 32))
    assert isinstance(opened, Started) and opened.invite_token == "T" * 32
    assert opened.display_name is None  # the recruiter's name for them stays
    assert parse_click(click("score_open", "x")) is None


def test_render_block_kit() -> None:
    out = render("Ready? <b>", (("I'm ready", "p1"), ("Skip", "p2")))
    section, actions = out["blocks"]
    assert section["text"]["text"] == "Ready? &lt;b&gt;" and out["text"] == "Ready? <b>"
    assert [(b["action_id"], b["value"]) for b in actions["elements"]] == [
        ("cand_0", "p1"), ("cand_1", "p2")]
    assert [b["type"] for b in render("", ())["blocks"]] == ["section"]
    with pytest.raises(ValueError, match="numbers more"):
        render("x", tuple((str(n), str(n)) for n in range(MAX_BUTTONS + 1)))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


def channel_on(fake: FakeSlack) -> SlackDmChannel:
    return SlackDmChannel(build_client(fake.bot_token, fake.api_url), RateLimiter(100, 100))


async def test_send_edit_and_invite_through_the_fake(fake: FakeSlack) -> None:
    channel = channel_on(fake)
    welcome = RenderedMessage("Welcome", buttons=(("Open the interview", "T" * 32),))
    link = await channel.open_invite(ANN, welcome)
    dm = fake._dm_for(ANN)
    assert link == f"https://slack.com/app_redirect?channel={dm}&team={fake.team_id}"
    [shown] = fake.messages(dm)
    assert shown["blocks"][1]["elements"][0]["action_id"] == "cand_open"
    to = parse_message(envelope(channel=dm, text="hi"))[0].conversation
    sent = await channel.send(to, RenderedMessage("Countdown", buttons=(("Start now", "s"),)))
    await channel.edit(to, sent.message_id, RenderedMessage("Time is over"))
    edited = fake.message(dm, sent.message_id) or {}
    assert edited["text"] == "Time is over" and len(edited["blocks"]) == 1
    assert channel.user_id("<@U0ANN0001|ann>") == channel.user_id("@U0ANN0001") == ANN
    assert channel.user_id("Ann Lee") is None
    with pytest.raises(RecipientUnavailable):
        await channel.open_invite("", welcome)


async def test_downloads_use_the_bearer_token_and_the_size_cap(fake: FakeSlack) -> None:
    channel = channel_on(fake)
    file = fake.add_file(b"OggS-clip-bytes", name="clip.ogg", mimetype="audio/ogg", user=ANN)
    assert b"".join([c async for c in channel.download(file.id)]) == b"OggS-clip-bytes"
    [download] = fake.calls("file.download")
    assert download.params["authorized"] is True
    big = fake.add_file(b"x", name="big.mp4", user=ANN)
    big.content, big.length = None, (CAPABILITIES.max_download_bytes or 0) + 1
    with pytest.raises(MediaTooLarge):
        [c async for c in channel.download(big.id)]
    assert len(fake.calls("file.download")) == 1  # refused before any byte was fetched
    with pytest.raises(MediaUnavailable):
        [c async for c in channel.download("F-none")]


async def test_a_failed_handling_is_tried_again_after_the_ack(fake: FakeSlack) -> None:
    """Slack does not redeliver an acked event: the channel retries until the service's
    sink has it (or has set it aside as a dead letter)."""
    channel = SlackDmChannel(build_client(fake.bot_token, fake.api_url), RateLimiter(9, 9),
                             retry_pause_s=0.01)
    seen: list[str] = []

    async def flaky(event: Event) -> None:
        seen.append(event.event_id)
        if len(seen) < 3:
            raise RuntimeError("database busy")

    await channel.start(flaky)
    await channel.receive_message(envelope(text="my answer"))
    assert seen == ["slack:Ev01"] * 3


def test_long_texts_are_split_at_slacks_section_limit() -> None:
    """The runtime fits messages to the channel's Capabilities before rendering."""
    from conversations.fitting import fit

    long = RenderedMessage("word " * 1500, buttons=(("Done", "d"),))
    parts = fit(long, CAPABILITIES.max_buttons, CAPABILITIES.max_text_length)
    assert len(parts) == 3 and parts[-1].buttons == (("Done", "d"),)
    for part in parts:
        section = render(part.text, part.buttons)["blocks"][0]
        assert len(section["text"]["text"]) <= 3000


def test_commands_are_spelled_with_an_exclamation_mark_in_slack() -> None:
    """Slack takes `/pause` typed in a DM as one of its own slash commands and never sends
    it: the texts tell Slack candidates to type `!pause`, which parses as the command."""
    out = render("Take a break with /pause.\n/status: where you are; see a/b", ())
    assert out["text"] == "Take a break with !pause.\n!status: where you are; see a/b"
    [command] = parse_message(envelope(text="!pause"))
    assert isinstance(command, CommandReceived) and command.name == "pause"


def test_an_invite_token_typed_in_the_dm_opens_that_invite() -> None:
    """A link-style invite (the bare token, when no link-making channel is on) works in a
    Slack DM as in WhatsApp: the token alone, or after !start."""
    token = "AbC_-" + "x" * 27
    for typed in (token, f"!start {token}", f" {token} "):
        [opened] = parse_message(envelope(text=typed))
        assert isinstance(opened, Started) and opened.invite_token == token
