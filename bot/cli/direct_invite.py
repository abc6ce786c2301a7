"""`interview-bot invite SLUG --slack U0123`: invites the bot delivers itself, in a Slack
direct message (`bot/recruiting/direct.py`), one line per person: name, user id, and the
link to the DM (or why the welcome could not be sent)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from bot.cli.commands import database
from bot.cli.errors import EXIT_FAILED, EXIT_INVALID, CliError
from bot.recruiting.direct import NoSuchCampaign, invite_directly, lines, read_people
from bot.runtime.catalogs import Catalogs
from bot.runtime.clock import system_clock
from config.settings import Settings

Echo = Callable[[str], None]
SLACK_COLUMN = "slack"
NOT_ON = ("Slack is not on here: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or "
          "SLACK_APP_TOKEN) to invite people in a Slack direct message (see the README)")


def slack_column(path: Path) -> tuple[list[tuple[str, str]], list[str]] | None:
    """For a CSV with a `slack` column: (name, Slack user id) of the rows that fill it, and
    the names of the rows that do not (they get invite links); None without that column."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None  # read_names reports what is wrong with the file
    people: list[tuple[str, str]] = []
    others: list[str] = []
    for row in rows:
        fields = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if SLACK_COLUMN not in fields:
            return None
        if fields[SLACK_COLUMN]:
            people.append((fields.get("name") or "", fields[SLACK_COLUMN]))
        elif fields.get("name"):
            others.append(fields["name"])
    return (people, others) if rows else None


def who_is_invited(
    names: list[str], slack: list[str], csv_file: Path | None, warn: Echo
) -> tuple[list[str], list[tuple[str, str]]]:
    """(names to get invite links, (name or "", Slack user id) to get a DM). `--name`s pair
    with `--slack` ids in order; names past the ids, and CSV rows without a Slack id, get
    links."""
    from bot.cli.invite import read_names

    direct = [(n, u) for n, u in zip(names, slack, strict=False)]
    direct += [("", u) for u in slack[len(direct):]]
    linked = names[len(slack):]
    split = slack_column(csv_file) if csv_file else None
    if split is not None:
        direct += split[0]
        linked += split[1]
    elif csv_file:
        linked += read_names(csv_file, warn)
    return linked, direct


async def create_slack_invites(
    settings: Settings, slug: str, people: list[tuple[str, str]], echo: Echo
) -> int:
    """`people` are (name or "", user id as written); the exit code."""
    from bot.cli.platform_slack import slack_inviter

    slack = slack_inviter(settings)
    if slack is None:
        raise CliError(NOT_ON, EXIT_INVALID)
    inviter, places = slack
    found, bad = read_people(inviter, [w for _, w in people], [n for n, _ in people])
    if bad:
        raise CliError(f"not a Slack user id: {', '.join(bad)} (it looks like U0123ABCD; in "
                       "Slack: the person's profile, ⋮, Copy member ID)", EXIT_INVALID)
    async with database(settings) as db:
        try:
            _, delivered = await invite_directly(db, inviter, Catalogs().render, slug, found,
                                                 "cli", system_clock, places.member_place)
        except NoSuchCampaign:
            raise CliError(f"no campaign {slug!r}; `interview-bot campaign list` shows them",
                           EXIT_INVALID) from None
    for line in lines(delivered):
        echo(line)
    return EXIT_FAILED if any(d.link is None for d in delivered) else 0
