"""WhatsApp's 24-hour window: when each candidate last wrote, and delivery statuses.

`reply_windows` keeps the last inbound message time per conversation; outbox rows get the
status the platform reported (sent / delivered / read / failed) and an index on the platform
message id, which status webhooks name. Held outbox rows use the status value `waiting`.

Revision ID: 0003_whatsapp_window
Revises: 0002_dead_letters
Create Date: 2026-12-05 00:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_whatsapp_window'
down_revision: str | None = '0002_dead_letters'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reply_windows',
    sa.Column('conversation_key', sa.String(length=300), nullable=False),
    sa.Column('last_inbound_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('conversation_key', name=op.f('pk_reply_windows'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_status', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_platform_message_id'),
                              ['platform_message_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_platform_message_id'))
        batch_op.drop_column('delivery_status')
    op.drop_table('reply_windows')
