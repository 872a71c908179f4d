"""service cases and the holder's rating (RULES E1-E4)

Placeholder revision reserved so parallel work keeps one linear history; it changes
nothing until filled in.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0007_cases_ratings"
down_revision: str | Sequence[str] | None = "0006_audit_chains"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
