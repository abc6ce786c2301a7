"""Hypothesis strategies for request bodies of every inbound route (see test_fuzz_routes).

Shapes close to the real ones (so most bodies get past the first checks and reach the
parsers and the handler), mixed with arbitrary JSON and arbitrary bytes. Text includes NUL,
lone surrogates and every other code point; numbers reach beyond 64 bits.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
SMALL_ID = st.integers(min_value=1, max_value=10**6)
ANY_INT = st.one_of(SMALL_ID, st.integers(), st.integers(min_value=2**62, max_value=2**70))
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | ANY_INT | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually the well-typed value, sometimes any JSON value in its place."""
    return st.one_of(strategy, strategy, strategy, JSON_VALUE)


TG_USER = st.fixed_dictionaries(
    {"id": _maybe(ANY_INT), "is_bot": st.booleans(), "first_name": _maybe(TEXT)},
    optional={"last_name": TEXT, "language_code": TEXT, "username": TEXT},
)
TG_CHAT = st.fixed_dictionaries({
    "id": _maybe(ANY_INT),
    "type": _maybe(st.sampled_from(["private", "group", "supergroup", "channel"])),
})
TG_TEXT = st.one_of(TEXT, TEXT.map(lambda t: "/start " + t), st.sampled_from(
    ["/help", "/status", "/pause", "/withdraw", "/language", "/erase x", "/campaigns"]))
TG_VOICE = st.fixed_dictionaries({
    "file_id": TEXT, "file_unique_id": TEXT, "duration": _maybe(ANY_INT),
}, optional={"mime_type": TEXT, "file_size": ANY_INT})
TG_MESSAGE = st.fixed_dictionaries(
    {"message_id": _maybe(ANY_INT), "date": _maybe(ANY_INT), "chat": _maybe(TG_CHAT)},
    optional={"from": _maybe(TG_USER), "text": _maybe(TG_TEXT), "voice": _maybe(TG_VOICE),
              "message_thread_id": ANY_INT},
)
TG_CALLBACK = st.fixed_dictionaries(
    {"id": _maybe(TEXT), "from": _maybe(TG_USER), "chat_instance": _maybe(TEXT)},
    optional={"data": _maybe(TEXT), "message": _maybe(TG_MESSAGE)},
)
TG_UPDATE = st.fixed_dictionaries(
    {"update_id": _maybe(ANY_INT)},
    optional={"message": _maybe(TG_MESSAGE), "callback_query": _maybe(TG_CALLBACK),
              "edited_message": TG_MESSAGE},
)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: lone surrogates become \udXXX escapes


TELEGRAM_BODY = st.one_of(
    TG_UPDATE.map(_json), TG_UPDATE.map(_json), JSON_VALUE.map(_json), st.binary(max_size=200),
)

