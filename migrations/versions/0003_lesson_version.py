"""lessons: the edit version (optimistic locking of drafts and reviews) and where details were replaced

Revision ID: 0003_lesson_version
Revises: 0002_domains
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa

import taskforce.dbtypes


revision = '0003_lesson_version'
down_revision = '0002_domains'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        # Existing lessons start at 1, like a new one; every write raises it from there.
        batch_op.add_column(sa.Column('edit_version', sa.Integer(), server_default='1', nullable=False))

    op.create_table('lesson_replacements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('how', sa.String(length=16), nullable=False),
    sa.Column('text', sa.String(length=120), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', taskforce.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lesson_replacements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_replacements_lesson_id'), ['lesson_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lesson_replacements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_replacements_lesson_id'))
    op.drop_table('lesson_replacements')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('edit_version')
