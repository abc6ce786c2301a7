"""A roster of candidates to invite, from a CSV file (chat upload or `invite --csv`).

Columns: `name` (required), `channel` (optional: telegram, whatsapp, slack, web) and
`contact` (optional, carried into the links file so the recruiter knows where to send each
link). The bot never writes to a candidate first: a Telegram bot cannot message a username,
WhatsApp needs an approved template outside the 24-hour window, and a Slack DM needs the
person's member id; the personal link is what the recruiter sends.
A file with one column and no header is one name a line. A bad row is reported by its line
and skipped; the good rows are kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

CHANNELS = ("telegram", "whatsapp", "slack", "web")
MAX_NAME = 200
MAX_ROWS = 1000


@dataclass(frozen=True, slots=True)
class Candidate:
    line: int
    name: str
    channel: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class Roster:
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line 4: …", in file order


def read_roster(text: str) -> Roster:
    try:
        rows = [(n, r) for n, r in _rows(text) if any(c.strip() for c in r)]
    except csv.Error as exc:
        return Roster(problems=[f"this is not a CSV file we can read: {exc}"])
    if not rows:
        return Roster(problems=["the file has no names in it"])
    header = [c.strip().lower() for c in rows[0][1]]
    if "name" not in header:
        if len(header) > 1:
            return Roster(problems=[f"line 1: no 'name' column (the columns: "
                                    f"{', '.join(rows[0][1])}); name the column with the "
                                    "candidates' names 'name'"])
        return _collect([(n, {"name": r[0]}) for n, r in rows])
    named = [(n, {key: (r[i] if i < len(r) else "") for i, key in enumerate(header)})
             for n, r in rows[1:]]
    return _collect(named)


def _rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return [(reader.line_num, row) for row in reader]


def _collect(rows: list[tuple[int, dict[str, str]]]) -> Roster:
    roster = Roster()
    for line, row in rows:
        if len(roster.candidates) >= MAX_ROWS:
            roster.problems.append(f"line {line} and after: at most {MAX_ROWS} candidates a "
                                   "file; send the rest in another file")
            break
        problem, candidate = _candidate(line, row)
        if problem:
            roster.problems.append(f"line {line}: {problem}; skipped")
        elif candidate is not None:
            roster.candidates.append(candidate)
    return roster


def _candidate(line: int, row: dict[str, str]) -> tuple[str, Candidate | None]:
    name = " ".join((row.get("name") or "").split())
    channel = (row.get("channel") or "").strip().lower() or None
    contact = (row.get("contact") or "").strip() or None
    if not name:
        return "no name", None
    if len(name) > MAX_NAME:
        return f"the name is longer than {MAX_NAME} characters", None
    if channel is not None and channel not in CHANNELS:
        return f"unknown channel “{channel[:40]}” (use {', '.join(CHANNELS)})", None
    return "", Candidate(line, name, channel, contact[:MAX_NAME] if contact else None)
