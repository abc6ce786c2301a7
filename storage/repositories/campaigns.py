"""Campaigns and their immutable kit versions."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import ColumnElement, case, func, select, update

from config.kit import Kit
from conversations.state import Phase
from storage.models import CampaignRow, InterviewRow, KitVersionRow, OutboxRow
from storage.records import (
    Campaign,
    CampaignStatus,
    CampaignSummary,
    KitVersion,
    OutboxStatus,
)
from storage.repositories._base import Repository

CANDIDATE_MESSAGE = "send"  # the outbox kind of a message to a candidate (bot OutboxKind.SEND)


class CampaignNotFound(LookupError):
    pass


class CampaignRepository(Repository):
    async def create(
        self, kit: Kit, source_yaml: str, slug: str, status: CampaignStatus | str
    ) -> Campaign:
        """A new campaign with its first kit version. The slug is unique (IntegrityError)."""
        now = self._clock()
        row = CampaignRow(
            id=uuid4().hex[:16], slug=slug, title=kit.title,
            status=CampaignStatus(status).value, created_at=now, current_version_id=None,
        )
        self._session.add(row)
        await self._session.flush()
        await self.add_version(row.id, kit, source_yaml)
        return _campaign(row)

    async def add_version(self, campaign_id: str, kit: Kit, source: str) -> str:
        """Append a kit version (never edits an old one); it becomes the current version."""
        from config.kit_codec import kit_to_dict

        row = await self._session.get(CampaignRow, campaign_id)
        if row is None:
            raise CampaignNotFound(campaign_id)
        last = await self._session.scalar(
            select(func.max(KitVersionRow.version_no)).where(
                KitVersionRow.campaign_id == campaign_id
            )
        )
        version = KitVersionRow(
            id=uuid4().hex[:16], campaign_id=campaign_id, version_no=(last or 0) + 1,
            source_yaml=source, kit_json=kit_to_dict(kit), created_at=self._clock(),
        )
        self._session.add(version)
        row.current_version_id = version.id
        row.title = kit.title
        await self._session.flush()
        return version.id

    async def get(self, campaign_id: str) -> Campaign | None:
        row = await self._session.get(CampaignRow, campaign_id)
        return None if row is None else _campaign(row)

    async def by_slug(self, slug: str) -> Campaign | None:
        row = await self._session.scalar(select(CampaignRow).where(CampaignRow.slug == slug))
        return None if row is None else _campaign(row)

    async def list_all(self) -> list[Campaign]:
        rows = await self._session.scalars(select(CampaignRow).order_by(CampaignRow.created_at))
        return [_campaign(r) for r in rows]

    async def kit(self, kit_version_id: str) -> Kit:
        from config.kit_codec import kit_from_dict

        row = await self._session.get(KitVersionRow, kit_version_id)
        if row is None:
            raise CampaignNotFound(f"kit version {kit_version_id}")
        return kit_from_dict(row.kit_json)

    async def kit_version(self, kit_version_id: str) -> KitVersion | None:
        row = await self._session.get(KitVersionRow, kit_version_id)
        return None if row is None else _version(row)

    async def versions(self, campaign_id: str) -> list[KitVersion]:
        rows = await self._session.scalars(
            select(KitVersionRow)
            .where(KitVersionRow.campaign_id == campaign_id)
            .order_by(KitVersionRow.version_no)
        )
        return [_version(r) for r in rows]

    async def set_status(self, campaign_id: str, status: CampaignStatus | str) -> None:
        n = await self._rowcount(
            update(CampaignRow)
            .where(CampaignRow.id == campaign_id)
            .values(status=CampaignStatus(status).value)
        )
        if n != 1:
            raise CampaignNotFound(campaign_id)

    async def list_summaries(self) -> list[CampaignSummary]:
        i = InterviewRow

        def count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

        stmt = (
            select(
                CampaignRow,
                func.count(i.id),
                count_if(i.opened_at.is_not(None)),
                count_if(i.started.is_(True)),
                count_if(i.phase == Phase.SUBMITTED.value),
                count_if(i.phase == Phase.EXPIRED.value),
                count_if(i.phase == Phase.WITHDRAWN.value),
            )
            .outerjoin(i, i.campaign_id == CampaignRow.id)
            .group_by(CampaignRow.id)
            .order_by(CampaignRow.created_at, CampaignRow.id)
        )
        waiting = await self._with_outbox_status(OutboxStatus.WAITING)
        failed = await self._with_outbox_status(OutboxStatus.FAILED, kind=CANDIDATE_MESSAGE)
        out = []
        for row, invited, opened, started, submitted, expired, withdrawn in (
            await self._session.execute(stmt)
        ).all():
            out.append(
                CampaignSummary(
                    id=row.id, slug=row.slug, title=row.title,
                    status=CampaignStatus(row.status), invited=int(invited),
                    opened=int(opened), started=int(started), submitted=int(submitted),
                    expired=int(expired), withdrawn=int(withdrawn),
                    waiting=waiting.get(row.id, 0), undeliverable=failed.get(row.id, 0),
                )
            )
        return out


    async def _with_outbox_status(
        self, status: OutboxStatus, kind: str | None = None
    ) -> dict[str, int]:
        """Per campaign, the interviews with an outbox item in `status` (waiting: held until
        the candidate writes again; failed candidate messages: undeliverable)."""
        i, o = InterviewRow, OutboxRow
        stmt = (
            select(i.campaign_id, func.count(func.distinct(o.interview_id)))
            .join(o, o.interview_id == i.id)
            .where(o.status == status.value)
            .group_by(i.campaign_id)
        )
        if kind is not None:
            stmt = stmt.where(o.kind == kind)
        rows = await self._session.execute(stmt)
        return {str(campaign): int(n) for campaign, n in rows.all()}


def _campaign(row: CampaignRow) -> Campaign:
    if row.current_version_id is None:
        raise CampaignNotFound(f"campaign {row.id} has no kit version")
    return Campaign(
        id=row.id, slug=row.slug, title=row.title, status=CampaignStatus(row.status),
        kit_version_id=row.current_version_id, created_at=row.created_at,
    )


def _version(row: KitVersionRow) -> KitVersion:
    return KitVersion(
        id=row.id, campaign_id=row.campaign_id, version_no=row.version_no,
        source_yaml=row.source_yaml, created_at=row.created_at,
    )
