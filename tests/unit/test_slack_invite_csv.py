"""Who `interview-bot invite` sends a Slack DM and who gets a link (issue 12): `--name`s pair
with `--slack` ids in order; a CSV's `slack` column sends DMs, its other rows get links."""

from __future__ import annotations

from pathlib import Path

from bot.cli.direct_invite import slack_column, who_is_invited


def test_names_pair_with_slack_ids_and_the_rest_get_links() -> None:
    assert who_is_invited(["Ada", "Alan", "Grace"], ["U0ADA0001"], None, print) == (
        ["Alan", "Grace"], [("Ada", "U0ADA0001")])
    assert who_is_invited([], ["U0ADA0001", "U0BOB0001"], None, print) == (
        [], [("", "U0ADA0001"), ("", "U0BOB0001")])


def test_a_csv_slack_column(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,email,Slack\nAda Lovelace,a@x.io,U0ADA0001\nAlan,b@x.io,\n",
                      encoding="utf-8")
    assert slack_column(people) == ([("Ada Lovelace", "U0ADA0001")], ["Alan"])
    assert who_is_invited([], [], people, print) == (["Alan"], [("Ada Lovelace", "U0ADA0001")])


def test_a_csv_without_that_column_is_read_as_before(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name\nAda\nAlan\n", encoding="utf-8")
    assert slack_column(names) is None
    assert who_is_invited([], [], names, print) == (["Ada", "Alan"], [])
