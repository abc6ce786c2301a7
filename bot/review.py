"""The review post and blind scoring: outbox handlers plus the reviewer's side of the desk.

Outbox kinds handled here (every Slack write that matters goes through the outbox, so it
survives restarts and honours 429s):
- `review` (written by the runtime on SubmitForReview): post the submission once the
  interview's own transcripts are all done. While they are pending the item re-queues
  itself (no retry attempt burnt) and the interview is watched: the commit of its last
  `TranscriptReady` wakes `on_commit`, which queues the post at once. Idempotent: a
  `review_posts` row means "posted", whatever retries or restarts happen.
- `review_upload`: one answer's media file, uploaded into the post's thread.
- `review_refresh`: re-render the post from storage (progress, decision).
- `review_aggregate`: post (or, after a revision, update) the aggregate in the thread.
Items of one interview share the lane `review:<id>`, so they run in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.errors import AdapterError, RecipientUnavailable
from adapters.slack import blocks
from adapters.slack.app import Click, ScoresSubmitted
from adapters.slack.blocks import AnswerView, DecisionView, PartView, SubmissionView
from adapters.slack.transport import SlackWeb
from bot.clock import Clock
from bot.effects import AfterCommit
from bot.locks import KeyedLocks
from config.kit import Kit
from conversations import scoring
from storage.db import Database, UnitOfWork
from storage.records import AnswerRecord, OutboxItem, TranscriptRecord, TranscriptStatus

log = logging.getLogger(__name__)

AGGREGATE_ACTION = "review_aggregate_posted"
WAIT_FALLBACK_S = (15, 30, 60, 120, 300)  # re-check even if no wake-up came (restarts)


def lane(interview_id: str) -> str:
    return f"review:{interview_id}"


@dataclass
class Gate:
    """Who may do what: recruiters decide and score; review-channel members score."""

    slack: SlackWeb
    recruiters: frozenset[str]

    def is_recruiter(self, user: str) -> bool:
        return f"slack:{user}" in self.recruiters

    async def can_score(self, user: str, channel: str) -> bool:
        """Raises AdapterError when Slack cannot tell (callers say "try again")."""
        return self.is_recruiter(user) or user in await self.slack.members(channel)


@dataclass(frozen=True, slots=True)
class Loaded:
    view: SubmissionView
    kit: Kit
    media: list[dict[str, Any]]  # upload payloads (without channel/thread)


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
    answers: list[AnswerView] = []
    media: list[dict[str, Any]] = []
    for number, question in enumerate(kit.questions, start=1):
        tries = [a for a in records if a.question_id == question.id and not a.practice]
        kept = [a for a in tries if a.kept]
        chosen: AnswerRecord | None = kept[-1] if kept else None
        parts = tuple(_part_view(p.kind, p.duration_s, p.text, transcripts.get(p.part_id))
                      for p in (chosen.parts if chosen else []))
        answers.append(AnswerView(
            question=question, number=number, parts=parts,
            late=bool(chosen and chosen.late), retakes_used=max(
                (a.attempt_no for a in tries), default=0),
        ))
        for part_no, p in enumerate(chosen.parts if chosen else [], start=1):
            if p.path and p.kind != "text":
                media.append({
                    "path": p.path, "filename": blocks.media_filename(
                        number, part_no, p.kind, p.mime),
                    "title": blocks.media_title(number, part_no, p.kind, p.duration_s),
                })
    taken = None
    if state.opened_at is not None and state.submitted_at is not None:
        taken = (state.submitted_at - state.opened_at) / timedelta(seconds=1)
    view = SubmissionView(
        interview_id=interview_id, candidate=state.candidate_name or "Candidate",
        campaign=campaign.title if campaign else kit.title,
        platform=state.candidate.platform if state.candidate else "—",
        time_taken_s=taken, submitted_at=state.submitted_at,
        flags=state.flags | ({"partial"} if partial else set()),
        retakes_used=state.retakes_used, answers=tuple(answers),
    )
    return Loaded(view=view, kit=kit, media=media)


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


@dataclass
class ReviewService:
    db: Database
    slack: SlackWeb
    gate: Gate
    clock: Clock
    wake_outbox: Callable[[], None]
    default_channel: str | None
    _waiting: dict[str, bool] = field(default_factory=dict)  # interview id -> partial
    _dirty: asyncio.Event = field(default_factory=asyncio.Event)
    _locks: KeyedLocks = field(default_factory=KeyedLocks)
    _runner: asyncio.Task[None] | None = None
    _chores: set[asyncio.Task[None]] = field(default_factory=set)

    # ---------------------------------------------------------------- lifecycle / wake-up

    async def start(self) -> None:
        self._runner = asyncio.create_task(self._watch(), name="review-watch")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        if self._chores:
            await asyncio.gather(*self._chores, return_exceptions=True)

    def on_commit(self, after: AfterCommit) -> None:
        """Called after every committed event (TranscriptReady included)."""
        if self._waiting:
            self._dirty.set()

    async def _watch(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            try:
                await self._queue_ready()
            except Exception:
                log.exception("review: checking waiting submissions failed")

    async def _queue_ready(self) -> None:
        waiting = sorted(self._waiting)
        async with self.db.unit_of_work(read_only=True) as uow:
            ready = [iid for iid in waiting if await uow.transcripts.all_done(iid)]
        if not ready:
            return
        async with self.db.unit_of_work() as uow:
            for iid in ready:
                partial = self._waiting.get(iid, False)
                await uow.outbox.add("review", {"interview_id": iid, "partial": partial},
                                     lane(iid), iid)
            await uow.commit()
        for iid in ready:
            self._waiting.pop(iid, None)
        log.info("review: transcripts ready for %s; posting", ", ".join(ready))
        self.wake_outbox()

    # ---------------------------------------------------------------- outbox: the post

    async def post(self, item: OutboxItem) -> str | None:
        iid = str(item.payload["interview_id"])
        partial = bool(item.payload.get("partial")) or self._waiting.get(iid, False)
        self._waiting[iid] = partial  # before the check: a transcript finishing now wakes us
        async with self._locks.hold(iid):
            async with self.db.unit_of_work(read_only=True) as uow:
                existing = await uow.reviews.post_for(iid)
                done = existing is None and await uow.transcripts.all_done(iid)
                loaded = await load_submission(uow, iid, partial) if done else None
                progress = await review_progress(uow, iid, loaded.kit) if loaded else None
            if existing is not None:
                self._waiting.pop(iid, None)
                return existing.ts
            if not done:
                await self._wait_again(iid, item.payload)
                return None
            self._waiting.pop(iid, None)
            if loaded is None or progress is None:
                raise RecipientUnavailable(f"interview {iid} not found")
            channel = loaded.kit.review_channel or self.default_channel
            if not channel:
                raise RecipientUnavailable("no review channel (kit review_channel or "
                                           "SLACK_REVIEW_CHANNEL)")
            ts = await self.slack.post(channel, blocks.submission_message(loaded.view, progress))
            async with self.db.unit_of_work() as uow:
                await uow.reviews.save_post(iid, channel, ts)
                for media in loaded.media:
                    await uow.outbox.add("review_upload", {
                        "interview_id": iid, "channel": channel, "thread_ts": ts, **media,
                    }, lane(iid), iid)
                await uow.audit.log("slack", "review_posted", iid,
                                    {"channel": channel, "ts": ts}, self.clock())
                await uow.commit()
        log.info("review: posted interview %s to %s (ts %s, %d file(s) to upload)",
                 iid, channel, ts, len(loaded.media))
        self.wake_outbox()
        return ts

    async def _wait_again(self, iid: str, payload: dict[str, Any]) -> None:
        waits = int(payload.get("waits", 0))
        delay = WAIT_FALLBACK_S[min(waits, len(WAIT_FALLBACK_S) - 1)]
        async with self.db.unit_of_work() as uow:
            await uow.outbox.add(
                "review", {**payload, "waits": waits + 1}, f"review-wait:{iid}",
                iid, at=self.clock() + timedelta(seconds=delay),
            )
            await uow.commit()
        log.info("review: interview %s waits for its transcripts", iid)

    async def upload(self, item: OutboxItem) -> str | None:
        p = item.payload
        path = Path(str(p["path"]))
        if not await asyncio.to_thread(path.is_file):
            raise RecipientUnavailable(f"media file {path} is gone (erased?)")
        return await self.slack.upload(
            str(p["channel"]), str(p["thread_ts"]), path, str(p["filename"]), str(p["title"])
        )

    async def refresh(self, item: OutboxItem) -> str | None:
        """Re-render the post from storage: progress only (never values), the decision."""
        iid = str(item.payload["interview_id"])
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
            loaded = await load_submission(uow, iid)
            if post is None or loaded is None:
                return None
            progress = await review_progress(uow, iid, loaded.kit)
            decided = await uow.reviews.decision_for(iid)
        decision = None if decided is None else DecisionView(
            decided.decision, decided.decided_by, decided.reason, decided.decided_at)
        message = blocks.submission_message(loaded.view, progress, decision)
        await self.slack.update(post.channel, post.ts, message)
        return post.ts

    async def post_aggregate(self, item: OutboxItem) -> str | None:
        iid = str(item.payload["interview_id"])
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
            state = await uow.interviews.get(iid)
            if post is None or state is None:
                return None
            kit = await uow.campaigns.kit(state.kit_version_id)
            sheets = await uow.reviews.scores_for(iid)
            comments = await uow.reviews.comments_for(iid)
            earlier = [e for e in await uow.audit.for_interview(iid)
                       if e.action == AGGREGATE_ACTION]
        agg = scoring.aggregate(sheets, [q.id for q in kit.questions],
                                [d.id for d in kit.rubric], kit.reviewers_required)
        if agg is None:
            return None
        message = blocks.aggregate_message(kit.questions, kit.rubric, agg, comments)
        if earlier:  # a reviewer revised after the aggregate: update it in place
            ts = str(earlier[-1].detail["ts"])
            await self.slack.update(post.channel, ts, message)
            return ts
        ts = await self.slack.post(post.channel, message, thread_ts=post.ts)
        async with self.db.unit_of_work() as uow:
            await uow.audit.log("slack", AGGREGATE_ACTION, iid, {"ts": ts}, self.clock())
            await uow.commit()
        return ts

    # ---------------------------------------------------------------- desk: scoring

    async def open_scoring(self, click: Click) -> None:
        iid = click.interview_id
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
            decided = await uow.reviews.decision_for(iid)
            loaded = await load_submission(uow, iid)
            own = (await uow.reviews.scores_for(iid)).get(f"slack:{click.user}", {})
            comment = (await uow.reviews.comments_for(iid)).get(f"slack:{click.user}", "")
        if post is None or loaded is None:
            await self.slack.ephemeral(click.channel, click.user, "This submission is unknown.")
            return
        if decided is not None:
            await self.slack.ephemeral(click.channel, click.user, blocks.ALREADY_DECIDED)
            return
        refusal = await self._refusal(click.user, post.channel)
        if refusal:
            await self.slack.ephemeral(click.channel, click.user, refusal, click.response_url)
            return
        view = blocks.scoring_modal(
            iid, loaded.view.candidate, loaded.kit.questions, loaded.kit.rubric, own, comment,
            {"channel": post.channel},
        )
        try:
            await self.slack.open_view(click.trigger_id, view)
        except AdapterError as exc:
            log.warning("review: scoring view for %s not opened: %s", iid, exc)

    async def _refusal(self, user: str, channel: str) -> str | None:
        try:
            allowed = await self.gate.can_score(user, channel)
        except AdapterError as exc:
            log.warning("review: membership of %s in %s unknown: %s", user, channel, exc)
            return "Slack did not answer the membership check; please try again."
        return None if allowed else blocks.REFUSE_SCORE

    async def save_scores(self, sub: ScoresSubmitted) -> str | None:
        iid, reviewer = sub.interview_id, f"slack:{sub.user}"
        async with self.db.unit_of_work(read_only=True) as uow:
            post = await uow.reviews.post_for(iid)
        if post is None:
            return "This submission is unknown."
        refusal = await self._refusal(sub.user, post.channel)
        if refusal:
            log.info("review: scores from %s for %s refused", reviewer, iid)
            return refusal
        async with self.db.unit_of_work() as uow:
            if await uow.reviews.decision_for(iid) is not None:
                return blocks.ALREADY_DECIDED
            state = await uow.interviews.get(iid)
            if state is None:
                return "This submission is unknown."
            kit = await uow.campaigns.kit(state.kit_version_id)
            keys = score_keys(kit)
            if not scoring.is_complete(sub.scores, keys) or not all(
                    scoring.valid_score(v) for v in sub.scores.values()):
                return "Please score every question on every dimension (1-4)."
            before = await uow.reviews.scores_for(iid)
            await uow.reviews.upsert_scores(
                iid, reviewer, {k: sub.scores[k] for k in keys}, sub.comment)
            progress = await review_progress(uow, iid, kit)
            await uow.outbox.add("review_refresh", {"interview_id": iid}, lane(iid), iid)
            if progress.complete and (await uow.reviews.mark_aggregate_posted(iid)
                                      or post.aggregate_posted):
                await uow.outbox.add("review_aggregate", {"interview_id": iid}, lane(iid), iid)
            await uow.audit.log(reviewer, "scored", iid,
                                {"revision": reviewer in before}, self.clock())
            await uow.commit()
        log.info("review: %s scored %s (%d of %d done)", reviewer, iid, progress.done,
                 progress.required)
        self.wake_outbox()
        self._later(self.slack.ephemeral(sub.channel or post.channel, sub.user,
                                          blocks.SCORES_SAVED))
        return None

    def _later(self, work: Any) -> None:
        """Slow, best-effort work after the ack (e.g. an ephemeral confirmation)."""
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)
