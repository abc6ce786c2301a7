"""`python -m bot` is `interview-bot` (used by tests to run the CLI of this checkout)."""

from bot.cli.main import main

main()
