"""On a channel without video notes (WhatsApp) a question that takes video notes takes a video
instead, and the engine, given that kit, accepts a video and asks for "a video"."""

from __future__ import annotations

from dataclasses import replace

from adapters.whatsapp.render import CAPABILITIES
from bot.runtime.kits import without_video_notes
from config.kit import AnswerFormat, Question
from conversations.engine import decide
from conversations.events import MediaKind
from conversations.state import Phase
from tests.unit.engine_script import KIT, T0, make_state, media, render_all, text

F = AnswerFormat
NOTES_ONLY = replace(KIT, questions=(
    Question(id="q1", text="Say hello on camera.", formats=(F.VIDEO_NOTE,)),
    Question(id="q2", text="And again.", formats=(F.VIDEO_NOTE, F.VOICE, F.VIDEO)),
    Question(id="q3", text="In writing.", formats=(F.TEXT,)),
))


def test_video_notes_become_videos_once_each_other_formats_kept() -> None:
    kit = without_video_notes(NOTES_ONLY)
    assert [q.formats for q in kit.questions] == [(F.VIDEO,), (F.VIDEO, F.VOICE), (F.TEXT,)]
    assert kit.questions[0].text == NOTES_ONLY.questions[0].text
    assert not CAPABILITIES.video_notes  # what makes the runtime use it for WhatsApp


def test_a_video_is_accepted_and_a_refusal_asks_for_a_video() -> None:
    kit = without_video_notes(NOTES_ONLY)
    answering = make_state(Phase.ANSWERING, answer_ends_at=T0.replace(hour=23))
    refused = render_all(decide(answering, text("Can I type?"), T0, kit))
    assert any("a video" in m.text and "video note" not in m.text for m in refused), refused
    accepted = decide(answering, media(MediaKind.VIDEO), T0, kit)
    assert accepted.state is not None and len(accepted.state.parts) == 1
