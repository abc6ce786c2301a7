"""`interview-bot reviewer-link EMAIL-OR-NAME [--recruiter]`: a one-time sign-in link to the
web reviewer board (see `bot/review/board_links.py`)."""

from __future__ import annotations

from bot.cli.commands import database
from bot.cli.errors import EXIT_INVALID, CliError
from bot.review.board_links import BadReviewerName, mint_reviewer_link
from config.settings import Settings


async def reviewer_link(settings: Settings, name: str, recruiter: bool) -> str:
    async with database(settings) as db:
        try:
            return await mint_reviewer_link(db, settings, name, recruiter=recruiter)
        except BadReviewerName as exc:
            raise CliError(str(exc), EXIT_INVALID) from exc
