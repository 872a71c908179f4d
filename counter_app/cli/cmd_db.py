"""``counter-admin db``: migrate the schema (alembic is the only path to it) and check that
models and migrations agree."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from counter_app import db
from counter_app.cli.db_target import admin_database_url, configured, safe_url

EXIT_CODES = (
    "退出码: 0 已完成（check: 一致）; 1 未完成（数据库拒绝、无法连接、权限不足，或 check 发现"
    "不一致/不在最新版本）; 2 设置有误（未设置数据库 URL、URL 无法识别、设置文件不存在）。"
)


def database_url(args: argparse.Namespace, *, creates: bool = False) -> str:
    """``--db`` if given, else ``COUNTER_DB_URL``, else the settings file's ``db_url`` —
    never a default file: none given is refused (``counter_app.cli.db_target``)."""
    return admin_database_url(args, creates=creates)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db", help="数据库结构升级与检查 (schema migrations)", epilog=EXIT_CODES
    )
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    up = sub.add_parser(
        "upgrade",
        help="升级到最新结构 (migrate to head)",
        description="以数据库所有者账户运行（docs/DEPLOYMENT.md §4）。",
        epilog=EXIT_CODES,
    )
    up.add_argument(
        "--db", metavar="URL", help="数据库 URL (default: COUNTER_DB_URL / settings db_url)"
    )
    up.add_argument("revision", nargs="?", default="head", help="目标版本 (default: head)")
    up.set_defaults(func=_upgrade)

    down = sub.add_parser("downgrade", help="降级到指定版本 (base = 空库)", epilog=EXIT_CODES)
    down.add_argument("revision", help="目标版本，如 base")
    down.add_argument(
        "--db", metavar="URL", help="数据库 URL (default: COUNTER_DB_URL / settings db_url)"
    )
    down.set_defaults(func=_downgrade)

    chk = sub.add_parser(
        "check",
        help="检查模型与迁移是否一致 (like `alembic check`)",
        description="检查 --db / COUNTER_DB_URL / 设置文件 db_url 所指的数据库（须已在最新"
        "版本）；都未设置时，检查由迁移新建的临时 SQLite 库（开发用）。",
        epilog=EXIT_CODES,
    )
    chk.add_argument(
        "--db", metavar="URL", help="数据库 URL (default: COUNTER_DB_URL / settings db_url)"
    )
    chk.set_defaults(func=_check)

    cur = sub.add_parser("current", help="显示数据库当前版本", epilog=EXIT_CODES)
    cur.add_argument(
        "--db", metavar="URL", help="数据库 URL (default: COUNTER_DB_URL / settings db_url)"
    )
    cur.set_defaults(func=_current)


def _upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy import exc as sa_exc

    from counter_app.cli.db_privileges import upgrade_refusal

    url = database_url(args, creates=True)
    if not _known_revision(args.revision):
        return 2
    try:
        db.upgrade(url, args.revision)
    except sa_exc.DBAPIError as error:
        advice = upgrade_refusal(error, url)
        if advice is None:
            raise
        print(f"错误: {advice}", file=sys.stderr)
        return 1
    print(f"数据库已升级到 {db.current_revision(url)} ({_safe(url)})")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    url = database_url(args)
    if not _known_revision(args.revision):
        return 2
    db.downgrade(url, args.revision)
    print(f"数据库已降级到 {db.current_revision(url) or 'base'} ({_safe(url)})")
    return 0


def _known_revision(revision: str) -> bool:
    """True for ``head``, ``base`` or a revision of ``migrations/``; otherwise says which
    there are (alembic's own refusal would end as 内部错误 CommandError)."""
    from alembic.script import ScriptDirectory

    relative = revision[:1] in ("+", "-") and revision[1:].isdigit()
    if revision in ("head", "heads", "base") or relative:
        return True  # alembic's names, and a step relative to the current revision
    script = ScriptDirectory.from_config(db.alembic_config())
    known = [r.revision for r in script.walk_revisions()]
    if any(k.startswith(revision) for k in known):  # alembic takes a unique prefix too
        return True
    shown = revision if revision.isprintable() else "（含控制字符）"
    print(
        f"错误: 没有迁移版本 {shown}。可用: base、head、{'、'.join(reversed(known))}。",
        file=sys.stderr,
    )
    return False


def _check(args: argparse.Namespace) -> int:
    """Compare the models with a database at head: the one configured (never migrated
    here), or — none configured — a scratch SQLite built by the migrations (``alembic
    check`` for this project). Says which it checked."""
    import tempfile

    target = configured(args)
    with tempfile.TemporaryDirectory(prefix="counter-db-check-") as scratch:
        if target is None:
            url = f"sqlite:///{scratch}/check.sqlite3"
            print(
                "未设置数据库（--db / COUNTER_DB_URL / 设置文件 db_url），"
                "检查的是由迁移新建的临时 SQLite 库。"
            )
            db.upgrade(url)
        else:
            url = database_url(args)
            print(f"检查 {_safe(url)}（来自 {target.source}）")
            current = db.current_revision(url)
            if current != db.head_revision():
                print(
                    f"数据库不在最新版本 ({current or 'base'} ≠ "
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
    return safe_url(url)
