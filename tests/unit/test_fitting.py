"""Messages fitted to a platform's capabilities: long texts split without losing a word,
buttons beyond the limit listed as numbered replies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conversations.fitting import CHOOSE, fit, split_text
from conversations.messages import RenderedMessage

BUTTONS = (("Keep", "k"), ("Retake", "r"), ("Withdraw", "w"))


def test_buttons_within_the_limit_stay_buttons() -> None:
    [only] = fit(RenderedMessage("Keep it?", BUTTONS), max_buttons=3, max_text=100)
    assert only == RenderedMessage("Keep it?", BUTTONS)


def test_buttons_beyond_the_limit_become_numbered_replies() -> None:
    [only] = fit(RenderedMessage("Keep it?", BUTTONS, status_slot="s"), max_buttons=2,
                 max_text=200)
    assert only.buttons == () and only.choices == BUTTONS and only.status_slot == "s"
    assert only.text == f"Keep it?\n\n{CHOOSE}\n1. Keep\n2. Retake\n3. Withdraw"


def test_a_long_text_goes_as_several_messages_buttons_on_the_last() -> None:
    text = "First paragraph. " * 20 + "\n\n" + "Second one. " * 20
    parts = fit(RenderedMessage(text, BUTTONS[:1]), max_buttons=3, max_text=400)
    assert len(parts) == 2 and all(len(p.text) <= 400 for p in parts)
    assert parts[0].buttons == () and parts[1].buttons == BUTTONS[:1]
    assert parts[1].text.startswith("Second one.")


def test_a_message_with_buttons_is_split_to_the_lower_limit_for_buttons() -> None:
    text = "A sentence of the consent. " * 60  # ~1,600 characters
    parts = fit(RenderedMessage(text, BUTTONS[:2]), max_buttons=3, max_text=4096,
                max_text_with_buttons=1024)
    assert len(parts) == 2 and len(parts[-1].text) <= 1024
    assert parts[0].buttons == () and parts[-1].buttons == BUTTONS[:2]
    assert " ".join(p.text for p in parts).split() == text.split()
    [plain] = fit(RenderedMessage(text), max_buttons=3, max_text=4096,
                  max_text_with_buttons=1024)
    assert plain.text == text  # without buttons the plain limit applies


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=20, max_value=500))
def test_splitting_never_loses_or_exceeds(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    assert "".join("".join(c.split()) for c in chunks) == "".join(text.split())
