"""Server-rendered HTML of the candidate page (escaped here, nowhere else). The page works
without JavaScript (forms post and come back); `static/web.js` adds recording, live updates,
the ticking countdown and the word counter."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from html import escape

from adapters.web.store import Facts, Shown

RECORDABLE = ("voice", "video", "video_note")
COUNTDOWN_WORDS = {"prep_end": "Thinking time", "answer_end": "Time to answer"}


def _layout(title: str, body: str, token: str = "") -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/i/static/web.css">
<script src="/i/static/web.js" defer></script>
</head><body data-token="{escape(token)}">
<a class="skip" href="#main">Skip to the interview</a>
<header><p class="brand">Interview</p><h1>{escape(title)}</h1></header>
{body}
</body></html>"""


def _post(token: str, action: str, csrf: str, label: str, fields: dict[str, str] | None = None,
          css: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                     for k, v in (fields or {}).items())
    return (f'<form method="post" action="/i/{escape(token)}/{action}" class="inline">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">{hidden}'
            f'<button type="submit" class="{css}">{escape(label)}</button></form>')


def landing(title: str, token: str, csrf: str) -> str:
    body = f"""<main id="main" tabindex="-1">
<p>You are invited to a short interview, answered in your own time: here in this browser.</p>
<p>Before the first question we ask for your consent, and you can try a practice question.
This link then belongs to this browser; you can move it to another device with a code.</p>
{_post(token, "open", csrf, "Open the interview", css="primary")}
</main>"""
    return _layout(title, body, token)


def in_use(title: str, token: str, csrf: str, wrong_code: bool) -> str:
    problem = ('<p class="problem" role="alert">That code is not the one shown on the other '
               'device. Please check it and try again.</p>' if wrong_code else "")
    body = f"""<main id="main" tabindex="-1">
<h2>This link is in use on another device</h2>
<p>Your interview is open in another browser. To carry on here instead, enter the
6-digit code shown at the bottom of the page on that device.</p>{problem}
<form method="post" action="/i/{escape(token)}/move">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<label for="code">Code from the other device</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
 pattern="[0-9]{{6}}" maxlength="6" required>
<button type="submit" class="primary">Move the interview here</button>
</form></main>"""
    return _layout(title, body, token)


def not_found() -> str:
    body = """<main id="main" tabindex="-1"><h2>This link does not open an interview</h2>
<p>Please check that the whole link was copied, or ask the person who sent it.</p></main>"""
    return _layout("Interview", body)


def refused(title: str, token: str, why: str) -> str:
    body = f"""<main id="main" tabindex="-1"><p role="alert">{escape(why)}</p>
<p><a href="/i/{escape(token)}">Back to the interview</a></p></main>"""
    return _layout(title, body, token)


def version(facts: Facts, messages: Sequence[Shown]) -> str:
    """Changes whenever what the page shows changes (not with the seconds ticking)."""
    seen = [(m.id, m.text, m.buttons) for m in messages]
    due = facts.countdown_due.isoformat() if facts.countdown_due else ""
    raw = repr((seen, facts.phase, facts.countdown, due, facts.formats, facts.captions))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def seconds_left(facts: Facts, now: datetime) -> int | None:
    if facts.countdown_due is None:
        return None
    return max(0, round((facts.countdown_due - now).total_seconds()))


FINAL_PHASES = ("submitted", "expired", "withdrawn", "declined", "erased")
CURRENT_PHASES = ("presented", "preparing", "answering", "confirming")
RECENT = 3  # messages shown open; older ones fold under "Earlier messages"


def live(token: str, csrf: str, facts: Facts, messages: Sequence[Shown], now: datetime) -> str:
    """The part of the page that changes: the question, the latest messages with the open
    buttons, the countdown."""
    first = max(0, len(messages) - RECENT)
    with_buttons = [n for n, m in enumerate(messages) if m.buttons]
    if with_buttons:
        first = min(first, with_buttons[-1])
    earlier = "".join(_message(token, csrf, m) for m in messages[:first])
    recent = "".join(_message(token, csrf, m) for m in messages[first:])
    history = (f'<details class="history"><summary>Earlier messages ({first})</summary>'
               f'<ol class="messages">{earlier}</ol></details>' if first else "")
    return (f'<div id="live" data-version="{version(facts, messages)}" '
            f'data-phase="{escape(facts.phase)}" data-formats="{escape(" ".join(facts.formats))}">'
            f"{_question(facts)}{history}"
            f'<ol class="messages" aria-label="Messages">{recent}</ol>'
            f"{_timer(facts, now)}{_captions(facts)}</div>")


def _captions(facts: Facts) -> str:
    """What the candidate said in their kept recordings, once transcribed."""
    if not facts.captions:
        return ""
    items = "".join(f"<li><strong>Question {n}:</strong> {escape(text)}</li>"
                    for n, text in facts.captions)
    return (f'<details class="captions"><summary>Your recorded answers, written out '
            f'({len(facts.captions)})</summary><ul>{items}</ul></details>')


