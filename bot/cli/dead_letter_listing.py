"""`interview-bot dead-letters`: inbound input that was set aside, newest first."""

from __future__ import annotations

from config.settings import Settings
from storage.db import Database
from storage.records import DeadLetter


def describe(letter: DeadLetter, with_payload: bool) -> str:
    """One tab-separated line: id, time, status, platform, event id, attempts, reason."""
    fields = [
        str(letter.id), letter.at.isoformat(timespec="seconds"), letter.status.value,
        letter.platform, letter.event_id or "-", f"attempts={letter.attempts}",
        letter.reason.replace("\n", " "),
    ]
    if with_payload:
        fields.append(letter.payload.replace("\n", " "))
    return "\t".join(fields)


async def list_dead_letters(settings: Settings, limit: int, with_payload: bool) -> list[str]:
    db = Database.from_url(settings.database_url)
    try:
        await db.migrate()
        async with db.unit_of_work(read_only=True) as uow:
            letters = await uow.dead_letters.latest(limit)
    finally:
        await db.dispose()
    return [describe(letter, with_payload) for letter in letters]
