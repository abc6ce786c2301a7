"""The review post: outbox handlers that put a submission, its recordings and its aggregate
in front of reviewers, through whichever reviewer channel owns the review place.

The engine decides *when* (it emits `SubmitForReview` once every transcript is in); these
handlers only deliver, and every write that matters goes through the outbox so it survives
restarts and honours rate limits. Kinds handled here:
- `review`: post the submission once (a `review_posts` row means "posted", whatever retries
  or restarts happen), then queue one `review_upload` per recording.
- `review_upload`: attach one recording under the post.
- `review_refresh`: re-render the post from storage (progress, never values; the decision).
- `review_aggregate`: post (or, after a revision, update) the aggregate under the post.
- `review_erase`: answers were erased: attached media deleted, the post keeps no answer,
  transcript or name.
Items of one interview share the lane `review:<id>`, so they run in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from adapters.errors import RecipientUnavailable
from bot.review.places import ReviewPlaces
from bot.review.submission import Loaded, decision_view, load_submission, review_progress
from bot.runtime.clock import Clock
from bot.runtime.outbox_kinds import OutboxKind, review_lane
from config.kit import Kit
from conversations import scoring
from conversations.review_board import board_page_url
from conversations.review_port import ReviewChannel
from conversations.review_views import AggregateView, ErasedView, MediaView, SubmissionView
from conversations.scoring import Progress
from conversations.state import Phase
from storage.blobs import MediaStore
from storage.db import Database, UnitOfWork
from storage.records import OutboxItem, ReviewPost

log = logging.getLogger(__name__)

AGGREGATE_ACTION = "review_aggregate_posted"
SETTINGS_HINT = ("set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack, or TELEGRAM_REVIEW_CHAT "
                 "for a Telegram group")


@dataclass
class ReviewService:
    db: Database
    places: ReviewPlaces
    clock: Clock
    wake_outbox: Callable[[], None]
    # Recordings are read from this machine's copy (an S3 store downloads it on demand).
    store: MediaStore | None = None
    board_base: str | None = None  # PUBLIC_URL: posts link to the submission on the web board

    def _linked(self, loaded: Loaded) -> SubmissionView:
        if not self.board_base:
            return loaded.view
        return replace(loaded.view, board_url=board_page_url(self.board_base,
                                                             loaded.view.interview_id))

    async def post(self, item: OutboxItem) -> str | None:
        iid = str(item.payload["interview_id"])
        if not self.places.channels:
            log.warning("interview %s submitted; no reviewer channel is on (%s), so it stays "
                        "in the database and the audit log only", iid, SETTINGS_HINT)
            return None
        partial = bool(item.payload.get("partial"))
        async with self.db.unit_of_work(read_only=True) as uow:
            existing = await uow.reviews.post_for(iid)
            begun = await uow.reviews.pending_post_for(iid)
            loaded = None if existing else await load_submission(uow, iid, partial)
            progress = await review_progress(uow, iid, loaded.kit) if loaded else None
        if existing is not None:
            return existing.ts
        if loaded is None or progress is None:
            raise RecipientUnavailable(f"interview {iid} not found")
        place = begun.channel if begun else self.places.place_for(loaded.kit)
        channel = self.places.channel_for(place)
        ref = await self._find_or_post(channel, place, loaded, progress, begun)
        async with self.db.unit_of_work() as uow:
            await uow.reviews.save_post(iid, place, ref)
            for media in loaded.media:
                await uow.outbox.add(OutboxKind.REVIEW_UPLOAD, {
                    "interview_id": iid, "place": place, "post_ref": ref,
                    "path": media.path, "filename": media.filename, "title": media.title,
                    "kind": media.kind, "source_platform": media.source_platform,
                    "file_ref": media.file_ref,
                }, review_lane(iid), iid)
            await uow.audit.log(channel.platform, "review_posted", iid,
                                {"channel": place, "ts": ref}, self.clock())
            await uow.commit()
        log.info("review: posted interview %s to %s (ref %s, %d recording(s) to attach)",
                 iid, place, ref, len(loaded.media))
        self.wake_outbox()
        return ref

    async def _find_or_post(
        self, channel: ReviewChannel, place: str, loaded: Loaded, progress: Progress,
        begun: ReviewPost | None,
    ) -> str:
        """Post once: a post begun before a crash is looked up before posting again."""
        iid = loaded.view.interview_id
        if begun is not None:
            found = await channel.find_submission(place, iid, begun.posted_at)
            if found is not None:
                log.info("review: interview %s was posted before a restart (ref %s)", iid,
                         found)
                return found
        else:
            async with self.db.unit_of_work() as uow:
                await uow.reviews.begin_post(iid, place)
                await uow.commit()
        return await channel.post_submission(place, self._linked(loaded), progress)

    async def upload(self, item: OutboxItem) -> str | None:
        p = item.payload
        place = str(p.get("place") or p["channel"])  # rows written before the port: channel
        path = str(p["path"])
        if self.store is not None:
            path = str(await self.store.local_path(path))
        media = MediaView(
            path=path, filename=str(p["filename"]), title=str(p["title"]),
            kind=str(p.get("kind") or ""), source_platform=str(p.get("source_platform") or ""),
            file_ref=p.get("file_ref"),
        )
        post_ref = str(p.get("post_ref") or p["thread_ts"])
        return await self.places.channel_for(place).attach_media(place, post_ref, media)

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
        channel = self.places.channel_for(post.channel)
        await channel.show_progress(post.channel, post.ts, self._linked(loaded), progress,
                                    decision_view(decided))
        return post.ts

    async def erase(self, item: OutboxItem) -> str | None:
        """Delete the attached media and replace the post by a note that keeps no answer."""
        iid = str(item.payload["interview_id"])
        async with self.db.unit_of_work(read_only=True) as uow:
            found = await _post_and_kit(uow, iid)
            if found is None:
                return None
            post, kit = found
            media_refs = await uow.outbox.sent_refs(iid, OutboxKind.REVIEW_UPLOAD)
            decided = await uow.reviews.decision_for(iid)
        note = ErasedView(campaign=kit.title, why=str(item.payload.get("why", "retention")),
                          retention_days=kit.retention_days, erased_at=self.clock(),
                          decision=decision_view(decided))
        channel = self.places.channel_for(post.channel)
        await channel.show_erased(post.channel, post.ts, note, media_refs)
        log.info("review: erased interview %s from %s (%d file(s))", iid, post.channel,
                 len(media_refs))
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
        view = AggregateView(questions=kit.questions, rubric=kit.rubric, aggregate=agg,
                             comments=comments)
        earlier_ref = str(earlier[-1].detail["ts"]) if earlier else None
        channel = self.places.channel_for(post.channel)
        ref = await channel.post_aggregate(post.channel, post.ts, view, earlier_ref)
        if earlier_ref is None:
            async with self.db.unit_of_work() as uow:
                await uow.audit.log(channel.platform, AGGREGATE_ACTION, iid, {"ts": ref},
                                    self.clock())
                await uow.commit()
        return ref


async def _post_and_kit(uow: UnitOfWork, iid: str) -> tuple[ReviewPost, Kit] | None:
    """The interview's review post and its kit version, or None before it was posted."""
    post = await uow.reviews.post_for(iid)
    state = await uow.interviews.get(iid)
    if post is None or state is None:
        return None
    return post, await uow.campaigns.kit(state.kit_version_id)
