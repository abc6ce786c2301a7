"""`interview-bot invite`: names in, one line per saved invite out.

The invites are committed first and their lines printed right after: looking up links
afterwards (Telegram's getMe) may fail or hang, and a token that was saved but never shown
is an invite nobody can use. Then the lines carry the bare token and one warning says why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.cli.commands import campaign_or_error, database
from bot.cli.errors import EXIT_FAILED, EXIT_INVALID, CliError
from bot.cli.invite_links import invite_links
from bot.recruiting.invites import invite_into
from bot.recruiting.roster import read_roster
from config.settings import Settings

CHANNELS = ("telegram", "whatsapp", "slack", "web")
LINKS_TIMEOUT_S = 30.0
NO_PLATFORM_HINT = (
    "hint: no candidate platform is on, so each line ends with a bare invite token; set "
    "TELEGRAM_BOT_TOKEN (or the WHATSAPP_* settings) to get links (see the README)"
)
SLACK_HINT = ("hint: a Slack invite goes to one person: give their Slack user id with "
              "--slack USER_ID (the bot sends it in a direct message), or a CSV with a "
              "'slack' column")

Echo = Callable[[str], None]


def check_channel(channel: str | None) -> str | None:
    if channel is None or channel in CHANNELS:
        return channel
    raise CliError(f"unknown channel {channel!r}; use one of: {', '.join(CHANNELS)}",
                   EXIT_INVALID)


def read_names(path: Path, warn: Echo) -> list[str]:
    """The names of a roster CSV (`bot/recruiting/roster.py`); a bad row is reported by its
    line (on stderr) and skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", EXIT_INVALID) from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{path} is not a UTF-8 text file (save the CSV as UTF-8)",
                       EXIT_INVALID) from exc
    roster = read_roster(text)
    if not roster.candidates:
        raise CliError(f"{path}: {'; '.join(roster.problems)}", EXIT_INVALID)
    for problem in roster.problems:
        warn(f"{path}: {problem}")
    return [c.name for c in roster.candidates]


async def create_invites(
    settings: Settings, slug: str, names: list[str], channel: str | None, echo: Echo,
    warn: Echo,
) -> int:
    """Saves one invite per name, prints one line per invite; the exit code."""
    async with database(settings) as db, db.unit_of_work() as uow:
        campaign = await campaign_or_error(uow, slug)
        invited = await invite_into(uow, campaign, names)
        await uow.commit()
    tokens = [s.invite_token for s in invited]
    try:
        links = await asyncio.wait_for(invite_links(settings, tokens, channel), LINKS_TIMEOUT_S)
    except (Exception, asyncio.CancelledError) as exc:
        for name, token in zip(names, tokens, strict=True):
            echo(f"{name}\t{token}")
        warn(f"warning: the {len(tokens)} invite(s) above are saved, but their links could not "
             f"be made ({_why(exc)}); each token still works in a link once that is fixed")
        if isinstance(exc, asyncio.CancelledError):
            raise
        return EXIT_FAILED
    for name, each in zip(names, links, strict=True):
        echo("\t".join([name, *each]))
    if all(each == [token] for token, each in zip(tokens, links, strict=True)):
        warn(NO_PLATFORM_HINT if channel is None else SLACK_HINT if channel == "slack" else
             f"hint: no {channel} links can be made here, so each line ends with a bare "
             f"invite token (is {channel} turned on? see the README)")
    return 0


def _why(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {LINKS_TIMEOUT_S:.0f} s"
    text = str(exc).strip().splitlines()
    detail = text[0] if text else type(exc).__name__
    return f"{type(exc).__name__}: {detail}"[:200]
