"""The clerk's panel: paper entries with missing answers, superseded reports, the previous login.

Revision ID: 5b7c2e9d41a3
Revises: 5c1f0a2b7d3e
Create Date: 2026-11-30 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5b7c2e9d41a3"
down_revision = "5c1f0a2b7d3e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missing_answers", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_report_superseded_by_id_report"), "report", ["superseded_by_id"], ["id"]
        )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_login_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("previous_login_at")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_superseded_by_id_report"), type_="foreignkey")
        batch_op.drop_column("superseded_by_id")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("missing_answers")
