"""E-mail to the office: each user's choice of messages and their language, the office's alert
threshold, and the log of messages (one row per message, unique per user, kind, subject, period).

Revision ID: 2485610b9f68
Revises: 3a9d0f6c1e27
Create Date: 2026-11-30 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2485610b9f68"
down_revision = "3a9d0f6c1e27"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("alert_mean_below", sa.Double(), server_default="3.5", nullable=False)
        )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        for name in ("notify_digest", "notify_alerts", "notify_reminders"):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False)
            )
        batch_op.add_column(
            sa.Column("notify_lang", sa.String(length=2), server_default="pl", nullable=False)
        )
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("mail_subject", sa.String(length=300), nullable=False),
        sa.Column("mail_body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "subject", "period", name="uq_notification_key"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_status")
    op.drop_table("notification")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        for name in ("notify_lang", "notify_reminders", "notify_alerts", "notify_digest"):
            batch_op.drop_column(name)
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_column("alert_mean_below")
