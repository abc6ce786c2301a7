"""What the web candidate page keeps, on SQLite and PostgreSQL: its messages (the newest
choices replace older ones, edits change text in place), the browser a link is bound to
(first one wins, a code moves it), and the facts a page shows (question, countdown)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from conversations.events import ConversationRef
from storage.db import Database
from storage.web_pages import WebPages
from tests.contract.conftest import FakeClock
from tests.contract.helpers import make_interview


async def test_messages_keep_one_set_of_choices_and_take_edits(db: Database) -> None:
    pages = WebPages(db)
    first = await pages.add_message("tok", "Ready?", (("I'm ready", "p1"),), None)
    await pages.add_message("tok", "Think.", (("Start now", "p2"),), "countdown")
    await pages.add_message("other", "Elsewhere", (("Go", "p3"),), None)
    await pages.edit_message("tok", first + 1, "Thinking time is over.", ())
    shown = await pages.messages("tok")
    assert [(m.text, m.buttons, m.status_slot) for m in shown] == [
        ("Ready?", (), None), ("Thinking time is over.", (), "countdown")]
    await pages.clear_buttons("other", shown[0].id)  # another link's message: untouched
    assert (await pages.messages("other"))[0].buttons == (("Go", "p3"),)


async def test_the_first_browser_keeps_the_link_until_it_moves(db: Database) -> None:
    pages = WebPages(db)
    assert await pages.bind("tok", "hash-a", "111111")
    assert await pages.bind("tok", "hash-a", "222222")  # the same browser again
    assert not await pages.bind("tok", "hash-b", "333333")
    assert not await pages.move("tok", "999999", "hash-b", "444444")
    assert await pages.move("tok", "111111", "hash-b", "555555")
    binding = await pages.binding("tok")
    assert binding is not None and (binding.session_hash, binding.move_code) == (
        "hash-b", "555555")


async def test_facts_name_the_question_and_the_running_countdown(
        db: Database, clock: FakeClock) -> None:
    state = await make_interview(db)
    pages = WebPages(db)
    assert await pages.facts("no-such-token") is None
    facts = await pages.facts(state.invite_token)
    assert facts is not None and facts.phase == "invited" and facts.countdown is None
    assert facts.questions == 2 and facts.title == "Backend engineer"
    due = clock() + timedelta(seconds=90)
    async with db.unit_of_work() as uow:
        await uow.timers.upsert(state.interview_id, "prep_end", "q1", due)
        await uow.timers.upsert(state.interview_id, "reminder", "", due + timedelta(hours=1))
        await uow.commit()
    facts = await pages.facts(state.invite_token)
    assert facts is not None and facts.countdown == "prep_end" and facts.countdown_due == due


async def test_two_browsers_opening_at_once_bind_it_once(db: Database) -> None:
    pages = WebPages(db)
    results = await asyncio.gather(*(pages.bind("tok", f"hash-{n}", "111111") for n in range(4)),
                                   return_exceptions=True)
    assert sorted(r is True for r in results) == [False, False, False, True], results


async def test_erasing_answers_deletes_what_the_web_page_kept(db: Database) -> None:
    """The page's messages (what the engine told the candidate) and the browser binding go
    with the answers (recruiter's erase, retention); another link's page stays."""
    mine, other = await make_interview(db), await make_interview(db, "other")
    page, elsewhere = "a" * 32, "b" * 32
    async with db.unit_of_work() as uow:
        assert await uow.interviews.bind(mine.interview_id, ConversationRef("web", page, page))
        await uow.commit()
    pages = WebPages(db)
    await pages.add_message(page, "Question 1 of 2", (("Done", "done"),), None)
    await pages.add_message(elsewhere, "Hello", (), None)
    assert await pages.bind(mine.invite_token, "hash-a", "111111")
    assert await pages.bind(other.invite_token, "hash-b", "222222")
    async with db.unit_of_work() as uow:
        await uow.interviews.erase_answers(mine.interview_id)
        await uow.commit()
    assert await pages.messages(page) == []
    assert await pages.binding(mine.invite_token) is None
    assert [m.text for m in await pages.messages(elsewhere)] == ["Hello"]
    assert await pages.binding(other.invite_token) is not None