def _mostly(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Slack requests are signed: mostly well-typed, so that listeners are reached."""
    return st.one_of(*([strategy] * 7), JSON_VALUE)


SLACK_USER = st.fixed_dictionaries({"id": _mostly(TEXT)}, optional={"username": TEXT})
SLACK_ACTION = st.fixed_dictionaries(
    {"action_id": _mostly(st.sampled_from(["score_open", "decide_advance", "decide_reject",
                                           "decide_hold"]) | TEXT)},
    optional={"value": _mostly(TEXT), "block_id": TEXT, "type": TEXT},
)
SLACK_VIEW = st.fixed_dictionaries(
    {"callback_id": _mostly(st.sampled_from(["score", "decision"]) | TEXT)},
    optional={"private_metadata": _mostly(TEXT | JSON_VALUE.map(json.dumps)),
              "state": _mostly(st.fixed_dictionaries({"values": JSON_VALUE})), "id": TEXT},
)
SLACK_INTERACTION = st.fixed_dictionaries(
    {"type": _mostly(st.sampled_from(["block_actions", "view_submission", "view_closed",
                                      "shortcut"])),
     "user": _mostly(SLACK_USER), "team": _mostly(st.fixed_dictionaries({"id": TEXT}))},
    optional={"actions": _mostly(st.lists(SLACK_ACTION, min_size=1, max_size=2)),
              "view": _mostly(SLACK_VIEW), "trigger_id": TEXT,
              "container": _mostly(st.fixed_dictionaries(
                  {}, optional={"channel_id": _mostly(TEXT), "message_ts": _mostly(TEXT)})),
              "channel": _mostly(st.fixed_dictionaries({"id": _mostly(TEXT)}))},
)
SLACK_EVENT = st.fixed_dictionaries(
    {"type": _maybe(st.sampled_from(["event_callback", "url_verification", "app_rate_limited"]))},
    optional={"event": _maybe(st.fixed_dictionaries({"type": _maybe(TEXT)}, optional={
        "user": TEXT, "text": TEXT, "channel": TEXT})),
        "challenge": _maybe(TEXT), "team_id": _maybe(TEXT), "event_id": _maybe(TEXT),
        "api_app_id": TEXT, "token": TEXT},
)
FORM_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


# Well-formed clicks and modal submissions with arbitrary values: these reach the listeners.
SLACK_CLICK = st.fixed_dictionaries({
    "type": st.just("block_actions"), "user": st.fixed_dictionaries({"id": TEXT}),
    "team": st.fixed_dictionaries({"id": TEXT}), "trigger_id": TEXT,
    "actions": st.lists(st.fixed_dictionaries({
        "action_id": st.sampled_from(["score_open", "decide_advance", "decide_reject",
                                      "decide_hold"]), "value": TEXT}), min_size=1, max_size=1),
    "container": st.fixed_dictionaries({"channel_id": TEXT, "message_ts": TEXT}),
})
SLACK_SUBMISSION = st.fixed_dictionaries({
    "type": st.just("view_submission"), "user": st.fixed_dictionaries({"id": TEXT}),
    "team": st.fixed_dictionaries({"id": TEXT}),
    "view": st.fixed_dictionaries({
        "callback_id": st.sampled_from(["score", "decision"]),
        "private_metadata": TEXT | JSON_VALUE.map(json.dumps),
        "state": st.fixed_dictionaries({"values": JSON_VALUE})}),
})


def slack_interactivity_body(response_url: str) -> st.SearchStrategy[bytes]:
    interaction = st.one_of(SLACK_INTERACTION, SLACK_CLICK, SLACK_SUBMISSION).map(
        lambda d: {**d, "response_url": response_url})
    signed_form = interaction.map(lambda d: urlencode({"payload": json.dumps(d)}).encode())
    return st.one_of(
        signed_form, signed_form, signed_form,
        JSON_VALUE.map(lambda v: urlencode({"payload": json.dumps(v)}).encode()),
        FORM_TEXT.map(lambda t: urlencode({"payload": t}).encode()),
        st.binary(max_size=200),
    )


def slack_command_body(response_url: str) -> st.SearchStrategy[bytes]:
    fields = st.fixed_dictionaries(
        {"command": _maybe_form(st.just("/interview")), "text": FORM_TEXT},
        optional={"user_id": FORM_TEXT, "channel_id": FORM_TEXT, "team_id": FORM_TEXT,
                  "trigger_id": FORM_TEXT},
    ).map(lambda d: {**d, "response_url": response_url})
    return st.one_of(fields.map(lambda d: urlencode(d).encode()), st.binary(max_size=200))


def _maybe_form(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(strategy, strategy, FORM_TEXT)


SLACK_EVENTS_BODY = st.one_of(
    SLACK_EVENT.map(_json), JSON_VALUE.map(_json), st.binary(max_size=200))
TIMESTAMP_HEADER = st.one_of(
    st.just("now"), st.just("now"), st.just("now"),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=12),
)


# The web candidate page (/i/<token>/...) and the reviewer board (/review/...): forms whose
# fields are the pages' own (so the CSRF check passes and the handlers parse them), JSON for
# a finished recording, raw bytes for a chunk; each mixed with arbitrary bytes.
WEB_FIELD = st.sampled_from(["payload", "message", "text", "name", "code", "comment",
                             "decision", "reason", "s-1-1", "s-3-4"]) | FORM_TEXT
WEB_VALUE = st.one_of(FORM_TEXT, st.sampled_from(
    ["", "0", "1", "4", "9", "-1", "99999999999999999999", "status", "pause", "help",
     "advance", "reject", "hold", "ready", "begin", "keep", "retake", "done"]),
    st.integers(min_value=0, max_value=10**7).map(str), st.just("x" * 5000))


def web_form_body(csrf: str) -> st.SearchStrategy[bytes]:
    """A form with the right `csrf` (mostly) and generated fields."""
    fields = st.dictionaries(WEB_FIELD, WEB_VALUE, max_size=5)
    token = st.one_of(st.just(csrf), st.just(csrf), st.just(csrf), FORM_TEXT)
    signed = st.tuples(token, fields).map(
        lambda tf: urlencode({"csrf": tf[0], **tf[1]}).encode())
    return st.one_of(signed, signed, signed, st.binary(max_size=200),
                     st.binary(max_size=200).map(lambda b: f"csrf={csrf}&".encode() + b))


WEB_RECORDING = "fuzzrec01"  # the chunk route's recording: a finish may join what it got
WEB_FINISH_BODY = st.one_of(
    st.fixed_dictionaries({"rec": _maybe(st.just(WEB_RECORDING) | TEXT),
                           "count": _maybe(st.integers(0, 3) | ANY_INT)},
                          optional={"document": _maybe(st.booleans()), "name": _maybe(TEXT)}
                          ).map(_json),
    JSON_VALUE.map(_json), st.binary(max_size=200))
WEB_CHUNK_BODY = st.binary(max_size=2000)
