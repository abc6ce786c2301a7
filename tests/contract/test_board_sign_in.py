"""The web board's sign-in over each backend: a link works once and expires, a session
lasts its time and ends on sign-out, only hashes are stored, roles follow `--recruiter` and
RECRUITERS."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.review.board_links import (
    LINK_TTL,
    SESSION_TTL,
    BadReviewerName,
    BoardSignIn,
    mint_reviewer_link,
)
from config.settings import Settings
from storage.db import Database
from storage.models import BoardLinkRow, BoardSessionRow
from tests.contract.conftest import FakeClock


def _settings(**values: str) -> Settings:
    return Settings(http_host="127.0.0.1", http_port=8080, **values)  # type: ignore[arg-type]


async def test_a_link_signs_in_once_and_the_session_lasts_its_time(
    db: Database, clock: FakeClock,
) -> None:
    link = await mint_reviewer_link(db, _settings(), "ana@example.com", clock=clock)
    assert link.startswith("http://127.0.0.1:8080/review/signin/")
    token = link.rsplit("/", 1)[1]
    board = BoardSignIn(db, frozenset(), clock)
    signed = await board.sign_in(token)
    assert signed is not None
    session, user = signed
    assert (user.actor, user.recruiter) == ("web:ana@example.com", False)
    assert await board.sign_in(token) is None  # once
    assert await board.is_reviewer("web:ana@example.com")
    assert not await board.is_reviewer("web:ben")
    found = await board.user(session)
    assert found is not None and found.csrf == user.csrf
    async with db.unit_of_work(read_only=True) as uow:  # hashes only
        stored = [*await uow.session.scalars(select(BoardLinkRow.token_hash)),
                  *await uow.session.scalars(select(BoardSessionRow.token_hash))]
    assert token not in stored and session not in stored and len(stored) == 2
    clock.advance(SESSION_TTL.total_seconds() + 1)
    assert await board.user(session) is None
    again = await mint_reviewer_link(db, _settings(), "ana@example.com", clock=clock)
    assert await board.sign_in(again.rsplit("/", 1)[1]) is not None
    async with db.unit_of_work(read_only=True) as uow:  # the expired session is gone
        sessions = list(await uow.session.scalars(select(BoardSessionRow.token_hash)))
    assert len(sessions) == 1


async def test_expired_links_and_signed_out_sessions_let_nobody_in(
    db: Database, clock: FakeClock,
) -> None:
    board = BoardSignIn(db, frozenset({"slack:U42"}), clock)
    late = await mint_reviewer_link(db, _settings(), "ben", clock=clock)
    clock.advance(LINK_TTL.total_seconds() + 1)
    assert await board.sign_in(late.rsplit("/", 1)[1]) is None
    assert await board.sign_in("") is None and await board.sign_in("x" * 500) is None
    link = await mint_reviewer_link(db, _settings(PUBLIC_URL="https://hire.example.com/"),
                                    "slack:U42", clock=clock)
    assert link.startswith("https://hire.example.com/review/signin/")
    signed = await board.sign_in(link.rsplit("/", 1)[1])
    assert signed is not None and signed[1].actor == "slack:U42" and signed[1].recruiter
    await board.sign_out(signed[0])
    assert await board.user(signed[0]) is None
    rita = await mint_reviewer_link(db, _settings(), "Rita", recruiter=True, clock=clock)
    signed = await board.sign_in(rita.rsplit("/", 1)[1])
    assert signed is not None and signed[1].recruiter and signed[1].actor == "web:Rita"


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "x" * 191])
async def test_a_name_that_identifies_nobody_is_refused(
    db: Database, clock: FakeClock, name: str,
) -> None:
    with pytest.raises(BadReviewerName):
        await mint_reviewer_link(db, _settings(), name, clock=clock)
