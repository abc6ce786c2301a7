"""`interview-bot`: the command line users and operators rely on (INTERFACE.md).

Every mistake is answered in one or two plain lines with a non-zero exit code (`CliError`,
`errors.explain`), never a traceback. Only `run` logs INFO by default; every other command
logs warnings and errors unless `--verbose`, so what it prints is its answer.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from bot.cli.errors import EXIT_INVALID, CliError, explain
from bot.cli.plain_help import PlainHelp
from bot.cli.roles import ROLE_NEEDS_POSTGRES, WEB_NEEDS_SECRET, Role
from bot.runtime.redaction import Redactor, configured_secrets, install_log_redaction
from config.kit_loader import KitInvalid, load_kit, load_kit_with_places
from config.settings import Settings

T = TypeVar("T")


def _typer(help_text: str) -> typer.Typer:
    # Plain help (no "<bool>", "<list[str]>" type labels) and plain errors (see main()).
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None,
                       pretty_exceptions_enable=False)


app = _typer("Asynchronous job interviews inside messaging apps.")
kit_app = _typer("Interview kits (YAML).")
campaign_app = _typer("Campaigns: a kit offered to candidates.")
app.add_typer(kit_app, name="kit")
app.add_typer(campaign_app, name="campaign")

_options: dict[str, bool] = {"verbose": False}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
Slug = Annotated[str, typer.Argument(metavar="SLUG", help="the campaign's short name",
                                     show_default=False)]


@app.callback()
def _global(
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="log INFO lines to stderr")] = False,
) -> None:
    _options["verbose"] = verbose


def _settings(*, service: bool = False, log_file: Path | None = None) -> Settings:
    """Settings, and logging: INFO for the service (LOG_LEVEL), else warnings only."""
    try:
        settings = Settings()
    except ValidationError as exc:  # one plain line per wrong setting, never a traceback
        raise CliError("\n".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        ), EXIT_INVALID) from exc
    if service or _options["verbose"]:
        level = settings.log_level.upper() if service else "INFO"
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
    elif log_file is not None:  # the shell: the terminal is the conversation
        log_file.parent.mkdir(parents=True, exist_ok=True)
        level, handler = "INFO", logging.FileHandler(log_file, encoding="utf-8")
    else:
        level, handler = "WARNING", logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    install_log_redaction(Redactor(configured_secrets(settings)))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("procrastinate").setLevel(logging.WARNING)  # a line per job otherwise
    # httpx logs every request URL (WhatsApp's short-lived media URLs among them) and pywa,
    # at DEBUG, whole request bodies (candidates' answers): neither belongs in our log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("pywa").setLevel(logging.WARNING)
    # botocore (MEDIA_URL=s3://…) logs signed request headers at DEBUG.
    logging.getLogger("botocore").setLevel(logging.WARNING)
    logging.getLogger("aiobotocore").setLevel(logging.WARNING)
    return settings


def _run(work: Coroutine[Any, Any, T], settings: Settings) -> T:
    """Run a command's coroutine; failures a user can fix become plain lines."""
    try:
        return asyncio.run(work)
    except CliError:
        raise
    except Exception as exc:
        words = explain(exc, settings.database_url)
        if words is None:
            raise
        raise CliError(words) from exc


@app.command(cls=PlainHelp)
def run(
    role: Annotated[Role, typer.Option(
        "--role", help="all: everything (the default); with PostgreSQL, web: webhooks, "
        "events, outbox, timers; worker: transcription jobs")] = Role.ALL,
) -> None:
    """Run the service: enabled platforms, web server, scheduler, transcription workers."""
    from bot.cli.serve import serve

    settings = _settings(service=True)
    if role is not Role.ALL and make_url(settings.database_url).get_backend_name() != (
            "postgresql"):
        raise CliError(ROLE_NEEDS_POSTGRES.format(role=role.value), EXIT_INVALID)
    if role is Role.WEB and settings.web_secret is None:  # else each keeps its own key
        raise CliError(WEB_NEEDS_SECRET, EXIT_INVALID)
    _run(serve(settings, role), settings)


