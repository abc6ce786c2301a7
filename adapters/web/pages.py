"""Server-rendered HTML of the candidate page (escaped here, nowhere else). The page works
without JavaScript (forms post and come back); `static/web.js` adds recording, live updates,
the ticking countdown and the word counter. Every sentence comes from the message catalog
(`web.*` entries), in the language of the page."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from html import escape

from adapters.web.store import Facts, Shown
from adapters.web.wording import Wording
from conversations.messages import ParamValue
from conversations.texts import Catalog

RECORDABLE = ("voice", "video", "video_note")
COUNTDOWN_WORDS = {"prep_end": "web.countdown.prep", "answer_end": "web.countdown.answer"}
FINAL_PHASES = ("submitted", "expired", "withdrawn", "declined", "erased")
CURRENT_PHASES = ("presented", "preparing", "answering", "confirming")
RECENT = 3  # messages shown open; older ones fold under "Earlier messages"
SCRIPT_TEXTS = ("offline", "not_through", "words", "one_word", "no_camera", "no_microphone",
                "recording", "recording_for", "uploading", "uploading_left",
                "uploading_percent", "connection_lost", "saved", "not_sent", "choose_file",
                "check_works", "check_failed")


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


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class Pages:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.say = Wording(catalog)  # the engine's chat wording, as the page works

    def t(self, text_id: str, **params: ParamValue) -> str:
        """A catalog sentence, escaped for HTML."""
        return escape(self.catalog.format(text_id, params))

    def _layout(self, title: str, body: str, token: str = "") -> str:
        texts = {name: self.catalog.text(f"web.js.{name}") for name in SCRIPT_TEXTS}
        # Data, never run (CSP allows no inline script); `<` escaped so it cannot end the tag.
        data = json.dumps(texts).replace("<", "\\u003c")
        return f"""<!doctype html>
<html lang="{escape(self.catalog.language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/i/static/web.css">
<script src="/i/static/web.js" defer></script>
<script type="application/json" id="texts">{data}</script>
</head><body data-token="{escape(token)}">
<a class="skip" href="#main">{self.t("web.skip")}</a>
<header><p class="brand">{self.t("web.brand")}</p><h1>{escape(title)}</h1></header>
{body}
</body></html>"""

    def _post(self, token: str, action: str, csrf: str, label: str,
              fields: dict[str, str] | None = None, css: str = "") -> str:
        """A one-button form; `label` is already escaped."""
        hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                         for k, v in (fields or {}).items())
        return (f'<form method="post" action="/i/{escape(token)}/{action}" class="inline">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">{hidden}'
                f'<button type="submit" class="{css}">{label}</button></form>')

    def landing(self, title: str, token: str, csrf: str) -> str:
        body = f"""<main id="main" tabindex="-1">
<p>{self.t("web.landing.invited")}</p>
<p>{self.t("web.landing.how")}</p>
{self._post(token, "open", csrf, self.t("web.landing.open"), css="primary")}
</main>"""
        return self._layout(title, body, token)

    def in_use(self, title: str, token: str, csrf: str, wrong_code: bool) -> str:
        problem = (f'<p class="problem" role="alert"><span>{self.t("web.problem")}</span> '
                   f'{self.t("web.in_use.wrong_code")}</p>' if wrong_code else "")
        body = f"""<main id="main" tabindex="-1">
<h2>{self.t("web.in_use.title")}</h2>
<p>{self.t("web.in_use.how")}</p>{problem}
<form method="post" action="/i/{escape(token)}/move">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<label for="code">{self.t("web.in_use.code")}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
 pattern="[0-9]{{6}}" maxlength="6" required>
<button type="submit" class="primary">{self.t("web.in_use.move")}</button>
</form></main>"""
        return self._layout(title, body, token)

    def not_found(self) -> str:
        body = f"""<main id="main" tabindex="-1"><h2>{self.t("web.not_found.title")}</h2>
<p>{self.t("web.not_found.how")}</p></main>"""
        return self._layout(self.catalog.text("web.brand"), body)

    def erased(self, title: str) -> str:
        body = f"""<main id="main" tabindex="-1"><h2>{self.t("web.erased.title")}</h2>
<p>{self.t("web.erased.how")}</p></main>"""
        return self._layout(title, body)

    def refused(self, title: str, token: str, why: str) -> str:
        body = f"""<main id="main" tabindex="-1"><p role="alert">{escape(why)}</p>
