"""``counter-admin`` tests: a fresh copy of the small SQLite demo per test
(tests/services/conftest.py builds it once per run)."""

from __future__ import annotations

from tests.services.conftest import sqlite_demo_template, sqlite_demo_url

__all__ = ["sqlite_demo_template", "sqlite_demo_url"]
