"""app_user.totp_secret holds the TOTP secret sealed (Fernet, about 150 characters), not in plain text.

Only the column is widened here: the migration has no app key to seal with. Secrets stored in plain
text before keep working and are sealed at their next successful use
(collector/operations/two_factor.py).

Revision ID: 4e6ccf85a62b
Revises: 2485610b9f68
Create Date: 2026-11-30 07:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "4e6ccf85a62b"
down_revision = "2485610b9f68"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(64), type_=sa.String(255), existing_nullable=True
        )


def downgrade():
    # The code before this revision cannot open a sealed secret: those users' two-factor login is
    # switched off (they enrol again); plain-text secrets stay as they are.
    app_user = sa.table(
        "app_user",
        sa.column("totp_secret", sa.String),
        sa.column("totp_enabled", sa.Boolean),
        sa.column("totp_last_step", sa.BigInteger),
    )
    op.execute(
        app_user.update()
        .where(app_user.c.totp_secret.like("fernet:%"))
        .values(totp_secret=None, totp_enabled=False, totp_last_step=None)
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(255), type_=sa.String(64), existing_nullable=True
        )