<p><a href="/i/{escape(token)}">{self.t("web.back")}</a></p></main>"""
        return self._layout(title, body, token)

    def live(self, token: str, csrf: str, facts: Facts, messages: Sequence[Shown],
             now: datetime) -> str:
        """The part of the page that changes: the question, the latest messages with the
        open buttons, the countdown, the captions."""
        first = max(0, len(messages) - RECENT)
        with_buttons = [n for n, m in enumerate(messages) if m.buttons]
        if with_buttons:
            first = min(first, with_buttons[-1])
        earlier = "".join(self._message(token, csrf, m) for m in messages[:first])
        recent = "".join(self._message(token, csrf, m) for m in messages[first:])
        history = (f'<details class="history"><summary>{self.t("web.earlier", count=first)}'
                   f'</summary><ol class="messages">{earlier}</ol></details>' if first else "")
        formats = escape(" ".join(facts.formats))
        return (f'<div id="live" data-version="{version(facts, messages)}" '
                f'data-phase="{escape(facts.phase)}" data-formats="{formats}">'
                f"{self._question(facts)}{history}"
                f'<ol class="messages" aria-label="{self.t("web.messages")}">{recent}</ol>'
                f"{self._timer(facts, now)}{self._captions(facts)}</div>")

    def _question(self, facts: Facts) -> str:
        if facts.phase not in CURRENT_PHASES:
            return ""
        heading = (self.t("web.question.practice") if facts.question_no == 0 else
                   self.t("web.question.number", number=facts.question_no,
                          total=facts.questions))
        return (f'<section class="question" aria-label="{heading}"><h2>{heading}</h2>'
                f"<p>{escape(facts.question_text)}</p></section>")

    def _timer(self, facts: Facts, now: datetime) -> str:
        left = seconds_left(facts, now)
        if left is None or not facts.countdown:
            return ""
        what = self.catalog.text(COUNTDOWN_WORDS.get(facts.countdown, "web.countdown.answer"))
        template = self.catalog.text("web.countdown.left")
        shown = self.t("web.countdown.left", what=what, time=_clock(left))
        return (f'<p id="countdown" class="countdown" role="timer" data-left="{left}" '
                f'data-what="{escape(what)}" data-template="{escape(template)}">{shown}</p>')

    def _captions(self, facts: Facts) -> str:
        """What the candidate said in their kept recordings, once transcribed."""
        if not facts.captions:
            return ""
        items = "".join(f"<li><strong>{self.t('web.captions.question', number=n)}</strong> "
                        f"{escape(text)}</li>" for n, text in facts.captions)
        return (f'<details class="captions"><summary>'
                f'{self.t("web.captions", count=len(facts.captions))}</summary>'
                f"<ul>{items}</ul></details>")

    def _message(self, token: str, csrf: str, m: Shown) -> str:
        buttons = ""
        if m.buttons:
            forms = "".join(self._post(token, "press", csrf, escape(label),
                                       {"payload": payload, "message": str(m.id)},
                                       css="primary" if n == 0 else "")
                            for n, (label, payload) in enumerate(m.buttons))
            buttons = (f'<div class="buttons" role="group" aria-label="{self.t("web.choices")}">'
                       f"{forms}</div>")
        return f'<li class="message" id="m{m.id}"><p>{escape(self.say(m.text))}</p>{buttons}</li>'

    def interview(self, title: str, token: str, csrf: str, facts: Facts,
                  messages: Sequence[Shown], now: datetime, move_code: str) -> str:
        answering = facts.phase == "answering"
        text_hidden = "" if answering and "text" in facts.formats else " hidden"
        rec_hidden = "" if answering and set(RECORDABLE) & set(facts.formats) else " hidden"
        file_hidden = "" if answering and "document" in facts.formats else " hidden"
        over = " hidden" if facts.phase in FINAL_PHASES else ""
        commands = "".join(
            self._post(token, "command", csrf, self.t(f"web.command.{name}"), {"name": name})
            for name in ("status", "pause", "help"))
        code = f'<strong id="move-code">{escape(move_code)}</strong>'
        move = escape(self.catalog.text("web.move_code")).replace("{code}", code)
        body = f"""<main id="main" tabindex="-1" data-csrf="{escape(csrf)}">
<p id="announce" class="sr-only" role="status" aria-live="polite"></p>
{self.live(token, csrf, facts, messages, now)}
<section id="record" class="answer"{rec_hidden} aria-label="{self.t("web.record.label")}">
<video id="preview" muted playsinline hidden></video>
<div class="buttons">
<button type="button" id="rec-voice" class="primary" hidden>{self.t("web.record.voice")}</button>
<button type="button" id="rec-video" hidden>{self.t("web.record.video")}</button>
<button type="button" id="rec-stop" class="primary" hidden>{self.t("web.record.stop")}</button>
</div>
<p id="rec-status" class="status" role="status" aria-live="polite"></p>
<p class="hint"><a href="/i/{escape(token)}/check">{self.t("web.check.link")}</a></p>
</section>
<section id="file-answer" class="answer"{file_hidden} aria-label="{self.t("web.file.section")}">
<label for="answer-file">{self.t("web.file.label")}</label>
<input type="file" id="answer-file" accept=".pdf,.doc,.docx,.odt,.txt,.md">
<div class="buttons">
<button type="button" id="file-send" class="primary">{self.t("web.file.send")}</button>
</div><p id="file-status" class="status" role="status" aria-live="polite"></p>
</section>
<section id="text-answer" class="answer"{text_hidden} aria-label="{self.t("web.text.section")}">
<form method="post" action="/i/{escape(token)}/text" id="text-form">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<label for="answer-text">{self.t("web.text.label")}</label>
<textarea id="answer-text" name="text" rows="6" aria-describedby="word-count"></textarea>
<p id="word-count" class="status"></p>
<button type="submit" class="primary">{self.t("web.text.send")}</button>
</form></section>
<nav id="commands" class="commands" aria-label="{self.t("web.commands")}"{over}>
{commands}
</nav>
</main>
<footer id="move"{over}><p>{move}</p></footer>"""
        return self._layout(title, body, token)

    def device_check(self, title: str, token: str) -> str:
        body = f"""<main id="main" tabindex="-1">
<h2>{self.t("web.check.title")}</h2>
<p>{self.t("web.check.how")}</p>
<video id="check-preview" muted playsinline></video>
<label for="level">{self.t("web.check.level")}</label>
<meter id="level" min="0" max="1" value="0"></meter>
<p id="check-status" role="status" aria-live="polite"></p>
<div class="buttons">
<button type="button" id="check-start" class="primary">{self.t("web.check.start")}</button>
</div>
<p>{self.t("web.check.cannot_record")}</p>
<p><a href="/i/{escape(token)}">{self.t("web.back")}</a></p></main>"""
        return self._layout(title, body, token)
