"""`export SLUG`: a campaign's candidates, answers, transcripts, scores and decisions, as
JSON Lines (one candidate a line, everything nested) or CSV (one row per candidate and
question, for a spreadsheet). The same from the CLI and from chat.

Recruiters export to decide and to archive, so every score is in (the blind-scoring rule
keeps reviewers from seeing each other's scores; it does not hide them from recruiters).
CSV cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a leading `'`:
a candidate's answer is text, never a command.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.recruiting.submissions import Submission, kept_answer, load
from conversations import scoring
from storage.db import UnitOfWork
from storage.records import Campaign, PartRecord, TranscriptRecord, TranscriptStatus


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


CSV_COLUMNS = (
    "interview_id", "candidate", "platform", "status", "flags", "opened_at", "submitted_at",
    "question_no", "question_id", "question", "answer_kind", "answer_text", "duration_s",
    "transcript", "late", "question_mean", "overall_mean", "reviewers", "decision",
    "decided_by", "decided_at", "decision_reason",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def campaign_records(uow: UnitOfWork, campaign: Campaign) -> list[dict[str, Any]]:
    """One JSON-able record per candidate, in invitation order."""
    states = await uow.interviews.list_for_campaign(campaign.id)
    return [record(await load(uow, st)) for st in states]


def render(records: Sequence[dict[str, Any]], fmt: ExportFormat) -> str:
    return to_jsonl(records) if fmt is ExportFormat.JSONL else to_csv(records)


def record(s: Submission) -> dict[str, Any]:
    st = s.state
    questions = [q.id for q in s.kit.questions]
    dimensions = [d.id for d in s.kit.rubric]
    agg = scoring.aggregate(s.sheets, questions, dimensions, 1) if s.sheets else None
    answers = []
    for number, q in enumerate(s.kit.questions, start=1):
        kept = kept_answer(s.answers, q.id)
        parts = kept.parts if kept else []
        answers.append({
            "question_no": number, "question_id": q.id, "question": q.text,
            "kinds": [p.kind for p in parts],
            "text": "\n".join(p.text for p in parts if p.text) or None,
            "duration_s": sum(p.duration_s or 0 for p in parts) or None,
            "transcript": _transcript(parts, s.transcripts),
            "late": bool(kept and kept.late),
            "mean": round(agg.per_question[q.id].mean, 3) if agg else None,
        })
    decision = s.decision
    return {
        "interview_id": st.interview_id, "candidate": st.candidate_name,
        "platform": st.candidate.platform if st.candidate else None,
        "status": st.phase.value, "flags": sorted(st.flags),
        "opened_at": _when(st.opened_at), "submitted_at": _when(st.submitted_at),
        "answers": answers,
        "scores": {who: {f"{q}/{d}": v for (q, d), v in sorted(sheet.items())}
                   for who, sheet in sorted(s.sheets.items())},
        "overall_mean": round(agg.overall.mean, 3) if agg else None,
        "decision": decision.decision if decision else None,
        "decided_by": decision.decided_by if decision else None,
        "decided_at": _when(decision.decided_at) if decision else None,
        "decision_reason": (decision.reason or None) if decision else None,
    }


def to_jsonl(records: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def to_csv(records: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        for a in r["answers"]:
            row = {**r, **a, "answer_kind": "+".join(a["kinds"]), "answer_text": a["text"],
                   "question_mean": a["mean"], "flags": " ".join(r["flags"]),
                   "reviewers": len(r["scores"])}
            writer.writerow([csv_cell(row.get(c)) for c in CSV_COLUMNS])
    return out.getvalue()


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _transcript(parts: list[PartRecord], transcripts: dict[str, TranscriptRecord]
                ) -> str | None:
    said = [t.text for p in parts if (t := transcripts.get(p.part_id)) is not None
            and t.status is TranscriptStatus.DONE and t.text]
    return "\n".join(said) or None


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None
