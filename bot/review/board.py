"""What the web reviewer board reads (`conversations/review_board.py: BoardBackend`), over
storage and with the same permissions `Gate` as every reviewer channel: a person sees a
submission they may score (a member of its review place) or decide on (a recruiter), and
never their own. Values stay blind: a reviewer's page carries their own sheet only; the
aggregate appears once enough reviewers are done and this one has scored or is a recruiter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from adapters.errors import AdapterError
from bot.review.board_links import BoardSignIn
from bot.review.permissions import Gate, is_candidate
from bot.review.submission import Loaded, decision_view, load_submission, score_keys
from conversations import scoring
from conversations.events import ConversationRef
from conversations.review_board import (
    BoardFile,
    BoardPage,
    BoardPart,
    BoardRow,
    BoardUser,
    Segment,
)
from conversations.review_views import AggregateView, flag_summary
from conversations.state import Phase
from storage.records import ReviewDecision, TranscriptRecord, TranscriptStatus

log = logging.getLogger(__name__)
LIST_LIMIT = 200
Sheets = dict[str, dict[scoring.ScoreKey, int]]
MIME_BY_KIND = {"voice": "audio/ogg", "audio": "audio/ogg", "video": "video/mp4",
                "video_note": "video/mp4"}


@dataclass
class BoardStore(BoardSignIn):
    gate: Gate | None = None

    async def submissions(self, user: BoardUser) -> list[BoardRow]:
        async with self.db.unit_of_work(read_only=True) as uow:
            posts = await uow.board.posted_interviews(LIST_LIMIT)
        rows = []
        for iid, place in posts:
            loaded, sheets, decided = await self._load(iid)
            if loaded is None or not await self._may_see(user, place, loaded):
                continue
            keys = score_keys(loaded.kit)
            rows.append(BoardRow(
                interview_id=iid, candidate=loaded.view.candidate,
                campaign=loaded.view.campaign, submitted_at=loaded.view.submitted_at,
                progress=scoring.progress(sheets, keys, loaded.kit.reviewers_required),
                own_done=scoring.is_complete(sheets.get(user.actor, {}), keys),
                decision=decided.decision if decided else None,
                flags=flag_summary(loaded.view)))
        return rows

    async def page(self, user: BoardUser, interview_id: str) -> BoardPage | None:
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(interview_id)
            comments = await uow.reviews.comments_for(interview_id)
            transcripts = await uow.transcripts.for_interview(interview_id)
        loaded, sheets, decided = await self._load(interview_id)
        if post is None or loaded is None or not await self._may_see(user, post.channel,
                                                                      loaded):
            return None
        kit, keys = loaded.kit, score_keys(loaded.kit)
        own = sheets.get(user.actor, {})
        progress = scoring.progress(sheets, keys, kit.reviewers_required)
        own_done = scoring.is_complete(own, keys)
        agg = None
        if progress.complete and (own_done or user.recruiter):
            found = scoring.aggregate(sheets, [q.id for q in kit.questions],
                                      [d.id for d in kit.rubric], kit.reviewers_required)
            agg = AggregateView(kit.questions, kit.rubric, found, comments) if found else None
        return BoardPage(
            view=loaded.view, progress=progress, own=own, comment=comments.get(user.actor, ""),
            own_done=own_done, aggregate=agg, decision=decision_view(decided),
            parts={key: _part(p.path, p.kind, p.mime, transcripts.get(p.part_id))
                   for key, p in loaded.parts.items()},
            can_score=await self._may_score(user, post.channel, loaded.state.candidate))

    async def media(
        self, user: BoardUser, interview_id: str, question: int, part: int
    ) -> BoardFile | None:
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(interview_id)
        loaded, _, _ = await self._load(interview_id)
        if post is None or loaded is None or not await self._may_see(user, post.channel,
                                                                      loaded):
            return None
        record = loaded.parts.get((question, part))
        if record is None or not record.path or record.kind == "text":
            return None
        return BoardFile(path=record.path,
                         mime=record.mime or MIME_BY_KIND.get(record.kind, "application/"
                                                               "octet-stream"))

    async def _load(self, iid: str) -> tuple[Loaded | None, Sheets, ReviewDecision | None]:
        async with self.db.unit_of_work(read_only=True) as uow:
            state = await uow.interviews.get(iid)
            if state is None or state.phase == Phase.ERASED:
                return None, {}, None
            loaded = await load_submission(uow, iid)
            sheets = await uow.reviews.scores_for(iid)
            decided = await uow.reviews.decision_for(iid)
        return loaded, sheets, decided

    async def _may_see(self, user: BoardUser, place: str, loaded: Loaded) -> bool:
        who = user.reviewer()
        if is_candidate(who, loaded.state.candidate):
            return False
        return user.recruiter or await self._may_score(user, place, loaded.state.candidate)

    async def _may_score(
        self, user: BoardUser, place: str, candidate: ConversationRef | None
    ) -> bool:
        assert self.gate is not None, "the composition root gives the board the Gate"
        try:
            return await self.gate.can_score(user.reviewer(), place, candidate)
        except AdapterError as exc:
            log.warning("board: membership of %s in %s unknown: %s", user.actor, place, exc)
            return False


def _part(
    path: str | None, kind: str, mime: str | None, transcript: TranscriptRecord | None
) -> BoardPart:
    segments: tuple[Segment, ...] = ()
    if transcript is not None and transcript.status is TranscriptStatus.DONE:
        segments = tuple(Segment(s, e, t.strip()) for s, e, t in transcript.segments)
    return BoardPart(media=bool(path) and kind != "text",
                     mime=mime or MIME_BY_KIND.get(kind), segments=segments)
