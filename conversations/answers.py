"""The parts of the current answer attempt: adding, storing, dropping and keeping them."""

from __future__ import annotations

from dataclasses import replace

from conversations.context import Ctx, is_practice, question_of
from conversations.effects import AnswerPart, Effect, FetchMedia, SaveAnswer, Transcribe
from conversations.events import MediaReceived, MediaStored
from conversations.reviewing import with_pending_transcripts
from conversations.state import InterviewState, KeptAnswer
from conversations.validation import recorded_seconds

TEXT_KIND = "text"
SPOKEN_KINDS = frozenset({"voice", "audio", "video", "video_note"})  # what Transcribe takes


def _next_part_id(st: InterviewState) -> tuple[str, InterviewState]:
    part_id = f"{st.interview_id}-{st.next_part_no}"
    return part_id, replace(st, next_part_no=st.next_part_no + 1)


def _flag_late(st: InterviewState, late: bool) -> InterviewState:
    return replace(st, flags=st.flags | {"late"}) if late else st


def add_media(
    ctx: Ctx, st: InterviewState, event: MediaReceived, late: bool
) -> tuple[InterviewState, FetchMedia]:
    """Append an unstored media part and ask the runtime to download it."""
    part_id, st = _next_part_id(st)
    part = AnswerPart(part_id=part_id, kind=event.kind.value, duration_s=event.duration_s,
                      size_bytes=event.size_bytes, mime=event.mime, file_ref=event.file_ref,
                      stored=False, late=late)
    fetch = FetchMedia(interview_id=st.interview_id, part_id=part_id, conversation=ctx.to,
                       kind=event.kind, file_ref=event.file_ref, size_bytes=event.size_bytes,
                       mime=event.mime)
    return _flag_late(replace(st, parts=(*st.parts, part)), late), fetch


def add_text(st: InterviewState, text: str, late: bool) -> InterviewState:
    part_id, st = _next_part_id(st)
    part = AnswerPart(part_id=part_id, kind=TEXT_KIND, duration_s=None, stored=True,
                      late=late, text=text)
    return _flag_late(replace(st, parts=(*st.parts, part)), late)


def find_part(st: InterviewState, part_id: str) -> int | None:
    for index, part in enumerate(st.parts):
        if part.part_id == part_id:
            return index
    return None


def mark_stored(st: InterviewState, event: MediaStored) -> InterviewState:
    parts = tuple(
        replace(p, stored=True, size_bytes=event.size_bytes,
                duration_s=event.duration_s if event.duration_s is not None else p.duration_s)
        if p.part_id == event.part_id else p
        for p in st.parts
    )
    return replace(st, parts=parts)


def drop_part(st: InterviewState, part_id: str) -> InterviewState:
    return replace(st, parts=tuple(p for p in st.parts if p.part_id != part_id))


def has_pending(st: InterviewState) -> bool:
    return any(not p.stored for p in st.parts)


def save_attempt(ctx: Ctx, st: InterviewState, *, kept: bool) -> SaveAnswer:
    q = question_of(st, ctx.kit)
    return SaveAnswer(interview_id=st.interview_id, question_id=q.id, attempt_no=st.attempt_no,
                      parts=st.parts, kept=kept, late=any(p.late for p in st.parts),
                      practice=is_practice(st))


def keep_attempt(ctx: Ctx, st: InterviewState) -> tuple[InterviewState, tuple[Effect, ...]]:
    """Keep the current attempt: save it, transcribe its media (never practice), record it.

    Parts still downloading are not included; callers wait for them first.
    """
    stored = replace(st, parts=tuple(p for p in st.parts if p.stored))
    effects: list[Effect] = [save_attempt(ctx, stored, kept=True)]
    if is_practice(st):
        return replace(st, parts=()), tuple(effects)
    spoken = tuple(p.part_id for p in stored.parts if p.kind in SPOKEN_KINDS)
    effects.extend(Transcribe(interview_id=st.interview_id, part_id=part) for part in spoken)
    kept = KeptAnswer(question_id=question_of(st, ctx.kit).id, attempt_no=st.attempt_no,
                      duration_s=recorded_seconds(stored.parts),
                      late=any(p.late for p in stored.parts))
    st = with_pending_transcripts(st, spoken)
    return replace(st, parts=(), kept=(*st.kept, kept)), tuple(effects)
