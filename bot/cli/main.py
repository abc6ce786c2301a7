"""`interview-bot`: the command line users and operators rely on (INTERFACE.md)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.runtime.redaction import Redactor, configured_secrets, install_log_redaction
from config.kit_loader import KitInvalid, load_kit
from config.settings import Settings

app = typer.Typer(help="Asynchronous job interviews inside messaging apps.", no_args_is_help=True)
kit_app = typer.Typer(help="Interview kits (YAML).", no_args_is_help=True)
campaign_app = typer.Typer(help="Campaigns: a kit offered to candidates.", no_args_is_help=True)
app.add_typer(kit_app, name="kit")
app.add_typer(campaign_app, name="campaign")

EXIT_INVALID = 2


def _settings() -> Settings:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    install_log_redaction(Redactor(configured_secrets(settings)))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return settings


@app.command()
def run() -> None:
    """Run the service: enabled platforms, web server, scheduler, transcription workers."""
    from bot.cli.serve import serve

    asyncio.run(serve(_settings()))


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from bot.cli.commands import migrate_database

    asyncio.run(migrate_database(_settings()))


@kit_app.command("validate")
def kit_validate(files: Annotated[list[Path], typer.Argument(exists=False)]) -> None:
    """Exit 0 when every kit is valid; else print FILE:LINE:COL: message lines, exit 2."""
    problems = 0
    for path in files:
        try:
            load_kit(path)
        except KitInvalid as exc:
            for problem in exc.problems:
                typer.echo(str(problem))
            problems += len(exc.problems)
    if problems:
        raise typer.Exit(EXIT_INVALID)
    typer.echo(f"{len(files)} kit(s) valid")


@campaign_app.command("create")
def campaign_create(
    file: Path,
    slug: Annotated[str | None, typer.Option(help="URL-safe name; from the file name")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="create as draft, not live")] = False,
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
    campaign = asyncio.run(create_campaign(settings, file, kit, slug, draft))
    typer.echo(f"{campaign.id} {campaign.slug}")
    from bot.cli.app import build_transcriber

    transcriber = build_transcriber(settings)
    if not transcriber.is_language_supported(kit.language):
        typer.echo(
            f"warning: the transcription model {transcriber.model_name} cannot transcribe "
            f"{kit.language!r}; set WHISPER_MODEL to a multilingual model (e.g. small)",
            err=True,
        )


@campaign_app.command("list")
def campaign_list() -> None:
    """One line per campaign: id, slug, status, counts."""
    from bot.cli.commands import list_campaigns

    for line in asyncio.run(list_campaigns(_settings())):
        typer.echo(line)


@app.command()
def invite(
    slug: str,
    name: Annotated[list[str] | None, typer.Option("--name", help="candidate name")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="CSV with a name column")] = None,
    channel: Annotated[str | None, typer.Option(help="telegram | whatsapp | slack")] = None,
) -> None:
    """One line per candidate: name, then one invite link per enabled channel."""
    from bot.cli.commands import create_invites, read_names

    names = list(name or []) + (read_names(csv) if csv else [])
    if not names:
        typer.echo("give at least one --name or a --csv file", err=True)
        raise typer.Exit(EXIT_INVALID)
    for line in asyncio.run(create_invites(_settings(), slug, names, channel)):
        typer.echo(line)


@app.command()
def transcribe(
    files: list[Path],
    as_json: Annotated[bool, typer.Option("--json", help="segments and timings as JSON")] = False,
) -> None:
    """Transcribe media files with the configured model."""
    from bot.cli.commands import transcribe_files

    raise typer.Exit(transcribe_files(_settings(), files, as_json))


@app.command()
def shell(slug: str, name: Annotated[str, typer.Option(help="candidate name")] = "You") -> None:
    """A real interview in this terminal: type answers, give media answers as file paths."""
    from bot.cli.shell import run_shell

    raise typer.Exit(asyncio.run(run_shell(_settings(), slug, name)))


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
    app()
