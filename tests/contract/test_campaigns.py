from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy.exc import IntegrityError

from conversations.events import ConversationRef
from conversations.state import Phase
from storage.db import Database
from storage.records import CampaignStatus
from storage.repositories.external_invites import ExternalIdTaken
from tests.contract.conftest import FakeClock
from tests.contract.helpers import make_campaign, make_interview, make_kit


class TestCampaignRepository:
    async def test_create_and_read_back(self, db: Database) -> None:
        kit = make_kit("Support lead", 3)
        async with db.unit_of_work() as uow:
            c = await uow.campaigns.create(kit, "src", "support", CampaignStatus.DRAFT)
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.campaigns.get(c.id) == c
            assert await uow.campaigns.by_slug("support") == c
            assert await uow.campaigns.by_slug("nope") is None
            assert await uow.campaigns.kit(c.kit_version_id) == kit
            assert c.title == "Support lead" and c.status is CampaignStatus.DRAFT
            assert c.created_at.tzinfo is not None

    async def test_slug_is_unique(self, db: Database) -> None:
        await make_campaign(db, "dup")
        with pytest.raises(IntegrityError):
            async with db.unit_of_work() as uow:
                await uow.campaigns.create(make_kit(), "src", "dup", "live")

    async def test_versions_are_immutable(self, db: Database) -> None:
        c = await make_campaign(db)
        edited = make_kit("Backend engineer v2", 4)
        async with db.unit_of_work() as uow:
            v2 = await uow.campaigns.add_version(c.id, edited, "edited src")
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert v2 != c.kit_version_id
            assert await uow.campaigns.kit(c.kit_version_id) == make_kit()
            assert await uow.campaigns.kit(v2) == edited
            current = await uow.campaigns.get(c.id)
            assert current is not None and current.kit_version_id == v2
            assert current.title == "Backend engineer v2"
            versions = await uow.campaigns.versions(c.id)
            assert [v.version_no for v in versions] == [1, 2]
            assert [v.source_yaml for v in versions] == ["title: x\n", "edited src"]

    async def test_set_status(self, db: Database) -> None:
        c = await make_campaign(db)
        async with db.unit_of_work() as uow:
            await uow.campaigns.set_status(c.id, "closed")
            await uow.commit()
        async with db.unit_of_work() as uow:
            got = await uow.campaigns.get(c.id)
            assert got is not None and got.status is CampaignStatus.CLOSED
        with pytest.raises(ValueError):
            CampaignStatus("bogus")

    async def test_summaries_count_interviews(self, db: Database, clock: FakeClock) -> None:
        c = await make_campaign(db)
        empty = await make_campaign(db, "empty")
        async with db.unit_of_work() as uow:
            states = [
                await uow.interviews.create_invite(c.id, c.kit_version_id, f"c{i}")
                for i in range(5)
            ]
            opened = replace(states[1], phase=Phase.CONSENT, opened_at=clock())
            await uow.interviews.save(opened)
            await uow.interviews.save(replace(opened, phase=Phase.PRESENTED))
            await uow.interviews.save(replace(opened, phase=Phase.WITHDRAWN))
            await uow.interviews.save(replace(states[2], phase=Phase.SUBMITTED))
            await uow.interviews.save(replace(states[3], phase=Phase.EXPIRED))
            for _ in range(2):  # two messages held for one candidate (WhatsApp window)
                item = await uow.outbox.add("send", {}, "k", states[2].interview_id)
                await uow.outbox.hold(item, "outside the window")
            await uow.outbox.mark_failed(
                await uow.outbox.add("send", {}, "k", states[3].interview_id), "131026")
            await uow.outbox.mark_failed(  # not a candidate message: not counted
                await uow.outbox.add("review", {}, "k", states[4].interview_id), "slack")
            await uow.commit()
        async with db.unit_of_work() as uow:
            by_slug = {s.slug: s for s in await uow.campaigns.list_summaries()}
        s = by_slug["backend"]
        assert (s.invited, s.opened, s.started) == (5, 1, 2)
        assert (s.submitted, s.expired, s.withdrawn) == (1, 1, 1)
        assert (s.waiting, s.undeliverable) == (1, 1)
        e = by_slug["empty"]
        assert e.id == empty.id and (e.invited, e.submitted) == (0, 0)


