"""`interview-bot show ID-OR-TOKEN`, `submissions SLUG` and `export SLUG`: what reviewers see,
as text (and, for `export`, everything of a campaign as CSV or JSON Lines).

Read straight from the repositories (the reviewer channels have their own view). Scoring
is blind here too: until enough reviewers are done, only how many are done is shown.
Practice answers are never shown, as they are never sent to reviewers.
"""

from __future__ import annotations

from datetime import datetime

from bot.cli.commands import campaign_or_error, database
from bot.cli.errors import EXIT_INVALID, CliError
from bot.recruiting.export import ExportFormat, campaign_records
from bot.recruiting.export import render as render_export
from bot.recruiting.submissions import Submission, kept_answer, load
from config.kit import Kit
from config.settings import Settings
from conversations import scoring
from conversations.formatting import human_duration
from conversations.state import InterviewState
from storage.records import (
    PartRecord,
    ReviewDecision,
    TranscriptRecord,
    TranscriptStatus,
)

KIND_NAMES = {"video_note": "video note", "voice": "voice", "video": "video", "audio": "audio",
              "document": "document", "text": "text"}


async def show_interview(settings: Settings, id_or_token: str) -> str:
    async with database(settings) as db, db.unit_of_work(read_only=True) as uow:
        state = (await uow.interviews.get(id_or_token)
                 or await uow.interviews.by_token(id_or_token))
        if state is None:
            raise CliError(f"no interview with id or invite token {id_or_token!r} "
                           f"(see: interview-bot submissions <campaign>)")
        return render(await load(uow, state))


async def list_submissions(settings: Settings, slug: str) -> list[str]:
    async with database(settings) as db, db.unit_of_work(read_only=True) as uow:
        campaign = await campaign_or_error(uow, slug)
        states = await uow.interviews.list_for_campaign(campaign.id)
        lines = [summary(await load(uow, s)) for s in states if s.opened_at is not None]
    if not lines:
        return [f"no candidate has opened an invite of {slug} yet"]
    return [*lines, "details: interview-bot show <interview id>"]


async def export_campaign(settings: Settings, slug: str, fmt: str) -> str:
    if fmt not in set(ExportFormat):
        raise CliError(f"unknown format {fmt!r}; use csv or jsonl", EXIT_INVALID)
    async with database(settings) as db, db.unit_of_work(read_only=True) as uow:
        campaign = await campaign_or_error(uow, slug)
        records = await campaign_records(uow, campaign)
    return render_export(records, ExportFormat(fmt))


def summary(s: Submission) -> str:
    st = s.state
    answered = sum(1 for q in s.kit.questions if kept_answer(s.answers, q.id) is not None)
    progress = scoring.progress(s.sheets, _keys(s.kit), s.kit.reviewers_required)
    decision = s.decision.decision if s.decision else "no decision"
    flags = f" [{', '.join(sorted(st.flags))}]" if st.flags else ""
    return (f"{st.interview_id}  {st.candidate_name or 'Candidate'}  {st.phase.value}{flags}  "
            f"answered {answered}/{len(s.kit.questions)}  reviewers {progress.done}/"
            f"{progress.required}  {decision}")


def render(s: Submission) -> str:
    st = s.state
    lines = [
        f"{st.candidate_name or 'Candidate'} — {s.campaign}",
        f"interview {st.interview_id} · {st.phase.value} · on "
        f"{st.candidate.platform if st.candidate else 'no platform yet'}",
        _times(st),
    ]
    if st.flags or st.retakes_used:
        flags = ", ".join(sorted(st.flags)) or "none"
        lines.append(f"flags: {flags} · retakes used: {st.retakes_used}")
    for number, question in enumerate(s.kit.questions, start=1):
        lines += ["", f"Q{number}. {question.text}"]
        lines += _answer_lines(s, question.id)
    lines += ["", *_scores(s), _decision(s.decision)]
    return "\n".join(lines)


def _times(st: InterviewState) -> str:
    parts = []
    if st.opened_at:
        parts.append(f"opened {_when(st.opened_at)}")
    if st.submitted_at:
        parts.append(f"submitted {_when(st.submitted_at)}")
    if st.opened_at and st.submitted_at:
        taken = (st.submitted_at - st.opened_at).total_seconds()
        parts.append(f"took {human_duration(taken)}")
    return " · ".join(parts) or "not opened yet"


def _answer_lines(s: Submission, question_id: str) -> list[str]:
    kept = kept_answer(s.answers, question_id)
    if kept is None:
        return ["  (no answer kept)"]
    lines = [f"  {_part_line(p, s.transcripts.get(p.part_id))}" for p in kept.parts]
    notes = ["late"] if kept.late else []
    if kept.attempt_no > 0:
        notes.append(f"attempt {kept.attempt_no + 1} kept")
    if notes:
        lines.append(f"  ({', '.join(notes)})")
    return lines


def _part_line(p: PartRecord, transcript: TranscriptRecord | None) -> str:
    kind = KIND_NAMES.get(p.kind, p.kind)
    if p.kind == "text":
        return f"text: {p.text or ''}"
    length = f" {human_duration(p.duration_s)}" if p.duration_s is not None else ""
    if transcript is None:
        said = "no transcript"
    elif transcript.status is TranscriptStatus.PENDING:
        said = "transcript pending"
    elif transcript.status is TranscriptStatus.FAILED:
        said = f"no transcript: {transcript.failure_reason or 'failed'}"
    else:
        said = f'"{transcript.text}"' if transcript.text else "no speech detected"
    return f"{kind}{length}: {said}"


def _keys(kit: Kit) -> list[scoring.ScoreKey]:
    return scoring.required_keys([q.id for q in kit.questions], [d.id for d in kit.rubric])


def _scores(s: Submission) -> list[str]:
    questions = [q.id for q in s.kit.questions]
    dimensions = [d.id for d in s.kit.rubric]
    agg = scoring.aggregate(s.sheets, questions, dimensions, s.kit.reviewers_required)
    if agg is None:
        progress = scoring.progress(s.sheets, _keys(s.kit), s.kit.reviewers_required)
        return [f"scores: {progress.done} of {progress.required} reviewers done (scores stay "
                f"hidden until {progress.required} have scored)"]
    names = {d.id: d.name for d in s.kit.rubric}
    lines = [f"scores ({agg.reviewers} reviewers): overall {_stat(agg.overall)}"]
    lines += [f"  {names[d]}: {_stat(agg.per_dimension[d])}" for d in dimensions]
    lines += [f"  Q{n}: {_stat(agg.per_question[q])}" for n, q in enumerate(questions, 1)]
    if agg.calibration:
        lines.append("  reviewers differ by 2 or more on: " + ", ".join(
            f"Q{questions.index(q) + 1} {names[d]}" for q, d in agg.calibration))
    return lines


def _stat(stat: scoring.Stat) -> str:
    return f"{stat.mean:.1f} (from {stat.low} to {stat.high})"


def _decision(decision: ReviewDecision | None) -> str:
    if decision is None:
        return "decision: none yet"
    reason = f" — {decision.reason}" if decision.reason else ""
    return (f"decision: {decision.decision} by {decision.decided_by} on "
            f"{_when(decision.decided_at)}{reason}")


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")
