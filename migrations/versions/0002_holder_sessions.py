"""holder sessions (RULES Q1, Q7): services/sessions.py, models/holder_session.py

Revision ID: 0002_holder_sessions
Revises: 0001
Create Date: 2026-11-21 20:38:21.377948
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_holder_sessions"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holder_sessions",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=12), nullable=False),
        sa.Column("card_id_code", sa.String(length=32), nullable=True),
        sa.Column("document_kind", sa.String(length=24), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("workstation", sa.String(length=32), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=24), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "document_kind IN ('resident_id', 'temporary_id', 'household_register')",
            name=op.f("ck_holder_sessions_document_kind"),
        ),
        sa.CheckConstraint(
            "via IN ('card_pin', 'id_document')", name=op.f("ck_holder_sessions_via")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_holder_sessions_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_holder_sessions_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_holder_sessions_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_holder_sessions_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holder_sessions")),
    )
    with op.batch_alter_table("holder_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_holder_sessions_card_id_code_closed_at", ["card_id_code", "closed_at"], unique=False
        )
        batch_op.create_index(
            "ix_holder_sessions_holder_id_opened_at", ["holder_id", "opened_at"], unique=False
        )
        batch_op.create_index(
            "ix_holder_sessions_office_id_opened_at", ["office_id", "opened_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("holder_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_holder_sessions_office_id_opened_at")
        batch_op.drop_index("ix_holder_sessions_holder_id_opened_at")
        batch_op.drop_index("ix_holder_sessions_card_id_code_closed_at")

    op.drop_table("holder_sessions")
