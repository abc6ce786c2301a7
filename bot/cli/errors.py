"""CLI mistakes and failures as one or two plain lines: never a traceback for a user.

Commands raise `CliError` with the words to print; `explain` turns the failures a user can
fix (a missing PostgreSQL database, a server that does not answer, a wrong password, a
SQLite file that cannot be opened) into such words.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from config.settings import SettingInvalid
from storage.blobs import MediaStoreUnavailable

EXIT_FAILED = 1
EXIT_INVALID = 2  # the command line, a file or a name given is wrong


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def explain(exc: BaseException, database_url: str) -> str | None:
    """Plain words for a failure the user can fix, or None (a bug: let it show)."""
    for cause in _chain(exc):
        if isinstance(cause, SettingInvalid | MediaStoreUnavailable):  # their own words are plain
            return str(cause)
        name = type(cause).__name__
        if name == "InvalidCatalogNameError":
            return _missing_database(database_url)
        if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
            return f"PostgreSQL refused to sign in ({_first_line(cause)}); check DATABASE_URL"
        if isinstance(cause, ConnectionRefusedError | TimeoutError) or name == "gaierror":
            return (f"cannot reach the database at {_where(database_url)} "
                    f"({_first_line(cause)}); is it running? Check DATABASE_URL")
        if "unable to open database file" in str(cause):
            return (f"cannot open the SQLite database {_where(database_url)}: check that its "
                    f"folder exists and is writable (DATABASE_URL)")
        if isinstance(cause, ArgumentError) or "unsupported database backend" in str(cause):
            return f"DATABASE_URL is not a database URL we can use: {_first_line(cause)}"
    return None


def _missing_database(database_url: str) -> str:
    url = make_url(database_url)
    options = " ".join(
        f"{flag} {value}" for flag, value in
        (("-h", url.host), ("-p", url.port), ("-U", url.username)) if value
    )
    command = " ".join(part for part in ("createdb", options, url.database) if part)
    return (f"the PostgreSQL database {url.database!r} does not exist on "
            f"{url.host or 'localhost'}; create it with:\n  {command}")


def _where(database_url: str) -> str:
    try:
        url = make_url(database_url)
    except ArgumentError:
        return "DATABASE_URL"
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([getattr(current, "orig", None), current.__cause__, current.__context__])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
