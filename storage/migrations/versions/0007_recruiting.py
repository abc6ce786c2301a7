"""External invites: the id an applicant-tracking system gave an invite it asked for.

Revision ID: 0007_recruiting
Revises: 0006_web_board
Create Date: 2026-12-05 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007_recruiting'
down_revision: str | None = '0006_web_board'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('external_invites',
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'],
                            name=op.f('fk_external_invites_interview_id_interviews')),
    sa.PrimaryKeyConstraint('external_id', name=op.f('pk_external_invites')),
    sa.UniqueConstraint('interview_id', name=op.f('uq_external_invites_interview_id'))
    )


def downgrade() -> None:
    op.drop_table('external_invites')
