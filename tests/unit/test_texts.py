"""The message catalog: every text id the engine can emit exists, every placeholder is
supplied, and rendering follows the documented rules."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from bot.runtime.catalogs import load_catalog
from conversations.context import Ctx
from conversations.errors import MissingParam, UnknownTextId
from conversations.formatting import human_duration, utc_stamp
from conversations.messages import Button, msg
from conversations.prompts import final_message, hint_message, status_message, step_prompt
from conversations.state import Phase
from conversations.texts import Catalog, placeholders
from tests.unit.engine_script import KIT, T0, make_state, part, started

ROOT = Path(__file__).resolve().parents[2] / "conversations"
CATALOG = load_catalog("en")
# Calls whose first string argument is a text id, and where the id sits in the call.
TEXT_CALLS = {"msg": 0, "deadline_msg": 2, "button": 1}
# Placeholders filled in by the caller rather than by keyword arguments.
IMPLICIT = {"msg": {"verbatim"}, "deadline_msg": {"deadline", "time_left"}, "button": set()}


def _calls() -> list[tuple[str, str, set[str] | None]]:
    """(function, text id, keyword names or None when **kwargs hide them) for every call."""
    found: list[tuple[str, str, set[str] | None]] = []
    for path in ROOT.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            where = TEXT_CALLS.get(node.func.id)
            if where is None or len(node.args) <= where:
                continue
            arg = node.args[where]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names = {k.arg for k in node.keywords if k.arg is not None}
                hidden = any(k.arg is None for k in node.keywords)
                found.append((node.func.id, arg.value, None if hidden else names))
    return found


def _dict_text_ids() -> set[str]:
    """Text ids kept in module-level `_*_TEXTS` dicts (status, hint, final messages)."""
    ids: set[str] = set()
    for path in ROOT.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                    and any(isinstance(t, ast.Name) and t.id.endswith("_TEXTS")
                            for t in node.targets)):
                ids |= {v.value for v in node.value.values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return ids


def test_scan_finds_the_engine_texts() -> None:
    ids = {text_id for _, text_id, _ in _calls()}
    assert {"consent.ask", "answer.too_long", "button.keep", "submitted"} <= ids
    assert {"status.answering", "hint.preparing", "final.submitted"} <= _dict_text_ids()


def test_every_emitted_text_id_is_in_the_catalog() -> None:
    ids = {text_id for _, text_id, _ in _calls()} | _dict_text_ids()
    assert ids - CATALOG.ids == set()


@pytest.mark.parametrize(("func", "text_id", "names"),
                         [c for c in _calls() if c[2] is not None],
                         ids=[f"{c[0]}:{c[1]}" for c in _calls() if c[2] is not None])
def test_every_placeholder_is_supplied(func: str, text_id: str, names: set[str]) -> None:
    needed = placeholders(CATALOG.text(text_id)) - IMPLICIT[func]
    assert needed <= names, f"{text_id} needs {needed - names}"


@pytest.mark.parametrize("phase", list(Phase))
def test_phase_messages_render(phase: Phase) -> None:
    state = make_state(phase, parts=(part(1),), submitted_at=T0)
    for index in (-1, 0, 2):
        ctx = Ctx(state=replace(state, question_index=index), event=started(), now=T0, kit=KIT)
        messages = [status_message(ctx, ctx.state), hint_message(ctx, ctx.state)]
        if ctx.state.is_final or phase is Phase.INVITED:
            messages.append(final_message(ctx, ctx.state))
        else:
            messages.append(step_prompt(ctx, ctx.state))
        for message in messages:
            assert CATALOG.render(message).text


def test_every_format_has_a_name() -> None:
    from config.kit import AnswerFormat

    for fmt in AnswerFormat:
        assert CATALOG.text(f"format.{fmt.value}")


def test_load_falls_back_to_english() -> None:
    assert load_catalog("de-DE").language == "en"
    assert load_catalog("en-GB").language == "en"


def test_verbatim_goes_where_the_sentence_says_or_in_front() -> None:
    catalog = Catalog(language="en", texts={"a": "Q: {verbatim}!", "b": "Agree?", "c": ""})
    assert catalog.render(msg("a", verbatim="Why?")).text == "Q: Why?!"
    assert catalog.render(msg("b", verbatim="We record.")).text == "We record.\n\nAgree?"
    assert catalog.render(msg("c", verbatim="Only me")).text == "Only me"


def test_render_formats_and_buttons() -> None:
    three = CATALOG.render(msg("answer.format_refused", formats="voice,video_note,text"))
    assert "a voice message, a video note or text" in three.text
    message = msg("answer.format_refused", formats="voice,text",
                  buttons=(Button("button.keep", "v1:kp:x:0.0"),))
    rendered = CATALOG.render(message)
    assert "a voice message or text" in rendered.text
    assert rendered.buttons == (("Keep", "v1:kp:x:0.0"),)


def test_missing_text_and_param_fail_loudly() -> None:
    with pytest.raises(UnknownTextId):
        CATALOG.render(msg("no.such.text"))
    with pytest.raises(MissingParam):
        CATALOG.render(msg("answer.too_long", total="3 min"))


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (45, "45 s"), (60, "1 min"), (90, "1 min 30 s"), (120, "2 min"),
    (3600, "1 h"), (3725, "1 h 2 min"), (72 * 3600, "3 d"), (90000, "1 d 1 h"), (59.6, "1 min"),
])
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_utc_stamp() -> None:
    assert utc_stamp(T0) == "2026-11-22 18:00 UTC"
    assert utc_stamp(None) == ""


def test_every_text_id_literal_is_in_the_catalog() -> None:
    """Broad net: any "a.b"-shaped string literal in the engine must be a catalog entry."""
    import re

    shape = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
    literals: set[str] = set()
    for path in ROOT.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and shape.match(node.value) and not node.value.endswith(".po")):
                literals.add(node.value)
    assert literals - CATALOG.ids == set()


def _question_texts(prep_seconds: int) -> list[str]:
    """The instructions, practice and question texts of a kit whose every prep time is
    `prep_seconds`."""
    from conversations.prompts import instructions_message, question_message

    assert KIT.practice is not None
    kit = replace(KIT, practice=replace(KIT.practice, prep_seconds=prep_seconds),
                  questions=tuple(replace(q, prep_seconds=prep_seconds) for q in KIT.questions))
    texts = []
    for index in (-1, 0):
        state = make_state(Phase.PRESENTED, question_index=index)
        ctx = Ctx(state=state, event=started(), now=T0, kit=kit)
        texts.append(CATALOG.render(question_message(ctx, state)).text)
    state = make_state(Phase.INSTRUCTIONS)
    ctx = Ctx(state=state, event=started(), now=T0, kit=kit)
    texts.append(CATALOG.render(instructions_message(ctx, state)).text)
    return texts


def test_no_thinking_time_is_not_announced_as_zero_seconds() -> None:
    practice, question, instructions = _question_texts(0)
    for text in (practice, question, instructions):
        assert "0 s" not in text and "to think" not in text
    assert "1 min to answer" in practice and "2 min to answer" in question
    assert "up to 5 min to answer" in instructions
    assert all("30 s to think" in text for text in _question_texts(30))


def test_texts_name_the_buttons_as_they_are_labelled() -> None:
    """"Press Ready" under a button that says "I'm ready" sends people looking for it."""
    ready = CATALOG.text("button.ready")
    for text_id in ("practice.show", "question.show", "question.show_no_prep",
                    "practice.show_no_prep", "status.presented", "hint.presented"):
        text = CATALOG.text(text_id)
        assert f"\u201c{ready}\u201d" in text, text_id
        assert "press Ready" not in text.replace("Press", "press"), text_id
