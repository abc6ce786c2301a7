"""Roster CSVs: bad rows are reported by their line and skipped, good rows are kept."""

from __future__ import annotations

from bot.recruiting.roster import Candidate, read_roster


def test_good_rows_are_kept_and_bad_ones_reported_by_line() -> None:
    roster = read_roster(
        "\ufeffName,channel,contact\n"
        "Ann Lee,telegram,@annlee\n"
        ",whatsapp,+4470000\n"
        "\n"
        "Bo  Chen,,\n"
        "Cy,carrier-pigeon,roof\n"
        "\"Di, Jr.\",SLACK,U0DI\n")
    assert roster.candidates == [
        Candidate(2, "Ann Lee", "telegram", "@annlee"), Candidate(5, "Bo Chen"),
        Candidate(7, "Di, Jr.", "slack", "U0DI")]
    assert roster.problems == [
        "line 3: no name; skipped",
        "line 6: unknown channel “carrier-pigeon” (use telegram, whatsapp, slack, web); skipped"]


def test_one_column_without_a_header_is_one_name_a_line() -> None:
    assert [c.name for c in read_roster("Ann\nBo\n").candidates] == ["Ann", "Bo"]


def test_several_columns_need_a_name_column() -> None:
    roster = read_roster("email,first\nada@example.com,Ada\n")
    assert roster.candidates == [] and "no 'name' column" in roster.problems[0]
    assert read_roster("").problems == ["the file has no names in it"]
