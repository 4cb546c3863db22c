"""The training calendar's data version: one counter row every write of calendar data bumps, so a cached
month view is keyed by the data it was built from (see taskforce/training/versions.py).

Revision ID: 0009_training
Revises: 0008_idempotency
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_training"
down_revision = "0008_idempotency"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('training_data_version')
