"""``counter-admin db``: migrate the schema (alembic is the only path to it) and check that
models and migrations agree."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from counter_app import db
from counter_app.compose import settings_from


def database_url(args: argparse.Namespace) -> str:
    """``--db`` if given, else ``COUNTER_DB_URL`` / the settings file / the default file."""
    if getattr(args, "db", None):
        return str(args.db)
    return settings_from(getattr(args, "settings", None)).database_url()


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="数据库结构升级与检查 (schema migrations)")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    up = sub.add_parser("upgrade", help="升级到最新结构 (migrate to head)")
    up.add_argument("--db", help="数据库 URL (default: settings / COUNTER_DB_URL)")
    up.add_argument("revision", nargs="?", default="head", help="目标版本 (default: head)")
    up.set_defaults(func=_upgrade)

    down = sub.add_parser("downgrade", help="降级到指定版本 (base = 空库)")
    down.add_argument("revision", help="目标版本，如 base")
    down.add_argument("--db", help="数据库 URL")
    down.set_defaults(func=_downgrade)

    chk = sub.add_parser("check", help="检查模型与迁移是否一致 (like `alembic check`)")
    chk.add_argument("--db", help="数据库 URL (must be at head; a scratch SQLite if omitted)")
    chk.set_defaults(func=_check)

    cur = sub.add_parser("current", help="显示数据库当前版本")
    cur.add_argument("--db", help="数据库 URL")
    cur.set_defaults(func=_current)


def _upgrade(args: argparse.Namespace) -> int:
    url = database_url(args)
    db.upgrade(url, args.revision)
    print(f"数据库已升级到 {db.current_revision(url)} ({_safe(url)})")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    url = database_url(args)
    db.downgrade(url, args.revision)
    print(f"数据库已降级到 {db.current_revision(url) or 'base'} ({_safe(url)})")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Compare the models with a database at head: the one given (never migrated here), or
    a scratch SQLite built by the migrations — ``alembic check`` for this project."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="counter-db-check-") as scratch:
        url = args.db or f"sqlite:///{scratch}/check.sqlite3"
        if args.db is None:
            db.upgrade(url)
        elif db.current_revision(url) != db.head_revision():
            print(
                f"数据库不在最新版本 ({db.current_revision(url) or 'base'} ≠ "
                f"{db.head_revision()})，请先运行 `counter-admin db upgrade`。",
                file=sys.stderr,
            )
            return 1
        diffs = db.check(url)
    if diffs:
        print("模型与迁移不一致，需要新的迁移 (models and migrations differ):", file=sys.stderr)
        for diff in diffs:
            print(f"  {diff}", file=sys.stderr)
        return 1
    print("模型与迁移一致 (no drift).")
    return 0


def _current(args: argparse.Namespace) -> int:
    url = database_url(args)
    print(db.current_revision(url) or "base (空库)")
    return 0


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
