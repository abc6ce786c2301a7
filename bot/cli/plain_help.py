"""Command help in plain words: typer labels arguments with Python types ("SLUG <str>",
"FILE... <list[Path]>") and wraps them in braces in the usage line; users read names."""

from __future__ import annotations

from typer import _click as click  # typer 0.29 ships its own click; its classes use it
from typer.core import TyperCommand


class PlainHelp(TyperCommand):
    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_name(param))
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments = [(_name(p), getattr(p, "help", None) or "")
                     for p in self.get_params(ctx) if p.param_type_name == "argument"]
        options = [record for p in self.get_params(ctx) if p.param_type_name == "option"
                   if (record := p.get_help_record(ctx)) is not None]
        if any(help_text for _, help_text in arguments):
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _name(param: click.Parameter) -> str:
    return param.metavar or (param.name or "").upper()
