"""An office may publish its results: the public page, open data and the results endpoint; an
archived report keeps its data (canonical JSON) beside its PDF.

Revision ID: 3a9d0f6c1e27
Revises: 5c1e0a7d2b91
Create Date: 2026-11-30 07:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3a9d0f6c1e27"
down_revision = "5c1e0a7d2b91"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("publish_results", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("results_published_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_json", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("data_json")
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_column("results_published_at")
        batch_op.drop_column("publish_results")
