"""The web reviewer board: one-time sign-in links and sessions (hashes only).

Revision ID: 0006_web_board
Revises: 0005_web_channel
Create Date: 2026-12-05 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_web_board'
down_revision: str | None = '0005_web_channel'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('board_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('recruiter', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_board_links'))
    )
    with op.batch_alter_table('board_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_links_actor'), ['actor'], unique=False)
    op.create_table('board_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('recruiter', sa.Boolean(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_board_sessions'))
    )
    with op.batch_alter_table('board_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_sessions_expires_at'), ['expires_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('board_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_sessions_expires_at'))
    op.drop_table('board_sessions')
    with op.batch_alter_table('board_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_links_actor'))
    op.drop_table('board_links')
