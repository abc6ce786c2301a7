"""What runs after a handler's transaction committed, and who wants to know."""

from __future__ import annotations

from typing import Protocol

from bot.runtime.effects import AfterCommit


class CommitListener(Protocol):
    """Told after every committed event (e.g. the transcription worker wakes on new work)."""

    def on_commit(self, after: AfterCommit) -> None: ...


class Lifecycle(Protocol):
    """Started and stopped with the service, in order (stopped in reverse)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
