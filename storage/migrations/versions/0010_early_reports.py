"""Delivery reports that arrive before their message's send is recorded.

Revision ID: 0010_early_reports
Revises: 0009_web_chunks
Create Date: 2026-12-05 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_early_reports'
down_revision: str | None = '0009_web_chunks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('early_reports',
    sa.Column('platform_message_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform_message_id', 'status', name=op.f('pk_early_reports'))
    )
    op.create_index(op.f('ix_early_reports_received_at'), 'early_reports', ['received_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_early_reports_received_at'), table_name='early_reports')
    op.drop_table('early_reports')
