"""One answer's transcript for reviewers: its parts' transcripts joined in part order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storage.records import PartRecord, TranscriptRecord, TranscriptStatus

PENDING_MARK = "[transcribing…]"


def joined_transcript(
    parts: Sequence[PartRecord], transcripts: Mapping[str, TranscriptRecord], sep: str = " "
) -> str:
    """The parts of one answer attempt (any order: sorted by ``seq`` here) as one text.

    ``transcripts`` maps part id to transcript (``uow.transcripts.for_interview(iid)``).
    Text parts give their text; a failed part shows its reason, ``[no speech detected]``,
    and a part still in the queue ``[transcribing…]``, so reviewers never read a silent gap.
    Parts with neither text nor transcript (not spoken, never queued) are left out.
    """
    pieces: list[str] = []
    for part in sorted(parts, key=lambda p: p.seq):
        piece = _piece(part, transcripts.get(part.part_id))
        if piece:
            pieces.append(piece)
    return sep.join(pieces)


def _piece(part: PartRecord, transcript: TranscriptRecord | None) -> str:
    if transcript is None:
        return (part.text or "").strip()
    if transcript.status is TranscriptStatus.DONE:
        return (transcript.text or "").strip()
    if transcript.status is TranscriptStatus.FAILED:
        return f"[{transcript.failure_reason or 'transcription failed'}]"
    return PENDING_MARK