@app.command(cls=PlainHelp)
def migrate() -> None:
    """Create or upgrade the database schema."""
    from bot.cli.commands import migrate_database

    settings = _settings()
    _run(migrate_database(settings), settings)
    typer.echo("database is up to date")


@kit_app.command("validate", cls=PlainHelp)
def kit_validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="kit files (YAML)",
                                                show_default=False)],
) -> None:
    """Exit 0 when every kit is valid; else print FILE:LINE:COL: message lines, exit 2."""
    from bot.cli.kit_warnings import format_warnings
    from bot.cli.platforms import candidate_capabilities

    problems = 0
    channels = candidate_capabilities(_settings())
    for path in files:
        try:
            kit, places = load_kit_with_places(path)
        except KitInvalid as exc:
            for problem in exc.problems:
                typer.echo(str(problem))
            problems += len(exc.problems)
            continue
        for warning in format_warnings(path, kit, channels, places):
            typer.echo(warning, err=True)
    if problems:
        raise typer.Exit(EXIT_INVALID)
    typer.echo(f"{len(files)} kit(s) valid")


@campaign_app.command("create", cls=PlainHelp)
def campaign_create(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="the kit (YAML)")],
    slug: Annotated[str | None, typer.Option(metavar="SLUG",
                                             help="short name; from the file name")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="create as draft, not live")] = False,
    new_version: Annotated[bool, typer.Option(
        "--new-version", help="store the kit as a new version of an existing campaign")] = False,
) -> None:
    """Store the kit as a new campaign; prints `<id> <slug>`."""
    from bot.cli.commands import create_campaign

    try:
        kit = load_kit(file)
    except KitInvalid as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_INVALID) from exc
    settings = _settings()
    created = _run(create_campaign(settings, file, kit, slug, draft, new_version), settings)
    typer.echo(f"{created.campaign.id} {created.campaign.slug}")
    if new_version:
        typer.echo(f"kit version {created.version_no}; interviews already started keep "
                   f"theirs", err=True)
    _warn_if_not_transcribable(settings, kit.language)


def _warn_if_not_transcribable(settings: Settings, language: str) -> None:
    from bot.cli.app import build_transcriber

    transcriber = build_transcriber(settings)
    if not transcriber.is_language_supported(language):
        typer.echo(
            f"warning: the transcription model {transcriber.model_name} cannot transcribe "
            f"{language!r}; set WHISPER_MODEL to a multilingual model (e.g. small)",
            err=True,
        )


@campaign_app.command("publish", cls=PlainHelp)
def campaign_publish(slug: Slug) -> None:
    """A draft campaign goes live: candidates can open its invites."""
    from bot.cli.commands import publish_campaign

    settings = _settings()
    typer.echo(_run(publish_campaign(settings, slug), settings))


@campaign_app.command("list", cls=PlainHelp)
def campaign_list() -> None:
    """One line per campaign: id, slug, status, counts."""
    from bot.cli.commands import list_campaigns

    settings = _settings()
    for line in _run(list_campaigns(settings), settings):
        typer.echo(line)


@app.command(cls=PlainHelp)
def invite(
    slug: Slug,
    name: Annotated[list[str] | None, typer.Option("--name", metavar="NAME",
                                                   help="candidate name (repeat)")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", metavar="FILE",
                                             help="CSV with a name column; bad rows are "
                                                  "reported by line and skipped")] = None,
    channel: Annotated[str | None, typer.Option(
        metavar="CHANNEL", help="only this channel: telegram, whatsapp, slack or web")] = None,
    slack: Annotated[list[str] | None, typer.Option(
        "--slack", metavar="USER_ID",
        help="a Slack user id (repeat): the bot sends the invite in a direct message; "
             "--name gives their names in the same order")] = None,
) -> None:
    """One line per candidate: name, then one invite link per enabled channel."""
    from bot.cli.direct_invite import create_slack_invites, who_is_invited
    from bot.cli.invite import check_channel, create_invites

    def warn(line: str) -> None:
        typer.echo(line, err=True)

    check_channel(channel)
    names, direct = who_is_invited(name or [], slack or [], csv, warn)
    if not names and not direct:
        raise CliError("give at least one --name NAME, --slack USER_ID or a --csv FILE",
                       EXIT_INVALID)
    settings = _settings()
    if direct:
        code = _run(create_slack_invites(settings, slug, direct, typer.echo), settings)
        if not names:
            raise typer.Exit(code)

    raise typer.Exit(_run(create_invites(settings, slug, names, channel, typer.echo, warn),
                          settings))


