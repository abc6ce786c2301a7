"""Kit versions, cached: a version never changes once stored, so a cached copy is always
right. One cache per process, shared by the handler path and the transcription worker."""

from __future__ import annotations

from dataclasses import dataclass, field

from config.kit import Kit
from storage.db import UnitOfWork


@dataclass
class KitCache:
    _kits: dict[str, Kit] = field(default_factory=dict)

    async def get(self, uow: UnitOfWork, kit_version_id: str) -> Kit:
        """Raises LookupError when the version is not stored."""
        kit = self._kits.get(kit_version_id)
        if kit is None:
            kit = self._kits[kit_version_id] = await uow.campaigns.kit(kit_version_id)
        return kit
