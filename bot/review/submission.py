"""A submission as reviewers see it, loaded from storage: the neutral view every reviewer
channel renders, the recordings to attach under the post, and the rubric's progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from config.kit import Kit
from conversations import scoring
from conversations.review_views import (
    AnswerView,
    DecisionView,
    MediaView,
    PartView,
    SubmissionView,
    media_filename,
    media_title,
)
from conversations.state import InterviewState
from storage.db import UnitOfWork
from storage.records import (
    AnswerRecord,
    PartRecord,
    ReviewDecision,
    TranscriptRecord,
    TranscriptStatus,
)


@dataclass(frozen=True, slots=True)
class Loaded:
    view: SubmissionView
    kit: Kit
    state: InterviewState
    media: list[MediaView]
    # The chosen answers' parts by (question number, part number), 1-based: the web board
    # streams their recordings and seeks in their transcripts.
    parts: dict[tuple[int, int], PartRecord] = field(default_factory=dict)


async def load_submission(
    uow: UnitOfWork, interview_id: str, partial: bool = False
) -> Loaded | None:
    state = await uow.interviews.get(interview_id)
    if state is None:
        return None
    kit = await uow.campaigns.kit(state.kit_version_id)
    campaign = await uow.campaigns.get(state.campaign_id)
    records = await uow.answers.for_interview(interview_id)  # never the practice answer
    transcripts = await uow.transcripts.for_interview(interview_id)
    platform = state.candidate.platform if state.candidate else "—"
    answers: list[AnswerView] = []
    media: list[MediaView] = []
    chosen_parts: dict[tuple[int, int], PartRecord] = {}
    for number, question in enumerate(kit.questions, start=1):
        tries = [a for a in records if a.question_id == question.id and not a.practice]
        kept = [a for a in tries if a.kept]
        chosen: AnswerRecord | None = kept[-1] if kept else None
        parts = chosen.parts if chosen else []
        chosen_parts.update({(number, n): p for n, p in enumerate(parts, start=1)})
        answers.append(AnswerView(
            question=question, number=number,
            parts=tuple(_part_view(p.kind, p.duration_s, p.text, transcripts.get(p.part_id))
                        for p in parts),
            late=bool(chosen and chosen.late),
            retakes_used=max((a.attempt_no for a in tries), default=0),
        ))
        media.extend(
            MediaView(path=p.path, filename=media_filename(number, part_no, p.kind, p.mime),
                      title=media_title(number, part_no, p.kind, p.duration_s), kind=p.kind,
                      source_platform=platform, file_ref=p.file_ref)
            for part_no, p in enumerate(parts, start=1) if p.path and p.kind != "text"
        )
    taken = None
    if state.opened_at is not None and state.submitted_at is not None:
        taken = (state.submitted_at - state.opened_at) / timedelta(seconds=1)
    view = SubmissionView(
        interview_id=interview_id, candidate=state.candidate_name or "Candidate",
        campaign=campaign.title if campaign else kit.title, platform=platform,
        time_taken_s=taken, submitted_at=state.submitted_at,
        flags=state.flags | ({"partial"} if partial else set()),
        retakes_used=state.retakes_used, answers=tuple(answers),
        questions=kit.questions, rubric=kit.rubric,
    )
    return Loaded(view=view, kit=kit, state=state, media=media, parts=chosen_parts)


def _part_view(
    kind: str, duration: float | None, text: str | None, record: TranscriptRecord | None
) -> PartView:
    if kind == "text":
        return PartView(kind=kind, text=text or "")
    if record is None or record.status is TranscriptStatus.PENDING:
        return PartView(kind=kind, duration_s=duration, pending=record is not None)
    if record.status is TranscriptStatus.FAILED:
        return PartView(kind=kind, duration_s=duration, failure=record.failure_reason or "?")
    return PartView(kind=kind, duration_s=duration, text=record.text or "")


def score_keys(kit: Kit) -> list[scoring.ScoreKey]:
    return scoring.required_keys([q.id for q in kit.questions], [d.id for d in kit.rubric])


async def review_progress(uow: UnitOfWork, interview_id: str, kit: Kit) -> scoring.Progress:
    sheets = await uow.reviews.scores_for(interview_id)
    return scoring.progress(sheets, score_keys(kit), kit.reviewers_required)


def decision_view(decided: ReviewDecision | None) -> DecisionView | None:
    if decided is None:
        return None
    return DecisionView(decided.decision, decided.decided_by, decided.reason,
                        decided.decided_at)
