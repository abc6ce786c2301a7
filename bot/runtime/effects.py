"""Turns the engine's effects into rows written in the handler's transaction.

Nothing here talks to a platform: messages become outbox rows, timers become timer rows,
and whatever must happen after commit (scheduler jobs, waking workers, deleting erased
media) is collected in `AfterCommit` for the runtime to run once the commit succeeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.runtime.clock import Clock
from conversations.effects import (
    BindInvite,
    Cancel,
    Edit,
    Effect,
    EraseAnswers,
    FetchMedia,
    Notify,
    SaveAnswer,
    Schedule,
    Send,
    SubmitForReview,
    Transcribe,
)
from conversations.events import ConversationRef
from conversations.messages import Message, RenderedMessage
from conversations.state import InterviewState
from storage.db import UnitOfWork

log = logging.getLogger(__name__)

Renderer = Callable[[str, Message], RenderedMessage]  # (language, message) -> rendered


@dataclass
class AfterCommit:
    schedule: list[Schedule] = field(default_factory=list)
    cancel: list[Cancel] = field(default_factory=list)
    wake_outbox: bool = False
    wake_transcriber: bool = False
    erased_media: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)


def ref_to_dict(ref: ConversationRef) -> dict[str, Any]:
    return asdict(ref)


def ref_from_dict(data: dict[str, Any]) -> ConversationRef:
    return ConversationRef(**data)


def rendered_to_payload(to: ConversationRef, rendered: RenderedMessage) -> dict[str, Any]:
    return {
        "to": ref_to_dict(to),
        "text": rendered.text,
        "buttons": [list(b) for b in rendered.buttons],
        "status_slot": rendered.status_slot,
    }


def payload_to_rendered(payload: dict[str, Any]) -> tuple[ConversationRef, RenderedMessage]:
    rendered = RenderedMessage(
        text=payload["text"],
        buttons=tuple((str(label), str(data)) for label, data in payload["buttons"]),
        status_slot=payload.get("status_slot"),
    )
    return ref_from_dict(payload["to"]), rendered


@dataclass
class EffectWriter:
    render: Renderer
    clock: Clock

    async def write(
        self,
        uow: UnitOfWork,
        effect: Effect,
        state: InterviewState | None,
        after: AfterCommit,
    ) -> bool:
        """Write one effect; False only when an invite turned out bound to someone else."""
        language = state.language if state is not None else "en"
        interview_id = state.interview_id if state is not None else None
        match effect:
            case Send(to=to, message=message):
                payload = rendered_to_payload(to, self.render(language, message))
                await uow.outbox.add("send", payload, to.key, interview_id)
                after.wake_outbox = True
            case Edit(to=to, message_ref=message_ref, message=message):
                payload = rendered_to_payload(to, self.render(language, message))
                payload["message_id"] = message_ref
                await uow.outbox.add("edit", payload, to.key, interview_id)
                after.wake_outbox = True
            case Schedule():
                await uow.timers.upsert(effect.interview_id, effect.timer, effect.key, effect.at)
                after.schedule.append(effect)
            case Cancel():
                await uow.timers.cancel(effect.interview_id, effect.timer, effect.key or None)
                after.cancel.append(effect)
            case SaveAnswer():
                await uow.answers.save_attempt(effect)
            case FetchMedia():
                await uow.outbox.add("fetch_media", _fetch_payload(effect), None, interview_id)
                after.wake_outbox = True
            case Transcribe(part_id=part_id, interview_id=iid):
                await uow.transcripts.enqueue(part_id, iid)
                after.wake_transcriber = True
            case SubmitForReview(interview_id=iid, partial=partial):
                await self._submit(uow, iid, partial, after)
            case Notify(interview_id=iid, what=what, detail=detail):
                await uow.audit.log("engine", what, iid, {"detail": detail}, self.clock())
            case BindInvite(interview_id=iid, conversation=conversation):
                return await uow.interviews.bind(iid, conversation)
            case EraseAnswers(interview_id=iid, why=why):
                after.erased_media.extend(await uow.interviews.erase_answers(iid))
                await uow.audit.log("engine", "answers_erased", iid, {"why": why}, self.clock())
                if await uow.reviews.post_for(iid) is not None:  # the copies in Slack too
                    await uow.outbox.add("review_erase", {"interview_id": iid, "why": why},
                                         None, iid)
                    after.wake_outbox = True
        return True

    async def _submit(
        self, uow: UnitOfWork, interview_id: str, partial: bool, after: AfterCommit
    ) -> None:
        await uow.audit.log(
            "engine", "submitted", interview_id, {"partial": partial}, self.clock()
        )
        await uow.outbox.add(
            "review", {"interview_id": interview_id, "partial": partial}, None, interview_id
        )
        after.submitted.append(interview_id)
        after.wake_outbox = True


def _fetch_payload(effect: FetchMedia) -> dict[str, Any]:
    return {
        "interview_id": effect.interview_id,
        "part_id": effect.part_id,
        "to": ref_to_dict(effect.conversation),
        "kind": effect.kind.value,
        "file_ref": effect.file_ref,
        "size_bytes": effect.size_bytes,
        "mime": effect.mime,
    }
