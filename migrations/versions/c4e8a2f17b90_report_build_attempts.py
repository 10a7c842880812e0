"""A report build counts its runs (``attempts``) so a build whose process stopped is resumed, at
most three times, and keeps the requesting address for the resumed run's audit.

Revision ID: c4e8a2f17b90
Revises: 89e401b306f7
Create Date: 2026-11-30 10:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c4e8a2f17b90"
down_revision = "89e401b306f7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_build", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("remote_addr", sa.String(length=45), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("report_build", schema=None) as batch_op:
        batch_op.drop_column("remote_addr")
        batch_op.drop_column("attempts")
