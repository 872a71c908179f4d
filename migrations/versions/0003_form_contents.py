"""form contents (RULES L3, L4): models/form_content.py, for reprints of issued forms

Revision ID: 0003_form_contents
Revises: 0002_holder_sessions
Create Date: 2026-11-21 20:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_form_contents"
down_revision: str | Sequence[str] | None = "0002_holder_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_contents",
        sa.Column("form_document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_document_id"],
            ["form_documents.id"],
            name=op.f("fk_form_contents_form_document_id_form_documents"),
        ),
        sa.PrimaryKeyConstraint("form_document_id", name=op.f("pk_form_contents")),
    )


def downgrade() -> None:
    op.drop_table("form_contents")
