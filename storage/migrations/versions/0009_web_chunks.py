"""The candidate page's recording chunks in the database (several replicas share them).

Revision ID: 0009_web_chunks
Revises: 0008_task_queue
Create Date: 2026-12-05 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009_web_chunks'
down_revision: str | None = '0008_task_queue'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('web_chunks',
    sa.Column('page_key', sa.String(length=64), nullable=False),
    sa.Column('recording', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('page_key', 'recording', 'seq', name=op.f('pk_web_chunks'))
    )
    op.create_table('web_recordings',
    sa.Column('page_key', sa.String(length=64), nullable=False),
    sa.Column('recording', sa.String(length=64), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('page_key', 'recording', name=op.f('pk_web_recordings'))
    )


def downgrade() -> None:
    op.drop_table('web_recordings')
    op.drop_table('web_chunks')
