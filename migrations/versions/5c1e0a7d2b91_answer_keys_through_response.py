"""The answer's office and version are checked through its response: drop the answer table's own
foreign keys to office and survey_version (each response fired one check per answer row for each,
duplicating the response's own two checks).

Revision ID: 5c1e0a7d2b91
Revises: 5b7c2e9d41a3
Create Date: 2026-11-30 04:50:00
"""

from alembic import op

revision = "5c1e0a7d2b91"
down_revision = "5b7c2e9d41a3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_answer_office_id_office"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_answer_version_id_survey_version"), type_="foreignkey")


def downgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_answer_version_id_survey_version"), "survey_version", ["version_id"], ["id"]
        )
        batch_op.create_foreign_key(op.f("fk_answer_office_id_office"), "office", ["office_id"], ["id"])
