"""The web board's pure rendering: everything escaped, a reviewer's page carries only their
own scores, the aggregate's calibration flag is not told by colour alone, timestamps seek
their player; and the Slack and Telegram posts link to the board when PUBLIC_URL is set."""

from __future__ import annotations

from adapters.slack.blocks import submission_message
from adapters.telegram import review_render as telegram
from adapters.web.board import render
from config.kit import DEFAULT_RUBRIC
from conversations.review_board import BoardPage, BoardPart, BoardUser, Segment
from conversations.review_views import AggregateView
from conversations.scoring import Progress, aggregate
from tests.adapters.test_telegram_review_render import IID, Q1, Q2, submission

ANA = BoardUser(actor="web:ana", recruiter=False, csrf="tok")
KEYS = [(q, d.id) for q in ("q1", "q2") for d in DEFAULT_RUBRIC]


def page(**kw: object) -> BoardPage:
    base: dict[str, object] = dict(
        view=submission(candidate="<script>alert(1)</script>"), progress=Progress(1, 2),
        own={("q1", "clarity"): 4}, comment="mine </textarea>", own_done=False,
        aggregate=None, decision=None,
        parts={(1, 1): BoardPart(True, "audio/ogg", (Segment(0, 2.5, "Hello <b>"),
                                                     Segment(65.2, 70, "later"))),
               (1, 2): BoardPart(True, "video/mp4")})
    base.update(kw)
    return BoardPage(**base)  # type: ignore[arg-type]


def test_everything_a_candidate_or_reviewer_typed_is_escaped() -> None:
    html = render.submission(ANA, page())
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert "Hello &lt;b&gt;" in html and "mine &lt;/textarea&gt;" in html
    assert "Because &lt;I&gt; like it" in html and "&lt;you&gt;" in html
    assert "<script" not in html.replace('<script src="/review/assets/board.js"', "")
    assert " style=" not in html and "onclick" not in html  # the CSP allows neither


def test_a_reviewer_sees_only_their_own_sheet_and_progress() -> None:
    html = render.submission(ANA, page())
    assert html.count(" checked") == 1 and 'name="s-1-1" value="4" checked' in html
    assert "1 of 2 reviewers done" in html and "Aggregate" not in html
    assert 'name="csrf" value="tok"' in html
    assert "Decision" not in html  # a reviewer cannot decide


def test_timestamps_seek_their_player() -> None:
    html = render.submission(ANA, page())
    assert f'<audio id="p1-1" controls preload="metadata" src="/review/media/{IID}/1/1">' in html
    assert f'<video id="p1-2" controls preload="metadata" src="/review/media/{IID}/1/2">' in html
    assert 'data-player="p1-1" data-t="65.20"' in html and ">1:05</button>" in html


def test_aggregate_flags_calibration_in_words_and_recruiters_decide() -> None:
    sheets = {"web:ana": {k: 3 for k in KEYS}, "slack:U1": {k: 3 for k in KEYS}}
    sheets["slack:U1"][("q1", "depth")] = 1
    agg = aggregate(sheets, ["q1", "q2"], [d.id for d in DEFAULT_RUBRIC], 2)
    assert agg is not None
    view = AggregateView((Q1, Q2), DEFAULT_RUBRIC, agg, {"web:ana": "solid"})
    rita = BoardUser(actor="web:rita", recruiter=True, csrf="t")
    html = render.submission(rita, page(aggregate=view, progress=Progress(2, 2)))
    assert "Aggregate of 2 reviewers" in html and "Calibration needed" in html
    assert "Q1 Depth" in html and "2.00 (1–3) ⚑" in html and "solid" in html
    assert html.index("Aggregate of") < html.index("<h2>Decision</h2>")
    assert 'value="advance"' in html and f'action="/review/s/{IID}/decision"' in html


def test_posts_link_to_the_board_only_when_there_is_a_public_address() -> None:
    url = f"https://hire.example.com/review/s/{IID}"
    linked = submission(board_url=url)
    slack = str(submission_message(linked, Progress(0, 2))["blocks"])
    assert f"<{url}|Open on the web board>" in slack
    assert url in telegram.post_parts(linked, Progress(0, 2))[0]
    assert "web board" not in str(submission_message(submission(), Progress(0, 2)))
    assert "Web board" not in telegram.post_parts(submission(), Progress(0, 2))[0]
