"""The daily roll-up of closed days the reports read (answer_daily, pair_daily, rollup_day), the
comments' partial index, and report builds run in the background from the panel (report_build).

Revision ID: 89e401b306f7
Revises: 4e6ccf85a62b
Create Date: 2026-11-30 07:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "89e401b306f7"
down_revision = "4e6ccf85a62b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_answer_comment",
        "answer",
        ["office_id", "submitted_at"],
        postgresql_where=sa.text("text IS NOT NULL"),
        sqlite_where=sa.text("text IS NOT NULL"),
    )
    op.create_table(
        "rollup_day",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("span", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("office_id", "day", "span"),
    )
    op.create_table(
        "answer_daily",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("span", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("department_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("option_key", sa.String(length=64), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_answer_daily_office_day", "answer_daily", ["office_id", "day", "span"])
    op.create_table(
        "pair_daily",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("span", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("overall_key", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("sum_x", sa.BigInteger(), nullable=False),
        sa.Column("sum_y", sa.BigInteger(), nullable=False),
        sa.Column("sum_xx", sa.BigInteger(), nullable=False),
        sa.Column("sum_yy", sa.BigInteger(), nullable=False),
        sa.Column("sum_xy", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_pair_daily_office_day", "pair_daily", ["office_id", "day", "span"])
    op.create_table(
        "report_build",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["requested_by_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["supersedes_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_report_build_office_created", "report_build", ["office_id", "created_at"]
    )
    op.create_index(
        "uq_report_build_active",
        "report_build",
        ["office_id", "period_start", "period_end", "reason", "lang"],
        unique=True,
        postgresql_where=sa.text("state IN ('queued', 'building')"),
        sqlite_where=sa.text("state IN ('queued', 'building')"),
    )


def downgrade():
    op.drop_index("uq_report_build_active", table_name="report_build")
    op.drop_index("ix_report_build_office_created", table_name="report_build")
    op.drop_table("report_build")
    op.drop_index("ix_pair_daily_office_day", table_name="pair_daily")
    op.drop_table("pair_daily")
    op.drop_index("ix_answer_daily_office_day", table_name="answer_daily")
    op.drop_table("answer_daily")
    op.drop_table("rollup_day")
    op.drop_index("ix_answer_comment", table_name="answer")
