"""The reviewer desk: what every reviewer channel calls when reviewers act (the
`ReviewDesk` of `conversations/review_port.py`), over scoring and decisions. Recruiter
commands typed in a reviewer channel are passed to the recruiting room by the composition
root (this room does not import it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.review.decisions import Decisions
from bot.review.scoring_desk import ScoringDesk
from conversations.review_port import ReviewerRef, ScoreCell
from conversations.scoring import ScoreKey

RecruiterCommands = Callable[[str, str, str], Awaitable[str]]  # (actor, text, prefix) -> reply


@dataclass
class ReviewerDesk:
    scoring: ScoringDesk
    decisions: Decisions
    recruiter_commands: RecruiterCommands

    async def open_scoring(self, who: ReviewerRef, interview_id: str) -> None:
        await self.scoring.open_scoring(who, interview_id)

    async def save_scores(
        self, who: ReviewerRef, interview_id: str, scores: Mapping[ScoreKey, int],
        comment: str,
    ) -> str | None:
        return await self.scoring.save_scores(who, interview_id, scores, comment)

    async def save_score(
        self, who: ReviewerRef, interview_id: str, cell: ScoreCell, value: int
    ) -> None:
        await self.scoring.save_score(who, interview_id, cell, value)

    async def open_decision(self, who: ReviewerRef, interview_id: str, decision: str) -> None:
        await self.decisions.open_decision(who, interview_id, decision)

    async def decide(
        self, who: ReviewerRef, interview_id: str, decision: str, reason: str
    ) -> str | None:
        return await self.decisions.decide(who, interview_id, decision, reason)

    async def command(self, actor: str, text: str, prefix: str) -> str:
        return await self.recruiter_commands(actor, text, prefix)
