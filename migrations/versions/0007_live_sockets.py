"""The socket registry moves from channels to the live layer: `channel_sockets` becomes `live_sockets`,
with the namespace of each socket (`/live` or `/channels`). Rows are only open sockets, so none are copied:
every socket reconnects after a deploy and registers again.

Revision ID: 0007_live_sockets
Revises: 0006_network
"""
import sqlalchemy as sa
from alembic import op

import taskforce.dbtypes

revision = "0007_live_sockets"
down_revision = "0006_network"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_sockets',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('namespace', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('connected_at', taskforce.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('sid')
    )
    with op.batch_alter_table('live_sockets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_sockets_connected_at'), ['connected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_sockets_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_sockets_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('channel_sockets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_sockets_user_id'))
        batch_op.drop_index(batch_op.f('ix_channel_sockets_session_id'))
        batch_op.drop_index(batch_op.f('ix_channel_sockets_connected_at'))
    op.drop_table('channel_sockets')


def downgrade():
    op.create_table('channel_sockets',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('connected_at', taskforce.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('sid')
    )
    with op.batch_alter_table('channel_sockets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_sockets_connected_at'), ['connected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_sockets_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_sockets_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('live_sockets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_sockets_user_id'))
        batch_op.drop_index(batch_op.f('ix_live_sockets_session_id'))
        batch_op.drop_index(batch_op.f('ix_live_sockets_connected_at'))
    op.drop_table('live_sockets')
