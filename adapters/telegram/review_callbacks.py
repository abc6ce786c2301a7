"""What the reviewer side packs into Telegram: button payloads and the post's reference
(pure, unit-tested).

Button payloads (`callback_data`, at most 64 bytes) start with `r1:` so the transport can
tell a reviewer's press from a candidate's (`v1:`, `conversations/buttons.py`):

    r1:m:<interview>                      my sheet: my own scores, privately
    r1:s:<interview>:<q>:<d>:<1-4>        score question q on rubric dimension d (1-based)
    r1:d:<interview>:<a|r|h>              a recruiter asks to decide …
    r1:y:<interview>:<a|r|h>:<user id>    … and confirms (only that user may)
    r1:n:<interview>:<user id>            … or cancels

Positions rather than the kit's ids: an interview id (16) and two ids of up to 32
characters each would not fit (see `ScoreCell`).

The post's reference (stored in `review_posts.ts`, at most 64 characters) lists the bot's
messages that make the post: its text parts (a long post is split), then the per-question
score keyboards, each id as its distance from the one before: `812+1/+1+1+1` is parts 812
and 813, keyboards 814-816.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "r1"
MAX_CALLBACK_BYTES = 64
MAX_REF_CHARS = 64
DECISION_CODES = {"advance": "a", "reject": "r", "hold": "h"}
DECISIONS_BY_CODE = {code: name for name, code in DECISION_CODES.items()}


class PressError(ValueError):
    """Callback data that is not a reviewer press of this version, or malformed."""


class Press(StrEnum):
    MY_SHEET = "m"
    SCORE = "s"
    DECIDE = "d"
    CONFIRM = "y"
    CANCEL = "n"


@dataclass(frozen=True, slots=True)
class ReviewPress:
    action: Press
    interview_id: str
    question: int = 0  # SCORE: 1-based positions and the value
    dimension: int = 0
    value: int = 0
    decision: str = ""  # DECIDE, CONFIRM: advance | reject | hold
    user_id: str = ""  # CONFIRM, CANCEL: who asked to decide

    def pack(self) -> str:
        fields: tuple[object, ...] = (PREFIX, self.action.value, self.interview_id)
        match self.action:
            case Press.SCORE:
                fields += (self.question, self.dimension, self.value)
            case Press.DECIDE:
                fields += (DECISION_CODES[self.decision],)
            case Press.CONFIRM:
                fields += (DECISION_CODES[self.decision], self.user_id)
            case Press.CANCEL:
                fields += (self.user_id,)
        packed = ":".join(str(f) for f in fields)
        if len(packed.encode()) > MAX_CALLBACK_BYTES:
            raise PressError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {packed!r}")
        return packed

    @classmethod
    def unpack(cls, raw: str) -> ReviewPress:
        parts = raw.split(":")
        if len(parts) < 3 or parts[0] != PREFIX or not parts[2]:
            raise PressError(f"not a reviewer press: {raw!r}")
        try:
            action = Press(parts[1])
            return _FIELDS[action](parts[2], parts[3:])
        except (ValueError, KeyError, IndexError) as exc:
            raise PressError(f"malformed reviewer press {raw!r}: {exc}") from exc


def is_review_data(data: str | None) -> bool:
    return bool(data) and str(data).startswith(PREFIX + ":")


def _exact(rest: list[str], count: int) -> list[str]:
    if len(rest) != count or not all(rest):
        raise ValueError(f"expected {count} field(s) after the interview id")
    return rest


def _score(iid: str, rest: list[str]) -> ReviewPress:
    q, d, v = (int(x) for x in _exact(rest, 3))
    return ReviewPress(Press.SCORE, iid, question=q, dimension=d, value=v)


def _confirm(iid: str, rest: list[str]) -> ReviewPress:
    code, user = _exact(rest, 2)
    return ReviewPress(Press.CONFIRM, iid, decision=DECISIONS_BY_CODE[code], user_id=user)


def _my_sheet(iid: str, rest: list[str]) -> ReviewPress:
    _exact(rest, 0)
    return ReviewPress(Press.MY_SHEET, iid)


_FIELDS: dict[Press, Callable[[str, list[str]], ReviewPress]] = {
    Press.MY_SHEET: _my_sheet,
    Press.SCORE: _score,
    Press.DECIDE: lambda iid, rest: ReviewPress(
        Press.DECIDE, iid, decision=DECISIONS_BY_CODE[_exact(rest, 1)[0]]),
    Press.CONFIRM: _confirm,
    Press.CANCEL: lambda iid, rest: ReviewPress(Press.CANCEL, iid, user_id=_exact(rest, 1)[0]),
}


# ------------------------------------------------------------------ the post's reference


@dataclass(frozen=True, slots=True)
class PostRef:
    parts: tuple[int, ...]  # the post's text messages, in order; the last has the buttons
    keyboards: tuple[int, ...] = ()  # one score keyboard per question

    @property
    def head(self) -> int:
        """What recordings and the aggregate reply to."""
        return self.parts[0]

    @property
    def footer(self) -> int:
        """The part with progress, the decision and the buttons."""
        return self.parts[-1]

    def pack(self) -> str:
        """Within MAX_REF_CHARS: keyboards that do not fit are left out (they hold no answer,
        so the post stays erasable; they just stay open after a decision)."""
        if not self.parts:
            raise ValueError("a post has at least one message")
        text = str(self.parts[0]) + _deltas(self.parts[1:], self.parts[0])
        if len(text) > MAX_REF_CHARS:
            raise ValueError(f"post reference over {MAX_REF_CHARS} characters: {text}")
        keyboards = list(self.keyboards)
        while keyboards:
            packed = f"{text}/{_deltas(tuple(keyboards), self.parts[-1])}"
            if len(packed) <= MAX_REF_CHARS:
                return packed
            keyboards.pop()
        return text

    @classmethod
    def unpack(cls, raw: str) -> PostRef:
        head, _, tail = raw.partition("/")
        parts = _undeltas(head, None)
        return cls(parts=parts, keyboards=_undeltas(tail, parts[-1]) if tail else ())


def _deltas(ids: tuple[int, ...], before: int) -> str:
    """Every id as `+<distance from the one before>`."""
    out, last = [], before
    for mid in ids:
        out.append(f"+{mid - last}")
        last = mid
    return "".join(out)


def _undeltas(text: str, before: int | None) -> tuple[int, ...]:
    pieces = text.split("+")
    ids: list[int] = []
    last = before
    if pieces[0]:  # starts with a full id
        last = int(pieces[0])
        ids.append(last)
    elif last is None:
        raise ValueError(f"a post reference starts with a message id: {text!r}")
    for piece in pieces[1:]:
        assert last is not None
        last += int(piece)
        ids.append(last)
    if not ids:
        raise ValueError(f"no message id in {text!r}")
    return tuple(ids)