@app.command(cls=PlainHelp)
def show(
    interview: Annotated[str, typer.Argument(metavar="ID-OR-TOKEN",
                                             help="an interview id or its invite token")],
) -> None:
    """What reviewers see of one interview: answers, transcripts, flags, scores, decision."""
    from bot.cli.show import show_interview

    settings = _settings()
    typer.echo(_run(show_interview(settings, interview), settings))


@app.command(cls=PlainHelp)
def submissions(slug: Slug) -> None:
    """One line per candidate who opened an invite of the campaign."""
    from bot.cli.show import list_submissions

    settings = _settings()
    for line in _run(list_submissions(settings, slug), settings):
        typer.echo(line)


@app.command(cls=PlainHelp)
def export(
    slug: Slug,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT",
                                     help="csv (a row per candidate and question) or jsonl "
                                          "(a line per candidate)")] = "csv",
) -> None:
    """Candidates, answers, transcripts, scores and decisions of a campaign, to stdout."""
    from bot.cli.show import export_campaign

    settings = _settings()
    sys.stdout.write(_run(export_campaign(settings, slug, fmt), settings))


@app.command(cls=PlainHelp)
def transcribe(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="audio or video files",
                                                show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="segments and timings as JSON")] = False,
) -> None:
    """Transcribe media files with the configured model."""
    from bot.cli.commands import transcribe_files

    raise typer.Exit(transcribe_files(_settings(), files, as_json))


@app.command(cls=PlainHelp)
def shell(
    slug: Slug,
    name: Annotated[str, typer.Option(metavar="NAME", help="the candidate's name")] = "You",
    new: Annotated[bool, typer.Option("--new", help="withdraw your open interview and "
                                                    "start over")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="show log lines here, not in the log file")
                       ] = False,
) -> None:
    """A real interview in this terminal: type answers, send files as @path."""
    from bot.cli.shell import ShellRefused, ShellSession, run_shell

    _options["verbose"] = _options["verbose"] or verbose
    log_file = Path(Settings().media_dir).parent / "shell.log"
    settings = _settings(log_file=log_file)
    note = "" if _options["verbose"] else f"  (Log lines go to {log_file}.)\n"
    try:
        code = _run(run_shell(settings, ShellSession(slug, name, new), note), settings)
    except ShellRefused as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc
    except KeyboardInterrupt:
        typer.echo("\nStopped. Your answers so far are saved; run the same command to carry on.")
        code = 130
    raise typer.Exit(code)


@app.command("reviewer-link", cls=PlainHelp)
def reviewer_link(
    name: Annotated[str, typer.Argument(metavar="EMAIL-OR-NAME",
                                        help="who the link is for (or slack:U… / telegram:…)",
                                        show_default=False)],
    recruiter: Annotated[bool, typer.Option("--recruiter", help="may also decide")] = False,
) -> None:
    """A one-time sign-in link to the web reviewer board (/review)."""
    from bot.cli.reviewer_link import reviewer_link as make_link

    settings = _settings()
    typer.echo(_run(make_link(settings, name, recruiter), settings))


@app.command("dead-letters")
def dead_letters(
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 100,
    payload: Annotated[bool, typer.Option("--payload", help="also print what was received")]
    = False,
) -> None:
    """Inbound updates set aside (malformed, or failing every time), with their reasons."""
    from bot.cli.dead_letter_listing import list_dead_letters

    lines = asyncio.run(list_dead_letters(_settings(), limit, payload))
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no dead letters")


def main() -> None:
    try:
        app()
    except CliError as exc:
        typer.echo(exc.message, err=True)
        sys.exit(exc.code)
