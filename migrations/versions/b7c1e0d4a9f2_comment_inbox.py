"""The comment inbox: themes per office, a comment's status and why/who/when it was hidden;
corrective actions linked to the comments and items that prompted them.

Revision ID: b7c1e0d4a9f2
Revises: e94e71a184bc
Create Date: 2026-11-30 04:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7c1e0d4a9f2"
down_revision = "e94e71a184bc"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_comment_theme_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_theme")),
        sa.UniqueConstraint("office_id", "name", name="uq_comment_theme_office_name"),
    )
    with op.batch_alter_table("comment_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_theme_office_id"), ["office_id"], unique=False)
    op.create_table(
        "answer_theme",
        sa.Column(
            "answer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_answer_theme_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["comment_theme.id"],
            name=op.f("fk_answer_theme_theme_id_comment_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", "theme_id", name=op.f("pk_answer_theme")),
    )
    op.create_table(
        "corrective_action_answer",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["corrective_action.id"],
            name=op.f("fk_corrective_action_answer_action_id_corrective_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_corrective_action_answer_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "answer_id", name=op.f("pk_corrective_action_answer")),
    )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="new", nullable=False)
        )
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_answer_hidden_by_id_app_user"), "app_user", ["hidden_by_id"], ["id"]
        )
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("question_keys", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.drop_column("question_keys")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_answer_hidden_by_id_app_user"), type_="foreignkey")
        for column in ("hidden_at", "hidden_by_id", "hidden_reason", "status"):
            batch_op.drop_column(column)
    op.drop_table("corrective_action_answer")
    op.drop_table("answer_theme")
    with op.batch_alter_table("comment_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_theme_office_id"))
    op.drop_table("comment_theme")
