"""The resident's survey: one click then updates, conditional questions, kiosk, invitation,
the hosted page's footer and refused origins per office and day.

Revision ID: e94e71a184bc
Revises: d34dda23cd44
Create Date: 2026-11-30 04:08:06
"""

import sqlalchemy as sa
from alembic import op

revision = "e94e71a184bc"
down_revision = "d34dda23cd44"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "refused_origin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_refused_origin_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_origin")),
        sa.UniqueConstraint("office_id", "day", "origin", name="uq_refused_origin_office_day"),
    )
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accessibility_url", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("info_clause", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("invite_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("invite_delay_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("invite_paths", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("invite_sample_percent", sa.Integer(), server_default="100", nullable=False)
        )
        batch_op.add_column(
            sa.Column("invite_snooze_days", sa.Integer(), server_default="90", nullable=False)
        )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("show_if", sa.JSON(), nullable=True))
    with op.batch_alter_table("response", schema=None) as batch_op:
        # Every response stored before one-click answers went to the end of its survey.
        batch_op.add_column(
            sa.Column("completed", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("completed")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("show_if")
    with op.batch_alter_table("office", schema=None) as batch_op:
        for column in (
            "invite_snooze_days",
            "invite_sample_percent",
            "invite_paths",
            "invite_delay_seconds",
            "invite_enabled",
            "info_clause",
            "accessibility_url",
        ):
            batch_op.drop_column(column)
    op.drop_table("refused_origin")
