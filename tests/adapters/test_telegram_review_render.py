"""Pure parts of the Telegram review group: button payloads under 64 bytes, the post's
reference, the post split under 4096 characters, blind keyboards and private answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.telegram import review_render as render
from adapters.telegram.review_callbacks import (
    MAX_CALLBACK_BYTES,
    MAX_REF_CHARS,
    PostRef,
    Press,
    PressError,
    ReviewPress,
    is_review_data,
)
from config.kit import DEFAULT_RUBRIC, Question, RubricDimension
from conversations.buttons import Action, ButtonPayload
from conversations.review_views import (
    AggregateView,
    AnswerView,
    DecisionForm,
    DecisionView,
    ErasedView,
    PartView,
    ScoreForm,
    SubmissionView,
)
from conversations.scoring import Progress, aggregate, required_keys

AT = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
IID = "0123456789abcdef"  # interview ids are 16 hex characters
LONGEST_ID = "x" * 32  # the kit schema's longest question / dimension id
Q1 = Question(id="q1", text="Tell us about a project <you> are proud of")
Q2 = Question(id="q2", text="Why this role?")


def submission(answers: tuple[AnswerView, ...] | None = None, **kw: object) -> SubmissionView:
    base: dict[str, object] = dict(
        interview_id=IID, candidate="Ada Lovelace", campaign="Backend screen",
        platform="telegram", time_taken_s=1260, submitted_at=AT, flags=frozenset({"late"}),
        retakes_used=1, questions=(Q1, Q2), rubric=DEFAULT_RUBRIC,
        answers=answers if answers is not None else (
            AnswerView(Q1, 1, (PartView("voice", 61, text="First part."),
                               PartView("video_note", 30, failure="no audio track")),
                       retakes_used=1),
            AnswerView(Q2, 2, (PartView("text", text="Because <I> like it"),)),
        ),
    )
    base.update(kw)
    return SubmissionView(**base)  # type: ignore[arg-type]


# ------------------------------------------------------------------ payloads


@pytest.mark.parametrize("press", [
    ReviewPress(Press.MY_SHEET, IID),
    ReviewPress(Press.SCORE, IID, question=10, dimension=12, value=4),
    ReviewPress(Press.DECIDE, IID, decision="reject"),
    ReviewPress(Press.CONFIRM, IID, decision="hold", user_id="9" * 20),
    ReviewPress(Press.CANCEL, IID, user_id="9" * 20),
])
def test_presses_round_trip_within_64_bytes(press: ReviewPress) -> None:
    packed = press.pack()
    assert len(packed.encode()) <= MAX_CALLBACK_BYTES
    assert is_review_data(packed)
    assert ReviewPress.unpack(packed) == press


def test_the_longest_kit_ids_would_not_fit_which_is_why_presses_carry_positions() -> None:
    by_ids = ":".join(("r1", "s", IID, LONGEST_ID, LONGEST_ID, "4"))
    assert len(by_ids.encode()) > MAX_CALLBACK_BYTES
    by_position = ReviewPress(Press.SCORE, IID, question=10, dimension=10, value=4).pack()
    assert len(by_position.encode()) <= MAX_CALLBACK_BYTES


@pytest.mark.parametrize("raw", [
    "", "r1", "r1:s", "r1:s:" + IID, "r1:s:" + IID + ":1:2", "r1:s:" + IID + ":1:x:3",
    "r1:d:" + IID + ":z", "r1:q:" + IID, "r1:m:" + IID + ":extra", "r2:m:" + IID,
    "r1:y:" + IID + ":a", "r1:n:" + IID + ":",
])
def test_malformed_presses_are_refused(raw: str) -> None:
    with pytest.raises(PressError):
        ReviewPress.unpack(raw)


def test_candidate_buttons_are_not_reviewer_presses() -> None:
    assert not is_review_data(ButtonPayload(Action.KEEP, IID, "q1:0").pack())
    assert not is_review_data(None)


# ------------------------------------------------------------------ post reference


def test_post_ref_round_trips_with_small_distances() -> None:
    ref = PostRef(parts=(812, 813), keyboards=(814, 815, 816))
    assert ref.pack() == "812+1/+1+1+1"
    assert PostRef.unpack(ref.pack()) == ref
    assert (ref.head, ref.footer) == (812, 813)
    assert PostRef.unpack("77") == PostRef(parts=(77,))


def test_post_ref_leaves_out_keyboards_rather_than_exceed_the_column() -> None:
    ref = PostRef(parts=(2_000_000_000, 2_000_000_001),
                  keyboards=tuple(2_000_000_002 + 100_000 * n for n in range(10)))
    packed = ref.pack()
    assert len(packed) <= MAX_REF_CHARS
    back = PostRef.unpack(packed)
    assert back.parts == ref.parts and back.keyboards == ref.keyboards[:len(back.keyboards)]
    assert len(back.keyboards) < 10


# ------------------------------------------------------------------ the post


def test_post_has_facts_answers_progress_id_and_buttons() -> None:
    parts = render.post_parts(submission(), Progress(1, 2))
    assert len(parts) == 1
    text = parts[0]
    for expected in ("Ada Lovelace", "Backend screen", "telegram", "21 min", "late",
                     "retakes used: 1", "“First part.”", "No transcript: no audio track",
                     "part 2, video note", "Because <I> like it", "1 of 2 reviewers done",
                     f"Interview {IID}", "<you>"):
        assert expected in text, expected
    buttons = render.post_buttons(IID, None)
    assert buttons is not None
    labels = [b.text for row in buttons.inline_keyboard for b in row]
    assert labels == ["My scores", "Advance", "Reject", "Hold"]


def test_a_long_post_is_split_deterministically_and_only_the_last_part_changes() -> None:
    words = " ".join(f"word{n}" for n in range(2000))  # ~17,000 characters
    answers = (AnswerView(Q1, 1, (PartView("voice", 1800, text=words),)),
               AnswerView(Q2, 2, (PartView("text", text="short"),)))
    before = render.post_parts(submission(answers), Progress(0, 2))
    decided = DecisionView("reject", "telegram:42", "x" * 2000, AT)
    after = render.post_parts(submission(answers), Progress(2, 2), decided)
    assert len(before) == len(after) > 1
    assert before[:-1] == after[:-1]
    assert all(len(p) <= render.MAX_TEXT for p in before + after)
    assert "word1999" in "".join(before) and "short" in before[-1]
    assert "Rejected by telegram:42" in after[-1] and "0 of 2" in before[-1]


def test_a_huge_post_is_clipped_with_a_pointer_to_the_cli() -> None:
    words = " ".join(f"w{n}" for n in range(20000))
    answers = tuple(AnswerView(Question(id=f"q{n}", text="?"), n,
                               (PartView("voice", 1800, text=words),)) for n in range(1, 4))
    parts = render.post_parts(submission(answers), Progress(0, 2))
    assert len(parts) == render.MAX_PARTS
    assert all(len(p) <= render.MAX_TEXT for p in parts)
    assert f"interview-bot show {IID}" in parts[-1] and "0 of 2" in parts[-1]


def test_a_decided_post_has_no_buttons() -> None:
    assert render.post_buttons(IID, DecisionView("advance", "telegram:1", "", AT)) is None


def test_score_keyboard_is_one_row_per_dimension_and_the_same_for_everyone() -> None:
    markup = render.score_keyboard(IID, 2, DEFAULT_RUBRIC)
    rows = markup.inline_keyboard
    assert [row[0].text for row in rows] == [d.name for d in DEFAULT_RUBRIC]
    assert all([b.text for b in row[1:]] == ["1", "2", "3", "4"] for row in rows)
    third = ReviewPress.unpack(rows[2][4].callback_data or "")
    assert (third.question, third.dimension, third.value) == (2, 3, 4)
    assert all(len((b.callback_data or "").encode()) <= 64 for row in rows for b in row)
    text = render.keyboard_text(2, Q2, DEFAULT_RUBRIC)
    assert "Score Q2: Why this role?" in text and "4 Clear and well organised" in text


def test_aggregate_has_means_spread_and_calibration() -> None:
    rubric = (RubricDimension("depth", "Depth", {4: "a", 3: "b", 2: "c", 1: "d"}),)
    keys = required_keys(["q1", "q2"], ["depth"])
    sheets = {"telegram:1": {k: 3 for k in keys} | {("q1", "depth"): 1},
              "telegram:2": {k: 3 for k in keys} | {("q1", "depth"): 4}}
    agg = aggregate(sheets, ["q1", "q2"], ["depth"], 2)
    assert agg is not None
    text = render.aggregate_text(AggregateView((Q1, Q2), rubric, agg, {"telegram:1": "Good"}))
    for expected in ("Aggregate of 2 reviewers", "2.50 (range 1–4) ⚠️ calibrate",
                     "Calibration needed (reviewers differ by 2 or more): Q1 Depth",
                     "Q2 · mean 3.00 (range 3)", "telegram:1: Good"):
        assert expected in text, expected


def test_erased_note_keeps_no_answer_and_the_decision() -> None:
    note = ErasedView("Backend screen", "request", 30, AT,
                      DecisionView("hold", "telegram:7", "", AT))
    text = render.erased_text(note)
    assert "Submission erased" in text and "on request" in text and "On hold" in text
    assert "Ada" not in text


def test_own_sheet_summary_fits_an_alert_and_shows_only_own_values() -> None:
    questions = tuple(Question(id=f"q{n}", text="?") for n in range(1, 11))
    own = {("q1", "clarity"): 3, ("q1", "depth"): 1, ("q10", "relevance"): 4}
    form = ScoreForm(IID, "Ada", questions, DEFAULT_RUBRIC, own)
    text = render.sheet_summary(form)
    assert len(text) <= render.MAX_ANSWER
    assert text.startswith("Your scores") and "Q1 3 1 – –" in text
    short = render.sheet_summary(ScoreForm(IID, "Ada", (Q1,), DEFAULT_RUBRIC, own))
    assert short.endswith("2 of 4 scored.")


def test_confirmation_buttons_belong_to_the_recruiter_who_asked() -> None:
    form = DecisionForm(IID, "reject", "Ada Lovelace")
    assert "Reject Ada Lovelace? Rita, confirm or cancel" in render.confirm_text(form, "Rita")
    yes, cancel = render.confirm_buttons(form, "4242").inline_keyboard[0]
    assert yes.text == "Yes, reject" and cancel.text == "Cancel"
    assert ReviewPress.unpack(yes.callback_data or "") == ReviewPress(
        Press.CONFIRM, IID, decision="reject", user_id="4242")


def test_split_cuts_long_blocks_at_spaces() -> None:
    parts = render.split(["a" * 10, "b " * 30], 20)
    assert all(len(p) <= 20 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == "a" * 10 + "b" * 30
