"""Turns the engine's effects into rows written in the handler's transaction.

Nothing here talks to a platform: messages become outbox rows, timers become timer rows,
and whatever must happen after commit (scheduler jobs, waking workers, deleting erased
media) is collected in `AfterCommit` for the runtime to run once the commit succeeded.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from adapters.base import Capabilities
from bot.runtime.choices import CHOICES_SLOT
from bot.runtime.clock import Clock
from bot.runtime.outbox_kinds import OutboxKind, review_lane
from bot.runtime.reply_window import tag
from conversations.effects import (
    BindInvite,
    Cancel,
    DecisionWebhook,
    Edit,
    Effect,
    EraseAnswers,
    FetchMedia,
    Notify,
    RecordDecision,
    SaveAnswer,
    Schedule,
    Send,
    SubmitForReview,
    Transcribe,
)
from conversations.events import ConversationRef
from conversations.fitting import MAX_BUTTONS_SHOWN, fit
from conversations.messages import Attachment, Message, RenderedMessage
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
    transcribe: list[str] = field(default_factory=list)  # part ids queued now
    erased_media: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)


def ref_to_dict(ref: ConversationRef) -> dict[str, Any]:
    return asdict(ref)


def ref_from_dict(data: dict[str, Any]) -> ConversationRef:
    return ConversationRef(**data)


def rendered_to_payload(to: ConversationRef, rendered: RenderedMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "to": ref_to_dict(to),
        "text": rendered.text,
        "buttons": [list(b) for b in rendered.buttons],
        "status_slot": rendered.status_slot,
    }
    if rendered.choices:
        payload["choices"] = [list(c) for c in rendered.choices]
    if rendered.attachment is not None:
        file = rendered.attachment
        payload["attachment"] = {"file_name": file.file_name, "mime": file.mime,
                                 "data": base64.b64encode(file.data).decode("ascii")}
    return payload


def payload_buttons(payload: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(label), str(data)) for label, data in payload["buttons"])


def payload_to_rendered(payload: dict[str, Any]) -> tuple[ConversationRef, RenderedMessage]:
    rendered = RenderedMessage(
        text=payload["text"],
        buttons=payload_buttons(payload),
        status_slot=payload.get("status_slot"),
        choices=tuple((str(label), str(data)) for label, data in payload.get("choices", [])),
        attachment=_attachment(payload.get("attachment")),
    )
    return ref_from_dict(payload["to"]), rendered


def _attachment(raw: dict[str, Any] | None) -> Attachment | None:
    if raw is None:
        return None
    return Attachment(str(raw["file_name"]), str(raw["mime"]), base64.b64decode(raw["data"]))


CapabilitiesOf = Callable[[str], Capabilities | None]  # platform -> its capabilities


def _no_capabilities(platform: str) -> Capabilities | None:
    return None


@dataclass
class EffectWriter:
    render: Renderer
    clock: Clock
    decision_webhook: bool = False  # DECISION_WEBHOOK_URL is set
    # What each candidate channel can show: messages are fitted when they are written, with
    # the platform known (a long text becomes several rows; extra buttons numbered replies).
    capabilities: CapabilitiesOf = _no_capabilities

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
                await self._send(uow, to, message, language, interview_id)
                after.wake_outbox = True
            case Edit(to=to, message_ref=message_ref, message=message):
                payload = rendered_to_payload(to, self.render(language, message))
                payload["message_id"] = message_ref
                await uow.outbox.add(OutboxKind.EDIT, payload, to.key, interview_id)
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
                await uow.outbox.add(OutboxKind.FETCH_MEDIA, _fetch_payload(effect), None,
                                     interview_id)
                after.wake_outbox = True
            case Transcribe(part_id=part_id, interview_id=iid):
                if await uow.transcripts.enqueue(part_id, iid):
                    after.transcribe.append(part_id)
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
                if await uow.reviews.post_for(iid) is not None:  # the reviewers' copies too
                    await uow.outbox.add(OutboxKind.REVIEW_ERASE,
                                         {"interview_id": iid, "why": why}, None, iid)
                    after.wake_outbox = True
            case RecordDecision():
                await self._record_decision(uow, effect)
                after.wake_outbox = True
            case DecisionWebhook():
                if self.decision_webhook and state is not None:
                    await uow.outbox.add(OutboxKind.DECISION_WEBHOOK,
                                         await _webhook_payload(uow, effect, state),
                                         None, effect.interview_id)
                    after.wake_outbox = True
        return True

    async def _send(
        self, uow: UnitOfWork, to: ConversationRef, message: Message, language: str,
        interview_id: str | None,
    ) -> None:
        rendered = self.render(language, message)
        caps = self.capabilities(to.platform)
        parts = (fit(rendered, caps.max_buttons, caps.max_text_length,
                     caps.max_text_with_buttons) if caps else [rendered])
        for index, part in enumerate(parts):
            payload = rendered_to_payload(to, part)
            if caps is not None and caps.reply_window_seconds is not None:
                tag(payload, message, index, language)  # may go as a template (reply_window)
            item_id = await uow.outbox.add(OutboxKind.SEND, payload, to.key, interview_id)
        if parts[-1].choices:  # the numbers on screen now mean these buttons
            await uow.outbox.set_slot(to.key, CHOICES_SLOT, str(item_id))
        elif rendered.buttons and caps is not None and caps.max_buttons < MAX_BUTTONS_SHOWN:
            await uow.outbox.clear_slot(to.key, CHOICES_SLOT)  # real buttons replaced them

    async def _record_decision(self, uow: UnitOfWork, effect: RecordDecision) -> None:
        iid = effect.interview_id
        await uow.reviews.save_decision(iid, effect.decision, effect.decided_by, effect.reason,
                                        effect.decided_at)
        await uow.audit.log(effect.decided_by, "decision", iid,
                            {"decision": effect.decision, "reason": effect.reason},
                            effect.decided_at)
        await uow.outbox.add(OutboxKind.REVIEW_REFRESH, {"interview_id": iid},
                             review_lane(iid), iid)

    async def _submit(
        self, uow: UnitOfWork, interview_id: str, partial: bool, after: AfterCommit
    ) -> None:
        await uow.audit.log(
            "engine", "submitted", interview_id, {"partial": partial}, self.clock()
        )
        await uow.outbox.add(OutboxKind.REVIEW, {"interview_id": interview_id, "partial": partial},
                             review_lane(interview_id), interview_id)
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


async def _webhook_payload(
    uow: UnitOfWork, effect: DecisionWebhook, state: InterviewState
) -> dict[str, Any]:
    campaign = await uow.campaigns.get(state.campaign_id)
    title = campaign.title if campaign else (await uow.campaigns.kit(state.kit_version_id)).title
    return {
        "event": "interview.decided", "interview_id": effect.interview_id,
        "campaign_id": state.campaign_id, "campaign": title,
        "candidate_name": state.candidate_name, "decision": effect.decision,
        "reason": effect.reason, "decided_by": effect.decided_by,
        "decided_at": effect.decided_at.isoformat(),
        # the applicant-tracking system's own id, when it asked for this invite
        "external_id": await uow.external_invites.external_id_of(effect.interview_id),
    }
