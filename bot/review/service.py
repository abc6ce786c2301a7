"""The review post: outbox handlers that put a submission, its media and its aggregate in Slack.

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
- `review_erase` (written when answers are erased at the end of the retention period): the
  uploaded files are deleted and the post keeps no answer, transcript or name.
Items of one interview share the lane `review:<id>`, so they run in order. Reviewers'
clicks are handled by `bot/review/scoring_desk.py`.
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

from adapters.errors import RecipientUnavailable
from adapters.slack import blocks
from adapters.slack.blocks import DecisionView
from adapters.slack.transport import SlackWeb
from bot.review.submission import lane, load_submission, review_progress
from bot.runtime.clock import Clock
from bot.runtime.effects import AfterCommit
from bot.runtime.locks import KeyedLocks
from config.kit import Kit
from conversations import scoring
from conversations.state import Phase
from storage.db import Database, UnitOfWork
from storage.records import OutboxItem, ReviewDecision, ReviewPost

log = logging.getLogger(__name__)

AGGREGATE_ACTION = "review_aggregate_posted"
WAIT_FALLBACK_S = (15, 30, 60, 120, 300)  # re-check even if no wake-up came (restarts)


@dataclass
class ReviewService:
    db: Database
    slack: SlackWeb
    clock: Clock
    wake_outbox: Callable[[], None]
    default_channel: str | None
    _waiting: dict[str, bool] = field(default_factory=dict)  # interview id -> partial
    _dirty: asyncio.Event = field(default_factory=asyncio.Event)
    _locks: KeyedLocks = field(default_factory=KeyedLocks)
    _runner: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- lifecycle / wake-up

    async def start(self) -> None:
        self._runner = asyncio.create_task(self._watch(), name="review-watch")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner

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
            state = await uow.interviews.get(iid)
            erased = state is not None and state.phase == Phase.ERASED
            loaded = None if erased else await load_submission(uow, iid)
            progress = await review_progress(uow, iid, loaded.kit) if loaded else None
            decided = await uow.reviews.decision_for(iid)
        if erased:
            return await self.erase(item)  # never bring answers back into view
        if post is None or loaded is None or progress is None:
            return None
        message = blocks.submission_message(loaded.view, progress, _decision_view(decided))
        await self.slack.update(post.channel, post.ts, message)
        return post.ts

    async def erase(self, item: OutboxItem) -> str | None:
        """Delete the uploaded media and replace the post by a note that keeps no answer."""
        iid = str(item.payload["interview_id"])
        async with self.db.unit_of_work(read_only=True) as uow:
            found = await _post_and_kit(uow, iid)
            if found is None:
                return None
            post, kit = found
            file_ids = await uow.outbox.sent_refs(iid, "review_upload")
            decided = await uow.reviews.decision_for(iid)
        for file_id in file_ids:  # already-deleted files count as deleted: safe to retry
            await self.slack.delete_file(file_id)
        why = str(item.payload.get("why", "retention"))
        message = blocks.erased_message(kit.title, why, kit.retention_days, self.clock(),
                                        _decision_view(decided))
        await self.slack.update(post.channel, post.ts, message)
        log.info("review: erased interview %s from Slack (%d file(s))", iid, len(file_ids))
        return post.ts

    async def post_aggregate(self, item: OutboxItem) -> str | None:
        iid = str(item.payload["interview_id"])
        async with self.db.unit_of_work(read_only=True) as uow:
            found = await _post_and_kit(uow, iid)
            if found is None:
                return None
            post, kit = found
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


async def _post_and_kit(uow: UnitOfWork, iid: str) -> tuple[ReviewPost, Kit] | None:
    """The interview's review post and its kit version, or None before it was posted."""
    post = await uow.reviews.post_for(iid)
    state = await uow.interviews.get(iid)
    if post is None or state is None:
        return None
    return post, await uow.campaigns.kit(state.kit_version_id)


def _decision_view(decided: ReviewDecision | None) -> DecisionView | None:
    if decided is None:
        return None
    return DecisionView(decided.decision, decided.decided_by, decided.reason,
                        decided.decided_at)
