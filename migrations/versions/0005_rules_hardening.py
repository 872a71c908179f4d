"""rules hardening (RULES P8 one-time service password, L2 derived lapse, staff login records)

Placeholder revision reserved so parallel work keeps one linear history; it changes
nothing until filled in.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0005_rules_hardening"
down_revision: str | Sequence[str] | None = "0004_database_defences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
