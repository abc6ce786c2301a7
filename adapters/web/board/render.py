"""The reviewer board's HTML: server-rendered, escaped, no inline script or style (the CSP
allows only `/review/assets/*`). Pure functions of the board's neutral views."""

from __future__ import annotations

from html import escape

from conversations.formatting import utc_stamp
from conversations.review_board import BoardPage, BoardPart, BoardRow, BoardUser
from conversations.review_views import (
    DECISION_DONE,
    DECISION_LABELS,
    AggregateView,
    AnswerView,
    DecisionView,
    PartView,
    part_heading,
)
from conversations.scoring import Progress, Stat

CSS, JS, ICON = ("/review/assets/board.css", "/review/assets/board.js",
                 "/review/assets/icon.svg")


def e(text: object) -> str:
    return escape(str(text), quote=True)


def layout(title: str, body: str, user: BoardUser | None = None) -> str:
    who = ""
    if user is not None:
        role = "recruiter" if user.recruiter else "reviewer"
        who = (f'<form class="who" method="post" action="/review/signout">'
               f'<span>{e(user.actor)} · {role}</span>{csrf_field(user)}'
               f'<button type="submit" class="link">Sign out</button></form>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)} · Reviewer board</title>'
            f'<link rel="icon" href="{ICON}"><link rel="stylesheet" href="{CSS}">'
            f'<script src="{JS}" defer></script></head>'
            f'<body><header class="top"><a href="/review" class="brand">Reviewer board</a>'
            f'{who}</header><main>{body}</main></body></html>')


def csrf_field(user: BoardUser) -> str:
    return f'<input type="hidden" name="csrf" value="{e(user.csrf)}">'


def notice(title: str, text: str, user: BoardUser | None = None, back: str = "") -> str:
    link = f'<p><a href="{e(back)}">Back</a></p>' if back else ""
    return layout(title, f'<section class="notice"><h1>{e(title)}</h1><p>{e(text)}</p>'
                         f'{link}</section>', user)


