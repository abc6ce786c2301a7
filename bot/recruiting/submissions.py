"""One candidate's submission as recruiters and reviewers read it: the interview, its kit
version, kept answers (never the practice), transcripts, score sheets and the decision.
Read straight from the repositories; used by `interview-bot show` and by `export`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config.kit import Kit
from conversations import scoring
from conversations.state import InterviewState
from storage.db import UnitOfWork
from storage.records import AnswerRecord, ReviewDecision, TranscriptRecord


@dataclass(frozen=True, slots=True)
class Submission:
    state: InterviewState
    campaign: str
    kit: Kit
    answers: list[AnswerRecord]
    transcripts: dict[str, TranscriptRecord]
    sheets: dict[str, dict[scoring.ScoreKey, int]]
    decision: ReviewDecision | None


async def load(uow: UnitOfWork, state: InterviewState) -> Submission:
    campaign = await uow.campaigns.get(state.campaign_id)
    kit = await uow.campaigns.kit(state.kit_version_id)
    return Submission(
        state=state, campaign=campaign.title if campaign else kit.title, kit=kit,
        answers=await uow.answers.for_interview(state.interview_id),  # never the practice
        transcripts=await uow.transcripts.for_interview(state.interview_id),
        sheets=await uow.reviews.scores_for(state.interview_id),
        decision=await uow.reviews.decision_for(state.interview_id),
    )


def kept_answer(answers: Sequence[AnswerRecord], question_id: str) -> AnswerRecord | None:
    kept = [a for a in answers if a.question_id == question_id and a.kept and not a.practice]
    return kept[-1] if kept else None
