"""summaries: what facilitators keep of a session's talk time once it ends

Revision ID: 0005_summaries
Revises: 0004_signposting
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_summaries"
down_revision: str | None = "0004_signposting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_summaries",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id"),
    )
    with op.batch_alter_table("session_summaries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_summaries_group_id"), ["group_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("session_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_summaries_group_id"))
    op.drop_table("session_summaries")
