"""``counter-admin`` tests: a fresh copy of the small demo per test (tests/services/
conftest.py builds it once per run): ``sqlite_demo_url``, or ``demo_url`` on both back
ends (PostgreSQL when a server can start)."""

from __future__ import annotations

from tests.services.conftest import (
    demo_url,
    pg_demo_template,
    sqlite_demo_template,
    sqlite_demo_url,
)

__all__ = ["demo_url", "pg_demo_template", "sqlite_demo_template", "sqlite_demo_url"]
