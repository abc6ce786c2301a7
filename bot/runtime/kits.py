"""Kit versions, cached: a version never changes once stored, so a cached copy is always
right. One cache per process, shared by the handler path and the transcription worker.

`get_for` gives the kit as a platform can answer it: where the channel has no video notes
(WhatsApp), a question that takes video notes takes a video instead, and its instructions
say "a video" (the engine words them from the formats it is given).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from adapters.base import Capabilities
from config.kit import AnswerFormat, Kit, Question
from storage.db import UnitOfWork


@dataclass
class KitCache:
    _kits: dict[str, Kit] = field(default_factory=dict)
    _without_notes: dict[str, Kit] = field(default_factory=dict)

    async def get(self, uow: UnitOfWork, kit_version_id: str) -> Kit:
        """Raises LookupError when the version is not stored."""
        kit = self._kits.get(kit_version_id)
        if kit is None:
            kit = self._kits[kit_version_id] = await uow.campaigns.kit(kit_version_id)
        return kit

    async def get_for(
        self, uow: UnitOfWork, kit_version_id: str, caps: Capabilities | None
    ) -> Kit:
        """The kit as answered on a channel with `caps` (None: as written)."""
        kit = await self.get(uow, kit_version_id)
        if caps is None or caps.video_notes:
            return kit
        adapted = self._without_notes.get(kit_version_id)
        if adapted is None:
            adapted = self._without_notes[kit_version_id] = without_video_notes(kit)
        return adapted


def without_video_notes(kit: Kit) -> Kit:
    practice = _video_instead(kit.practice) if kit.practice is not None else None
    return replace(kit, questions=tuple(_video_instead(q) for q in kit.questions),
                   practice=practice)


def _video_instead(question: Question) -> Question:
    if AnswerFormat.VIDEO_NOTE not in question.formats:
        return question
    formats = (AnswerFormat.VIDEO if f is AnswerFormat.VIDEO_NOTE else f
               for f in question.formats)
    return replace(question, formats=tuple(dict.fromkeys(formats)))
