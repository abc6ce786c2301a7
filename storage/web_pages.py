"""What the web candidate channel keeps (`adapters/web/` reads it through its `PageStore`
port): the messages a page shows, the browser each link is bound to, and the facts a page
needs about its interview (is the token real, which countdown runs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from config.kit import Kit
from config.kit_codec import kit_from_dict
from conversations.context import question_of
from conversations.events import TimerKind
from storage.db import Database
from storage.models import (
    AnswerPartRow,
    AnswerRow,
    CampaignRow,
    InterviewRow,
    KitVersionRow,
    TimerRow,
    TranscriptRow,
    WebMessageRow,
    WebSessionRow,
)
from storage.records import TranscriptStatus
from storage.state_codec import state_from_json

COUNTDOWNS = (TimerKind.PREP_END.value, TimerKind.ANSWER_END.value)


@dataclass(frozen=True, slots=True)
class ShownMessage:
    id: int
    text: str
    buttons: tuple[tuple[str, str], ...]
    status_slot: str | None
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class Binding:
    session_hash: str
    move_code: str


@dataclass(frozen=True, slots=True)
class PageFacts:
    title: str
    phase: str
    countdown: str | None  # a TimerKind value: prep_end / answer_end
    countdown_due: datetime | None
    formats: tuple[str, ...]  # AnswerFormat values of the question the interview is on
    question_no: int  # 0: the practice question (or none yet)
    questions: int
    question_text: str
    # Captions of the candidate's own kept recordings: (question number, words said).
    captions: tuple[tuple[int, str], ...] = ()
    language: str = "en"  # the kit's


class WebPages:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_message(self, page: str, text: str, buttons: tuple[tuple[str, str], ...],
                          status_slot: str | None) -> int:
        async with self._db.unit_of_work() as uow:
            if buttons:  # the newest choices replace older ones: a page offers one set
                await uow.session.execute(
                    update(WebMessageRow)
                    .where(WebMessageRow.page_key == page)
                    .values(buttons=_pack(())))
            row = WebMessageRow(page_key=page, text=text, buttons=_pack(buttons),
                                status_slot=status_slot, sent_at=self._db.clock(),
                                edited_at=None)
            uow.session.add(row)
            await uow.session.flush()
            await uow.commit()
            return row.id

    async def edit_message(self, page: str, message_id: int, text: str,
                           buttons: tuple[tuple[str, str], ...]) -> None:
        async with self._db.unit_of_work() as uow:
            await uow.session.execute(
                update(WebMessageRow)
                .where(WebMessageRow.id == message_id, WebMessageRow.page_key == page)
                .values(text=text, buttons=_pack(buttons), edited_at=self._db.clock()))
            await uow.commit()

    async def clear_buttons(self, page: str, message_id: int) -> None:
        async with self._db.unit_of_work() as uow:
            await uow.session.execute(
                update(WebMessageRow)
                .where(WebMessageRow.id == message_id, WebMessageRow.page_key == page)
                .values(buttons=_pack(())))
            await uow.commit()

    async def messages(self, page: str) -> list[ShownMessage]:
        async with self._db.unit_of_work(read_only=True) as uow:
            rows = await uow.session.scalars(
                select(WebMessageRow).where(WebMessageRow.page_key == page)
                .order_by(WebMessageRow.id))
            return [ShownMessage(r.id, r.text, _unpack(r.buttons), r.status_slot, r.sent_at)
                    for r in rows]

    async def stored(self, content_hashes: Sequence[str]) -> set[str]:
        async with self._db.unit_of_work(read_only=True) as uow:
            found = await uow.session.scalars(
                select(AnswerPartRow.content_hash).where(
                    AnswerPartRow.content_hash.in_(list(content_hashes)),
                    AnswerPartRow.path.is_not(None)))
            return {h for h in found if h}

    async def binding(self, token: str) -> Binding | None:
        async with self._db.unit_of_work(read_only=True) as uow:
            row = await uow.session.get(WebSessionRow, token)
            return None if row is None else Binding(row.session_hash, row.move_code)

    async def bind(self, token: str, session_hash: str, move_code: str) -> bool:
        """Binds the link to this browser unless another one has it; True when it is this
        browser's now."""
        async with self._db.unit_of_work() as uow:
            row = await uow.session.get(WebSessionRow, token)
            if row is not None:
                return row.session_hash == session_hash
            uow.session.add(WebSessionRow(token=token, session_hash=session_hash,
                                          move_code=move_code, bound_at=self._db.clock()))
            try:
                await uow.commit()
            except IntegrityError:  # another browser bound it a moment ago
                await uow.rollback()
                return await self._bound_to(token, session_hash)
            return True

    async def _bound_to(self, token: str, session_hash: str) -> bool:
        binding = await self.binding(token)
        return binding is not None and binding.session_hash == session_hash

    async def move(self, token: str, code: str, session_hash: str, new_code: str) -> bool:
        """Moves the link to this browser when `code` is the one shown on the bound one."""
        async with self._db.unit_of_work() as uow:
            row = await uow.session.get(WebSessionRow, token)
            if row is None or row.move_code != code:
                return False
            row.session_hash, row.move_code = session_hash, new_code
            row.bound_at = self._db.clock()
            await uow.commit()
            return True

    async def facts(self, token: str) -> PageFacts | None:
        """None when no invite has this token."""
        async with self._db.unit_of_work(read_only=True) as uow:
            found = (await uow.session.execute(
                select(InterviewRow.id, InterviewRow.phase, CampaignRow.title,
                       InterviewRow.state_json, KitVersionRow.kit_json)
                .join(CampaignRow, CampaignRow.id == InterviewRow.campaign_id)
                .join(KitVersionRow, KitVersionRow.id == InterviewRow.kit_version_id)
                .where(InterviewRow.invite_token == token))).first()
            if found is None:
                return None
            interview_id, phase, title, state_json, kit_json = found
            state, kit = state_from_json(state_json), kit_from_dict(kit_json)
            question = question_of(state, kit)
            timer = (await uow.session.scalars(
                select(TimerRow).where(TimerRow.interview_id == interview_id,
                                       TimerRow.kind.in_(COUNTDOWNS),
                                       TimerRow.fired_at.is_(None))
                .order_by(TimerRow.due_at.desc()))).first()
            captions = await _captions(uow.session, interview_id, kit)
            return PageFacts(title=title, phase=phase, captions=captions,
                             countdown=timer.kind if timer else None,
                             countdown_due=timer.due_at if timer else None,
                             formats=tuple(str(f) for f in question.formats),
                             question_no=max(state.question_index + 1, 0),
                             questions=len(kit.questions), question_text=question.text,
                             language=kit.language)


async def _captions(session: AsyncSession, interview_id: str, kit: Kit
                    ) -> tuple[tuple[int, str], ...]:
    numbers = {q.id: n for n, q in enumerate(kit.questions, start=1)}
    rows = await session.execute(
        select(AnswerRow.question_id, TranscriptRow.text)
        .join(AnswerPartRow, AnswerPartRow.answer_id == AnswerRow.id)
        .join(TranscriptRow, TranscriptRow.part_id == AnswerPartRow.part_id)
        .where(AnswerRow.interview_id == interview_id, AnswerRow.kept.is_(True),
               AnswerRow.practice.is_(False), TranscriptRow.status == TranscriptStatus.DONE)
        .order_by(AnswerRow.id, AnswerPartRow.seq))
    return tuple((numbers.get(question, 0), text) for question, text in rows if text)


def _pack(buttons: tuple[tuple[str, str], ...]) -> dict[str, list[list[str]]]:
    return {"buttons": [[label, payload] for label, payload in buttons]}


def _unpack(packed: dict[str, object]) -> tuple[tuple[str, str], ...]:
    items = packed.get("buttons")
    if not isinstance(items, list):
        return ()
    return tuple((str(i[0]), str(i[1])) for i in items if isinstance(i, list) and len(i) == 2)