def _question(facts: Facts) -> str:
    if facts.phase not in CURRENT_PHASES:
        return ""
    heading = ("Practice question (not reviewed)" if facts.question_no == 0
               else f"Question {facts.question_no} of {facts.questions}")
    return (f'<section class="question" aria-label="The question"><h2>{escape(heading)}</h2>'
            f"<p>{escape(facts.question_text)}</p></section>")


def _timer(facts: Facts, now: datetime) -> str:
    left = seconds_left(facts, now)
    if left is None or not facts.countdown:
        return ""
    words = COUNTDOWN_WORDS.get(facts.countdown, "Time left")
    return (f'<p id="countdown" class="countdown" role="timer" data-left="{left}" '
            f'data-words="{escape(words)}">{escape(words)}: {_clock(left)} left</p>')


def _message(token: str, csrf: str, m: Shown) -> str:
    buttons = ""
    if m.buttons:
        forms = "".join(_post(token, "press", csrf, label,
                              {"payload": payload, "message": str(m.id)},
                              css="primary" if n == 0 else "")
                        for n, (label, payload) in enumerate(m.buttons))
        buttons = f'<div class="buttons" role="group" aria-label="Choices">{forms}</div>'
    return f'<li class="message" id="m{m.id}"><p>{escape(m.text)}</p>{buttons}</li>'


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def interview(title: str, token: str, csrf: str, facts: Facts, messages: Sequence[Shown],
              now: datetime, move_code: str) -> str:
    answering = facts.phase == "answering"
    text_hidden = "" if answering and "text" in facts.formats else " hidden"
    rec_hidden = "" if answering and set(RECORDABLE) & set(facts.formats) else " hidden"
    file_hidden = "" if answering and "document" in facts.formats else " hidden"
    commands_hidden = " hidden" if facts.phase in FINAL_PHASES else ""
    body = f"""<main id="main" tabindex="-1" data-csrf="{escape(csrf)}">
<p id="announce" class="sr-only" role="status" aria-live="polite"></p>
{live(token, csrf, facts, messages, now)}
<section id="record" class="answer"{rec_hidden} aria-label="Record your answer">
<video id="preview" muted playsinline hidden></video>
<div class="buttons">
<button type="button" id="rec-voice" class="primary" hidden>Record a voice answer</button>
<button type="button" id="rec-video" hidden>Record a video answer</button>
<button type="button" id="rec-stop" hidden>Stop and send</button>
</div>
<p id="rec-status" class="status" role="status" aria-live="polite"></p>
<p class="hint"><a href="/i/{escape(token)}/check">Check your camera and microphone</a></p>
</section>
<section id="file-answer" class="answer"{file_hidden} aria-label="Send a file">
<label for="answer-file">Your answer as a file (PDF, Word, OpenDocument or text)</label>
<input type="file" id="answer-file" accept=".pdf,.doc,.docx,.odt,.txt,.md">
<div class="buttons"><button type="button" id="file-send" class="primary">Send this file</button>
</div><p id="file-status" class="status" role="status" aria-live="polite"></p>
</section>
<section id="text-answer" class="answer"{text_hidden} aria-label="Write your answer">
<form method="post" action="/i/{escape(token)}/text" id="text-form">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<label for="answer-text">Your answer in writing</label>
<textarea id="answer-text" name="text" rows="6" aria-describedby="word-count"></textarea>
<p id="word-count" class="status">0 words</p>
<button type="submit" class="primary">Send this answer</button>
</form></section>
<nav id="commands" class="commands" aria-label="More"{commands_hidden}>
{_post(token, "command", csrf, "Where am I?", {"name": "status"})}
{_post(token, "command", csrf, "Pause", {"name": "pause"})}
{_post(token, "command", csrf, "Help", {"name": "help"})}
</nav>
</main>
<footer id="move"{commands_hidden}><p>Moving to another device? Open this same link there
and enter the code
<strong id="move-code">{escape(move_code)}</strong>.</p></footer>"""
    return _layout(title, body, token)


def device_check(title: str, token: str) -> str:
    body = f"""<main id="main" tabindex="-1">
<h2>Check your camera and microphone</h2>
<p>Your browser will ask to use them. Nothing is recorded or sent on this page.</p>
<video id="check-preview" muted playsinline></video>
<label for="level">Microphone level</label>
<meter id="level" min="0" max="1" value="0">silent</meter>
<p id="check-status" role="status" aria-live="polite"></p>
<div class="buttons">
<button type="button" id="check-start" class="primary">Start the check</button></div>
<p>Cannot record? Where a question allows a written answer, a text box is shown under
it.</p>
<p><a href="/i/{escape(token)}">Back to the interview</a></p></main>"""
    return _layout(title, body, token)
