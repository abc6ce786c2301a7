"""Initial schema: every table (datetimes are stored as UTC; see storage.types).

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23 18:37:57.634391
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001_initial'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('interview_id', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_interview_id'), ['interview_id'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current_version_id', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('slug', name=op.f('uq_campaigns_slug'))
    )
    op.create_table('decisions',
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('decision', sa.String(length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('interview_id', name=op.f('pk_decisions'))
    )
    op.create_table('message_slots',
    sa.Column('conversation_key', sa.String(length=300), nullable=False),
    sa.Column('slot', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('conversation_key', 'slot', name=op.f('pk_message_slots'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('conversation_key', sa.String(length=300), nullable=True),
    sa.Column('interview_id', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('platform_message_id', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_conversation_key'), ['conversation_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('processed_events',
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_processed_events'))
    )
    op.create_table('review_comments',
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('reviewer_id', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('interview_id', 'reviewer_id', name=op.f('pk_review_comments'))
    )
    op.create_table('review_posts',
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('ts', sa.String(length=64), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('aggregate_posted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('interview_id', name=op.f('pk_review_posts'))
    )
    op.create_table('scores',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('reviewer_id', sa.String(length=200), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('dimension_id', sa.String(length=100), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 4', name=op.f('ck_scores_score_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('interview_id', 'reviewer_id', 'question_id', 'dimension_id', name=op.f('uq_scores_interview_id'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_interview_id'), ['interview_id'], unique=False)

    op.create_table('timers',
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('interview_id', 'kind', 'key', name=op.f('pk_timers'))
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timers_due_at'), ['due_at'], unique=False)

    op.create_table('transcripts',
    sa.Column('part_id', sa.String(length=64), nullable=False),
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('segments_json', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('model', sa.String(length=100), nullable=True),
    sa.Column('audio_seconds', sa.Float(), nullable=True),
    sa.Column('processing_seconds', sa.Float(), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('part_id', name=op.f('pk_transcripts'))
    )
    with op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcripts_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index('ix_transcripts_status_created', ['status', 'created_at'], unique=False)

    op.create_table('kit_versions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('campaign_id', sa.String(length=32), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('source_yaml', sa.Text(), nullable=False),
    sa.Column('kit_json', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_kit_versions_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kit_versions')),
    sa.UniqueConstraint('campaign_id', 'version_no', name=op.f('uq_kit_versions_campaign_id'))
    )
    with op.batch_alter_table('kit_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kit_versions_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('campaign_id', sa.String(length=32), nullable=False),
    sa.Column('kit_version_id', sa.String(length=32), nullable=False),
    sa.Column('invite_token', sa.String(length=64), nullable=False),
    sa.Column('candidate_name', sa.String(length=300), nullable=True),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('conversation_key', sa.String(length=300), nullable=True),
    sa.Column('platform', sa.String(length=32), nullable=True),
    sa.Column('candidate_user_id', sa.String(length=200), nullable=True),
    sa.Column('started', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_interviews_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['kit_version_id'], ['kit_versions.id'], name=op.f('fk_interviews_kit_version_id_kit_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews')),
    sa.UniqueConstraint('invite_token', name=op.f('uq_interviews_invite_token'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_interviews_conversation_updated', ['conversation_key', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_phase'), ['phase'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('interview_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('attempt_no', sa.Integer(), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('practice', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_answers_interview_id_interviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('interview_id', 'question_id', 'attempt_no', name=op.f('uq_answers_interview_id'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_interview_id'), ['interview_id'], unique=False)

    op.create_table('answer_parts',
    sa.Column('part_id', sa.String(length=64), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('interview_id', sa.String(length=32), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('mime', sa.String(length=100), nullable=True),
    sa.Column('file_ref', sa.Text(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('path', sa.Text(), nullable=True),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_parts_answer_id_answers')),
    sa.PrimaryKeyConstraint('part_id', name=op.f('pk_answer_parts'))
    )
    with op.batch_alter_table('answer_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_parts_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_parts_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_parts_interview_id'), ['interview_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_parts_interview_id'))
        batch_op.drop_index(batch_op.f('ix_answer_parts_content_hash'))
        batch_op.drop_index(batch_op.f('ix_answer_parts_answer_id'))

    op.drop_table('answer_parts')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_interview_id'))

    op.drop_table('answers')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_phase'))
        batch_op.drop_index(batch_op.f('ix_interviews_deadline_at'))
        batch_op.drop_index('ix_interviews_conversation_updated')
        batch_op.drop_index(batch_op.f('ix_interviews_campaign_id'))

    op.drop_table('interviews')
    with op.batch_alter_table('kit_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kit_versions_campaign_id'))

    op.drop_table('kit_versions')
    with op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.drop_index('ix_transcripts_status_created')
        batch_op.drop_index(batch_op.f('ix_transcripts_interview_id'))

    op.drop_table('transcripts')
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timers_due_at'))

    op.drop_table('timers')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_interview_id'))

    op.drop_table('scores')
    op.drop_table('review_posts')
    op.drop_table('review_comments')
    op.drop_table('processed_events')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next')
        batch_op.drop_index(batch_op.f('ix_outbox_interview_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_conversation_key'))

    op.drop_table('outbox')
    op.drop_table('message_slots')
    op.drop_table('decisions')
    op.drop_table('campaigns')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_interview_id'))

    op.drop_table('audit_log')
