"""Interviews: the whole InterviewState as JSON plus the columns we query by."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from uuid import uuid4

from sqlalchemy import and_, delete, or_, select, update

from conversations.events import ConversationRef, Platform
from conversations.state import FINAL_PHASES, InterviewState, Phase
from storage.models import (
    AnswerPartRow,
    AnswerRow,
    InterviewRow,
    TranscriptRow,
    WebChunkRow,
    WebMessageRow,
    WebRecordingRow,
    WebSessionRow,
)
from storage.repositories._base import Repository
from storage.state_codec import state_from_json, state_to_json

# Phases that mean "the candidate reached a question" (sticky `started` column).
_STARTED_PHASES = frozenset(
    {Phase.PRESENTED, Phase.PREPARING, Phase.ANSWERING, Phase.CONFIRMING, Phase.SUBMITTED}
)
_FINAL_VALUES = sorted(p.value for p in FINAL_PHASES)


def new_invite_token() -> str:
    """192 random bits as 32 URL-safe characters ([A-Za-z0-9_-]): fits a Telegram deep link."""
    return secrets.token_urlsafe(24)


class InterviewNotFound(LookupError):
    pass


class InterviewRepository(Repository):
    async def create_invite(
        self, campaign_id: str, kit_version_id: str, candidate_name: str | None
    ) -> InterviewState:
        state = InterviewState(
            interview_id=uuid4().hex[:16], campaign_id=campaign_id,
            kit_version_id=kit_version_id, invite_token=new_invite_token(),
            candidate_name=candidate_name,
        )
        now = self._clock()
        row = InterviewRow(id=state.interview_id, created_at=now, started=False)
        _fill(row, state, now)
        self._session.add(row)
        await self._session.flush()
        return state

    async def get(self, interview_id: str) -> InterviewState | None:
        row = await self._session.get(InterviewRow, interview_id)
        return None if row is None else state_from_json(row.state_json)

    async def by_token(self, token: str) -> InterviewState | None:
        raw = await self._session.scalar(
            select(InterviewRow.state_json).where(InterviewRow.invite_token == token)
        )
        return None if raw is None else state_from_json(raw)

    async def active_for(self, conversation_key: str) -> InterviewState | None:
        """The most recent non-final interview bound to the conversation, else the most
        recent one of any phase, else None."""
        base = select(InterviewRow.state_json).where(
            InterviewRow.conversation_key == conversation_key
        ).order_by(InterviewRow.updated_at.desc(), InterviewRow.created_at.desc()).limit(1)
        raw = await self._session.scalar(base.where(InterviewRow.phase.not_in(_FINAL_VALUES)))
        if raw is None:
            raw = await self._session.scalar(base)
        return None if raw is None else state_from_json(raw)

    async def open_for_person(
        self, campaign_id: str, platform: str, user_id: str
    ) -> InterviewState | None:
        """The person's most recent interview of the campaign that is not over yet."""
        i = InterviewRow
        raw = await self._session.scalar(
            select(i.state_json)
            .where(i.campaign_id == campaign_id, i.platform == platform,
                   i.candidate_user_id == user_id, i.phase.not_in(_FINAL_VALUES))
            .order_by(i.updated_at.desc(), i.created_at.desc()).limit(1)
        )
        return None if raw is None else state_from_json(raw)

    async def list_for_campaign(self, campaign_id: str) -> list[InterviewState]:
        rows = await self._session.scalars(
            select(InterviewRow.state_json)
            .where(InterviewRow.campaign_id == campaign_id)
            .order_by(InterviewRow.created_at, InterviewRow.id)
        )
        return [state_from_json(raw) for raw in rows]

    async def save(self, state: InterviewState) -> None:
        """Store the whole state (and refresh the indexed columns). Inserts if unknown."""
        now = self._clock()
        row = await self._session.get(InterviewRow, state.interview_id)
        if row is None:
            row = InterviewRow(id=state.interview_id, created_at=now, started=False)
            self._session.add(row)
        _fill(row, state, now)
        await self._session.flush()

    async def bind(self, interview_id: str, conversation: ConversationRef) -> bool:
        """Bind the invite to this person, atomically.

        True if it was unbound or already bound to the same person (same platform and user;
        the chat may change). False if bound to someone else: nothing is changed, and the
        caller must not save a state that claims the invite.
        """
        i = InterviewRow
        same_person = and_(
            i.platform == conversation.platform, i.candidate_user_id == conversation.user_id
        )
        n = await self._rowcount(
            update(i)
            .where(i.id == interview_id, or_(i.candidate_user_id.is_(None), same_person))
            .values(
                platform=conversation.platform, candidate_user_id=conversation.user_id,
                conversation_key=conversation.key, updated_at=self._clock(),
            )
            .execution_options(synchronize_session=False)
        )
        if n != 1:
            if await self._session.get(i, interview_id) is None:
                raise InterviewNotFound(interview_id)
            return False
        row = await self._session.get(i, interview_id, populate_existing=True)
        assert row is not None
        state = state_from_json(row.state_json)
        if state.candidate != conversation:
            row.state_json = state_to_json(replace(state, candidate=conversation))
            await self._session.flush()
        return True

    async def erase_answers(self, interview_id: str) -> list[str]:
        """Delete the interview's answers, parts and transcripts, and what its web page
        kept (the messages it showed, the browser its link is bound to).

        Returns the media paths no other remaining part refers to (blobs are shared by
        content hash), for the caller to delete after commit.
        """
        await self._erase_web_page(interview_id)
        answer_ids = select(AnswerRow.id).where(AnswerRow.interview_id == interview_id)
        mine = or_(
            AnswerPartRow.interview_id == interview_id, AnswerPartRow.answer_id.in_(answer_ids)
        )
        rows = (
            await self._session.execute(
                select(AnswerPartRow.part_id, AnswerPartRow.content_hash, AnswerPartRow.path)
                .where(mine)
            )
        ).all()
        part_ids = [r.part_id for r in rows]
        t = TranscriptRow
        await self._session.execute(
            delete(t).where(or_(t.interview_id == interview_id, t.part_id.in_(part_ids)))
            .execution_options(synchronize_session=False)
        )
        await self._session.execute(
            delete(AnswerPartRow).where(AnswerPartRow.part_id.in_(part_ids))
            .execution_options(synchronize_session=False)
        )
        await self._session.execute(
            delete(AnswerRow).where(AnswerRow.interview_id == interview_id)
            .execution_options(synchronize_session=False)
        )
        paths: dict[str, str | None] = {r.path: r.content_hash for r in rows if r.path}
        if not paths:
            return []
        still_used = set(
            await self._session.scalars(
                select(AnswerPartRow.path).where(AnswerPartRow.path.in_(list(paths)))
            )
        )
        return sorted(p for p in paths if p not in still_used)

    async def _erase_web_page(self, interview_id: str) -> None:
        row = await self._session.get(InterviewRow, interview_id)
        if row is None:
            return
        await self._session.execute(
            delete(WebSessionRow).where(WebSessionRow.token == row.invite_token)
            .execution_options(synchronize_session=False))
        platform, _, rest = (row.conversation_key or "").partition(":")
        if platform == Platform.WEB:  # "web:<page key>:": the page is keyed by its chat id
            for table in (WebMessageRow, WebChunkRow, WebRecordingRow):  # shown, uploaded
                await self._session.execute(
                    delete(table).where(table.page_key == rest.split(":")[0])
                    .execution_options(synchronize_session=False))


def _fill(row: InterviewRow, state: InterviewState, now: datetime) -> None:
    row.campaign_id = state.campaign_id
    row.kit_version_id = state.kit_version_id
    row.invite_token = state.invite_token
    row.candidate_name = state.candidate_name
    row.phase = state.phase.value
    if state.candidate is not None:
        row.conversation_key = state.candidate.key
        row.platform = state.candidate.platform
        row.candidate_user_id = state.candidate.user_id
    row.started = bool(row.started) or state.phase in _STARTED_PHASES
    row.opened_at = state.opened_at
    row.deadline_at = state.deadline_at
    row.submitted_at = state.submitted_at
    row.updated_at = now
    row.state_json = state_to_json(state)