class TestInterviewRepository:
    async def test_invite_token_properties(self, db: Database) -> None:
        c = await make_campaign(db)
        async with db.unit_of_work() as uow:
            states = [
                await uow.interviews.create_invite(c.id, c.kit_version_id, None)
                for _ in range(50)
            ]
            await uow.commit()
        tokens = [s.invite_token for s in states]
        assert len(set(tokens)) == 50
        assert len({s.interview_id for s in states}) == 50
        for token in tokens:
            assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 32 * 6 = 192 bits >= 128
            assert len(token) <= 64
        assert all(len(s.interview_id) == 16 for s in states)
        async with db.unit_of_work() as uow:
            assert await uow.interviews.by_token(tokens[7]) == states[7]
            assert await uow.interviews.get(states[7].interview_id) == states[7]
            assert await uow.interviews.by_token("missing") is None
            listed = await uow.interviews.list_for_campaign(c.id)
            assert {s.interview_id for s in listed} == {s.interview_id for s in states}

    async def test_interview_keeps_its_kit_version(self, db: Database) -> None:
        state = await make_interview(db)
        async with db.unit_of_work() as uow:
            await uow.campaigns.add_version(state.campaign_id, make_kit("v2"), "v2")
            await uow.commit()
        async with db.unit_of_work() as uow:
            again = await uow.interviews.get(state.interview_id)
            assert again is not None
            assert (await uow.campaigns.kit(again.kit_version_id)).title == "Backend engineer"

    async def test_save_round_trips_whole_state(self, db: Database) -> None:
        from tests.contract.test_state_codec import full_state

        base = await make_interview(db)
        state = replace(full_state(), interview_id=base.interview_id,
                        campaign_id=base.campaign_id, kit_version_id=base.kit_version_id,
                        invite_token=base.invite_token)
        async with db.unit_of_work() as uow:
            await uow.interviews.save(state)
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.interviews.get(state.interview_id) == state
            assert state.candidate is not None
            assert await uow.interviews.active_for(state.candidate.key) == state

    async def test_bind_conflict(self, db: Database) -> None:
        state = await make_interview(db)
        ann = ConversationRef("telegram", "100", "100")
        ann_again = ConversationRef("telegram", "555", "100")
        bob = ConversationRef("telegram", "200", "200")
        async with db.unit_of_work() as uow:
            assert await uow.interviews.bind(state.interview_id, ann) is True
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.interviews.bind(state.interview_id, bob) is False
            assert await uow.interviews.bind(state.interview_id, ann) is True
            assert await uow.interviews.bind(state.interview_id, ann_again) is True
            await uow.commit()
        async with db.unit_of_work() as uow:
            got = await uow.interviews.get(state.interview_id)
            assert got is not None and got.candidate == ann_again
            assert await uow.interviews.active_for(bob.key) is None

    async def test_active_for_prefers_non_final(self, db: Database, clock: FakeClock) -> None:
        first = await make_interview(db, "a")
        second = await make_interview(db, "b")
        ref = ConversationRef("slack", "D1", "U1")
        async with db.unit_of_work() as uow:
            await uow.interviews.save(replace(first, candidate=ref, phase=Phase.ANSWERING))
            await uow.commit()
        clock.advance(60)
        async with db.unit_of_work() as uow:
            await uow.interviews.save(replace(second, candidate=ref, phase=Phase.SUBMITTED))
            await uow.commit()
        async with db.unit_of_work() as uow:
            active = await uow.interviews.active_for(ref.key)
            assert active is not None and active.interview_id == first.interview_id
        clock.advance(60)
        async with db.unit_of_work() as uow:
            await uow.interviews.save(replace(first, candidate=ref, phase=Phase.WITHDRAWN))
            await uow.commit()
        async with db.unit_of_work() as uow:
            latest = await uow.interviews.active_for(ref.key)
            assert latest is not None and latest.interview_id == first.interview_id
            assert latest.phase is Phase.WITHDRAWN
            assert await uow.interviews.active_for("slack:other:") is None


class TestExternalInvites:
    async def test_an_external_id_links_one_invite_and_a_second_link_is_refused(
        self, db: Database
    ) -> None:
        first, second = await make_interview(db, "one"), await make_interview(db, "two")
        async with db.unit_of_work() as uow:
            await uow.external_invites.link("ats-1", first.interview_id)
            await uow.commit()
        with pytest.raises(ExternalIdTaken):  # what a concurrent request with that id meets
            async with db.unit_of_work() as uow:
                await uow.external_invites.link("ats-1", second.interview_id)
        async with db.unit_of_work() as uow:
            assert await uow.external_invites.interview_for("ats-1") == first.interview_id
