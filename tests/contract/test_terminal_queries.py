"""Queries the terminal (shell, `show`, `submissions`, `campaign publish`) relies on."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from conversations.events import ConversationRef
from conversations.state import Phase
from storage.db import Database
from tests.contract.conftest import T0, FakeClock
from tests.contract.helpers import make_campaign


class TestOpenForPerson:
    async def test_the_persons_latest_unfinished_interview_of_that_campaign(
        self, db: Database, clock: FakeClock
    ) -> None:
        support = await make_campaign(db, "support")
        other = await make_campaign(db, "other")
        ada = ConversationRef("shell", "c1", "ada")
        async with db.unit_of_work() as uow:
            old = await uow.interviews.create_invite(support.id, support.kit_version_id, "A")
            elsewhere = await uow.interviews.create_invite(other.id, other.kit_version_id, "A")
            done = await uow.interviews.create_invite(support.id, support.kit_version_id, "A")
            await uow.interviews.save(replace(old, candidate=ada, phase=Phase.PRESENTED))
            await uow.interviews.save(replace(elsewhere, candidate=ada, phase=Phase.CONSENT))
            await uow.commit()
        clock.advance(60)
        async with db.unit_of_work() as uow:  # newer, but over
            await uow.interviews.save(replace(done, candidate=ada, phase=Phase.SUBMITTED))
            await uow.commit()
        async with db.unit_of_work(read_only=True) as uow:
            found = await uow.interviews.open_for_person(support.id, "shell", "ada")
            assert found is not None and found.interview_id == old.interview_id
            assert await uow.interviews.open_for_person(support.id, "shell", "bob") is None
            assert await uow.interviews.open_for_person(support.id, "telegram", "ada") is None


class TestPendingTimersOutsideTerminals:
    async def test_live_terminal_interviews_are_left_to_their_terminal(
        self, db: Database
    ) -> None:
        campaign = await make_campaign(db)
        due = T0 + timedelta(minutes=5)
        async with db.unit_of_work() as uow:
            states = [await uow.interviews.create_invite(campaign.id, campaign.kit_version_id,
                                                         n) for n in ("shell", "tg", "over")]
            live_shell, telegram, finished = states
            await uow.interviews.save(replace(
                live_shell, candidate=ConversationRef("shell", "s", "u"), phase=Phase.ANSWERING))
            await uow.interviews.save(replace(
                telegram, candidate=ConversationRef("telegram", "1", "1"), phase=Phase.ANSWERING))
            await uow.interviews.save(replace(
                finished, candidate=ConversationRef("shell", "t", "u"), phase=Phase.SUBMITTED))
            for s in states:
                await uow.timers.upsert(s.interview_id, "deadline", "", due)
            await uow.commit()
        async with db.unit_of_work(read_only=True) as uow:
            everything = {t.interview_id for t in await uow.timers.pending()}
            outside = {t.interview_id for t in await uow.timers.pending(skip_live_on={"shell"})}
        assert everything == {s.interview_id for s in states}
        assert outside == {telegram.interview_id, finished.interview_id}
