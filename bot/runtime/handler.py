"""The one handler path every event takes (ARCHITECTURE "The runtime").

lock the conversation -> record the event id (duplicates stop here) -> load state ->
`decide` -> write state, outbox and timers in one transaction -> commit -> after-commit
work (scheduler jobs, waking the outbox and transcription workers, deleting erased media).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import OperationalError

from bot.runtime.choices import as_choice
from bot.runtime.clock import Clock
from bot.runtime.effects import AfterCommit, EffectWriter
from bot.runtime.held import ENDED, drop_held
from bot.runtime.kits import KitCache
from bot.runtime.locks import KeyedLocks
from bot.runtime.metrics import Metrics
from bot.runtime.reply_window import note_inbound
from conversations.engine import decide
from conversations.events import (
    ABOUT_AN_INTERVIEW,
    Event,
    MediaFetchFailed,
    MediaStored,
    Started,
    TimerFired,
)
from conversations.opening import Availability, refuse_opening
from conversations.state import Decision, InterviewState, Phase
from storage.db import Database, UnitOfWork
from storage.records import CampaignStatus

log = logging.getLogger(__name__)
TRANSIENT_ATTEMPTS = 4
AVAILABILITY = {CampaignStatus.DRAFT: Availability.PAUSED,  # not launched yet
                CampaignStatus.PAUSED: Availability.PAUSED,
                CampaignStatus.CLOSED: Availability.CLOSED}


class InviteAlreadyBound(Exception):
    """Another person bound the invite between our read and our write; handled by a retry."""


@dataclass
class Runtime:
    db: Database
    writer: EffectWriter
    clock: Clock
    metrics: Metrics
    after_commit: Callable[[AfterCommit], None]
    kits: KitCache = field(default_factory=KitCache)
    locks: KeyedLocks = field(default_factory=KeyedLocks)

    async def handle(self, event: Event) -> None:
        """Handle one event exactly once; safe to call again with a redelivered event."""
        started = time.perf_counter()
        try:
            # Events about an interview (timers, transcripts, erasure, decisions) carry the
            # candidate's conversation, so one key serialises everything of one interview.
            async with self.locks.hold(event.conversation.key):
                done = await self._handle_with_retries(event)
        except Exception:
            self.metrics.handler_errors.labels(event.conversation.platform).inc()
            log.exception(
                "handling failed event_id=%s platform=%s kind=%s",
                event.event_id, event.conversation.platform, type(event).__name__,
            )
            raise
        elapsed = time.perf_counter() - started
        self.metrics.event_seconds.observe(elapsed)
        if done is not None:
            self.metrics.events_handled.labels(
                event.conversation.platform, type(event).__name__
            ).inc()
            log.info(
                "handled event_id=%s kind=%s interview=%s in %.1f ms",
                event.event_id, type(event).__name__, done, elapsed * 1000,
            )

    async def _handle_with_retries(self, event: Event) -> str | None:
        """A transaction that lost a race (invite bound meanwhile, database busy) rolled
        back completely, so running the whole handling again is safe."""
        for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
            try:
                return await self._handle_locked(event)
            except InviteAlreadyBound:
                continue  # the state now shows the binding; the engine refuses politely
            except OperationalError as exc:
                if attempt == TRANSIENT_ATTEMPTS:
                    raise
                log.warning("event_id=%s: database busy (%s); retrying", event.event_id, exc)
                await asyncio.sleep(0.2 * attempt)
        return await self._handle_locked(event)

    async def _handle_locked(self, event: Event) -> str | None:
        async with self.db.unit_of_work() as uow:
            # Other processes sharing the database handle this conversation one at a time
            # too: the state read below is the latest committed one.
            await uow.lock(event.conversation.key)
            if not await uow.events.record(event.event_id):
                self.metrics.events_duplicate.labels(event.conversation.platform).inc()
                log.info("duplicate event_id=%s skipped", event.event_id)
                return None
            now = self.clock()
            caps = self.writer.capabilities(event.conversation.platform)
            released = await note_inbound(uow, event, caps, now)
            if isinstance(event, TimerFired) and not await self._mark_fired(uow, event):
                log.info("timer event %s is stale (cancelled or moved); skipped", event.event_id)
                return None
            event = await as_choice(uow, event)  # a typed number for an unshown button
            state = await self._load_state(uow, event)
            state, refused = await self._opening(uow, state, event)
            kit = (await self.kits.get_for(uow, state.kit_version_id, caps)
                   if state is not None else None)
            decision = refused or decide(state, event, now, kit)
            after = await self._persist(uow, state, decision)
            after.wake_outbox = after.wake_outbox or released
            await uow.commit()
        self.after_commit(after)
        final = decision.state or state
        return final.interview_id if final is not None else "-"

    @staticmethod
    async def _opening(
        uow: UnitOfWork, state: InterviewState | None, event: Event
    ) -> tuple[InterviewState | None, Decision | None]:
        """An invite opened for the first time: refused while its campaign is paused, closed
        or a draft (`conversations/opening.py`); else it takes the campaign's current kit
        version (an edit made after the invite applies; a started interview keeps its own)."""
        if not isinstance(event, Started) or state is None or state.phase is not Phase.INVITED:
            return state, None
        campaign = await uow.campaigns.get(state.campaign_id)
        if campaign is None:
            return state, None
        available = AVAILABILITY.get(campaign.status, Availability.OPEN)
        refused = refuse_opening(state, event, available)
        if refused is None and campaign.kit_version_id != state.kit_version_id:
            state = replace(state, kit_version_id=campaign.kit_version_id)
        return state, refused

    @staticmethod
    async def _mark_fired(uow: UnitOfWork, event: TimerFired) -> bool:
        """In the same transaction as the handling, so a timer fires exactly once."""
        return await uow.timers.mark_fired(
            event.interview_id, event.kind.value, event.timer_key, due_at=event.due_at
        )

    async def _persist(
        self, uow: UnitOfWork, before: InterviewState | None, decision: Decision
    ) -> AfterCommit:
        after = AfterCommit()
        state = decision.state
        for effect in decision.effects:
            ok = await self.writer.write(uow, effect, state, after)
            if not ok:
                raise InviteAlreadyBound()
        if state is not None and state != before:
            await uow.interviews.save(state)
            if state.phase in ENDED and (before is None or before.phase != state.phase):
                await drop_held(uow, state.interview_id, state.phase, self.clock())
        return after

    async def _load_state(self, uow: UnitOfWork, event: Event) -> InterviewState | None:
        if isinstance(event, Started):
            return await uow.interviews.by_token(event.invite_token)
        if isinstance(event, ABOUT_AN_INTERVIEW):
            return await uow.interviews.get(event.interview_id)
        if isinstance(event, MediaStored | MediaFetchFailed):
            return await uow.interviews.get(interview_id_of_part(event.part_id))
        return await uow.interviews.active_for(event.conversation.key)


def interview_id_of_part(part_id: str) -> str:
    """Part ids are `<interview_id>-<n>` (see the engine)."""
    return part_id.rsplit("-", 1)[0]
