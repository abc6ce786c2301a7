"""Decisions: recruiters Advance / Reject / Hold from a reviewer channel.

The desk checks who is asking and gives immediate feedback (a form's inline error); the
decision itself is a `DecisionMade` event through the runtime, so the engine records it,
tells the candidate (the kit's closing text, on their own platform) and queues the ATS
webhook, all in one transaction with the interview's state.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from adapters.base import EventSink
from bot.review.permissions import Gate, is_candidate
from bot.review.places import ReviewPlaces
from bot.runtime.clock import Clock
from conversations.events import ConversationRef, DecisionMade
from conversations.review_port import ReviewerRef
from conversations.review_views import DecisionForm
from conversations.reviewing import (
    ALREADY_DECIDED,
    REFUSE_DECIDE,
    UNKNOWN_SUBMISSION,
    decision_refusal,
)
from conversations.state import InterviewState
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Decisions:
    db: Database
    places: ReviewPlaces
    gate: Gate
    clock: Clock
    emit: EventSink  # the runtime

    async def open_decision(self, who: ReviewerRef, iid: str, decision: str) -> None:
        state, refusal = await self._refusal(who, iid, decision)
        channel = self.places.channel_of(who.place)
        if channel is None:
            log.warning("review: a decision click from %s names no review place", who.actor)
            return
        if refusal or state is None:
            await channel.tell(who, refusal or UNKNOWN_SUBMISSION)
            return
        await channel.open_decision_form(who, DecisionForm(
            interview_id=iid, decision=decision,
            candidate=state.candidate_name or "the candidate"))

    async def decide(
        self, who: ReviewerRef, iid: str, decision: str, reason: str
    ) -> str | None:
        state, refusal = await self._refusal(who, iid, decision)
        if refusal or state is None:
            return refusal or UNKNOWN_SUBMISSION
        await self.emit(DecisionMade(
            # every submission of the form is a new event; the engine refuses a second one
            event_id=f"decision:{iid}:{uuid.uuid4().hex}", occurred_at=self.clock(),
            conversation=state.candidate or ConversationRef.of_interview(iid),
            interview_id=iid, decision=decision, decided_by=who.actor, reason=reason,
        ))
        log.info("interview %s: %s by %s", iid, decision, who.actor)
        return None

    async def _refusal(
        self, who: ReviewerRef, iid: str, decision: str
    ) -> tuple[InterviewState | None, str | None]:
        """The engine has the last word; this answers the recruiter at once."""
        if not self.gate.is_recruiter(who):
            log.info("decision by non-recruiter %s refused", who.actor)
            return None, REFUSE_DECIDE
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(iid)
            decided = await uow.reviews.decision_for(iid)
        if state is None:
            return None, UNKNOWN_SUBMISSION
        if decided is not None:  # decided before decisions were engine events
            return state, ALREADY_DECIDED
        if is_candidate(who, state.candidate):
            return state, REFUSE_DECIDE
        return state, decision_refusal(state, decision)
