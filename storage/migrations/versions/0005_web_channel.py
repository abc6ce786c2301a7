"""The web candidate channel: messages shown on the page, the browser a link is bound to.

Revision ID: 0005_web_channel
Revises: 0003_whatsapp_window
Create Date: 2026-12-05 00:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_web_channel'
down_revision: str | None = '0003_whatsapp_window'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('web_messages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('page_key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('buttons', sa.JSON(), nullable=False),
    sa.Column('status_slot', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_messages'))
    )
    with op.batch_alter_table('web_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_messages_page_key'), ['page_key'], unique=False)
    op.create_table('web_sessions',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('move_code', sa.String(length=16), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_web_sessions'))
    )


def downgrade() -> None:
    op.drop_table('web_sessions')
    with op.batch_alter_table('web_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_messages_page_key'))
    op.drop_table('web_messages')