def sign_in_page(token: str, csrf: str) -> str:
    return layout("Sign in", (
        '<section class="notice"><h1>Sign in to the reviewer board</h1>'
        '<p>This link works once. Signing in keeps this browser signed in for a week.</p>'
        f'<form method="post" action="/review/signin/{e(token)}">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        '<button type="submit" class="primary">Sign in</button></form></section>'))


def progress_text(progress: Progress) -> str:
    return f"{progress.done} of {progress.required} reviewers done"


def board_list(user: BoardUser, rows: list[BoardRow]) -> str:
    if not rows:
        body = ('<h1>Submissions</h1><p class="empty">No submissions to review yet. They '
                'appear here once a candidate has submitted and the transcripts are in.</p>')
        return layout("Submissions", body, user)
    lines = "".join(
        f'<tr><td><a href="/review/s/{e(r.interview_id)}">{e(r.candidate)}</a></td>'
        f'<td>{e(r.campaign)}</td><td>{e(utc_stamp(r.submitted_at))}</td>'
        f'<td>{e(progress_text(r.progress))}</td>'
        f'<td>{"scored" if r.own_done else "to score"}</td>'
        f'<td>{e(DECISION_DONE.get(r.decision, r.decision) if r.decision else "open")}</td>'
        f'<td>{e(r.flags)}</td></tr>' for r in rows)
    body = ('<h1>Submissions</h1><table class="list"><thead><tr><th>Candidate</th>'
            '<th>Campaign</th><th>Submitted</th><th>Progress</th><th>You</th>'
            f'<th>Decision</th><th>Flags</th></tr></thead><tbody>{lines}</tbody></table>')
    return layout("Submissions", body, user)


def submission(user: BoardUser, page: BoardPage, message: str = "") -> str:
    v = page.view
    facts = (f'<p class="facts">{e(v.campaign)} · via {e(v.platform)} · submitted '
             f'{e(utc_stamp(v.submitted_at))} · <span class="progress">'
             f'{e(progress_text(page.progress))}</span></p>')
    flash = f'<p class="flash" role="status">{e(message)}</p>' if message else ""
    answers = "".join(_answer(a, page) for a in v.answers)
    side = (_aggregate(page.aggregate) + _decision(user, page)
            + (_score_form(user, page) if page.can_score and page.decision is None else ""))
    body = (f'<h1>{e(v.candidate)}</h1>{facts}{flash}<div class="cols">'
            f'<section class="answers" aria-label="Answers">{answers}</section>'
            f'<aside class="panel">{side}</aside></div>')
    return layout(v.candidate, body, user)


def _answer(a: AnswerView, page: BoardPage) -> str:
    flags = " · late" if a.late else ""
    iid = page.view.interview_id
    parts = "".join(_part(iid, a.number, n, part, page.parts.get((a.number, n)), len(a.parts))
                    for n, part in enumerate(a.parts, start=1))
    return (f'<article class="answer"><h2>Q{a.number}. {e(a.question.text)}</h2>'
            f'<p class="meta">retakes used: {a.retakes_used}{flags}</p>'
            f'{parts or "<p class=empty>No answer.</p>"}</article>')


def _part(
    iid: str, q: int, n: int, part: PartView, board: BoardPart | None, count: int
) -> str:
    head = f'<h3>{e(part_heading(part, n, count))}</h3>'
    player, pid = "", f"p{q}-{n}"
    if board is not None and board.media:
        tag = "video" if part.kind in ("video", "video_note") else "audio"
        player = (f'<{tag} id="{pid}" controls preload="metadata" '
                  f'src="/review/media/{e(iid)}/{q}/{n}"></{tag}>')
    if board is not None and board.segments:
        lines = "".join(
            f'<li><button type="button" class="seek" data-player="{pid}" '
            f'data-t="{s.start_s:.2f}" aria-label="Play from {clock(s.start_s)}">'
            f'{clock(s.start_s)}</button> <span>{e(s.text)}</span></li>'
            for s in board.segments)
        text = f'<ol class="transcript" aria-label="Transcript">{lines}</ol>'
    elif part.failure:
        text = f'<p class="empty">No transcript: {e(part.failure)}</p>'
    elif part.pending:
        text = '<p class="empty">Transcript not ready yet.</p>'
    else:
        text = f'<p class="text-answer">{e(part.text or "")}</p>'
    return f'<div class="part">{head}{player}{text}</div>'


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _score_form(user: BoardUser, page: BoardPage) -> str:
    v = page.view
    rows = []
    for qn, q in enumerate(v.questions, start=1):
        dims = "".join(_dimension_row(qn, dn, d.name, d.anchors, page.own.get((q.id, d.id)))
                       for dn, d in enumerate(v.rubric, start=1))
        rows.append(f'<fieldset class="sheet"><legend>Q{qn}</legend>{dims}</fieldset>')
    state = "Your scores are saved; you can revise them until the decision." \
        if page.own_done else "Only you see your scores. Score every question (1 to 4)."
    return (f'<section class="card"><h2>Your scores</h2><p class="hint">{e(state)}</p>'
            f'<form method="post" action="/review/s/{e(v.interview_id)}/scores">'
            f'{csrf_field(user)}{"".join(rows)}<label class="block" for="comment">Comment '
            f'(optional)</label><textarea id="comment" name="comment" rows="3" '
            f'maxlength="2000">{e(page.comment)}</textarea>'
            f'<button type="submit" class="primary">Save my scores</button></form></section>')


def _dimension_row(
    qn: int, dn: int, name: str, anchors: dict[int, str], own: int | None
) -> str:
    field = f"s-{qn}-{dn}"
    radios = "".join(
        f'<label title="{e(anchors.get(v, ""))}"><input type="radio" name="{field}" '
        f'value="{v}"{" checked" if own == v else ""} required><span>{v}</span></label>'
        for v in (1, 2, 3, 4))
    return (f'<div class="dim" role="radiogroup" aria-label="Q{qn} {e(name)}">'
            f'<span class="dname">{e(name)}</span>{radios}</div>')


def _stat(s: Stat) -> str:
    spread = f" ({s.low}–{s.high})" if s.spread else ""
    return f"{s.mean:.2f}{spread}"


def _aggregate(view: AggregateView | None) -> str:
    if view is None:
        return ""
    agg, names = view.aggregate, {d.id: d.name for d in view.rubric}
    head = "".join(f"<th>Q{n}</th>" for n in range(1, len(view.questions) + 1))
    rows = [f"<tr><th>{e(d.name)}</th>"
            + "".join(_cell(agg.cells[(q.id, d.id)]) for q in view.questions)
            + f"<td>{_stat(agg.per_dimension[d.id])}</td></tr>" for d in view.rubric]
    rows.append("<tr><th>Mean</th>" + "".join(
        f"<td>{_stat(agg.per_question[q.id])}</td>" for q in view.questions) + "<td></td></tr>")
    numbers = {q.id: n for n, q in enumerate(view.questions, start=1)}
    flagged = ", ".join(f"Q{numbers[q]} {names[d]}" for q, d in agg.calibration)
    calibrate = (f'<p class="calibrate">⚑ Calibration needed (reviewers differ by 2 or '
                 f'more): {e(flagged)}</p>' if flagged else "")
    notes = "".join(f"<li><b>{e(who)}</b>: {e(c)}</li>" for who, c in view.comments.items() if c)
    comments = f'<ul class="comments">{notes}</ul>' if notes else ""
    return (f'<section class="card"><h2>Aggregate of {agg.reviewers} reviewers</h2>'
            f'<p>Overall <b>{_stat(agg.overall)}</b></p><div class="scroll"><table class="agg">'
            f'<thead><tr><th></th>{head}<th>Mean</th></tr></thead><tbody>{"".join(rows)}'
            f'</tbody></table></div>{calibrate}{comments}'
            '</section>')


def _cell(s: Stat) -> str:
    flag = ' class="flag"' if s.needs_calibration else ""
    mark = " ⚑" if s.needs_calibration else ""
    return f"<td{flag}>{_stat(s)}{mark}</td>"


def _decision(user: BoardUser, page: BoardPage) -> str:
    if page.decision is not None:
        return _decided(page.decision)
    if not user.recruiter:
        return ""
    choices = "".join(
        f'<label><input type="radio" name="decision" value="{e(k)}" required> {e(label)}'
        '</label>' for k, label in DECISION_LABELS.items())
    return (f'<section class="card"><h2>Decision</h2>'
            f'<form method="post" action="/review/s/{e(page.view.interview_id)}/decision">'
            f'{csrf_field(user)}<div class="choices">{choices}</div>'
            '<label class="block" for="reason">Reason (kept in the audit log)</label>'
            '<textarea id="reason" name="reason" rows="2" maxlength="2000"></textarea>'
            '<button type="submit" class="primary">Decide</button></form></section>')


def _decided(d: DecisionView) -> str:
    reason = f"<p>{e(d.reason)}</p>" if d.reason else ""
    return (f'<section class="card decided"><h2>{e(DECISION_DONE.get(d.decision, d.decision))}'
            f'</h2><p>by {e(d.decided_by)}, {e(utc_stamp(d.decided_at))}</p>{reason}'
            '</section>')
