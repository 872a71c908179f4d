"""``counter-admin audit``: check the tamper-evident audit trail (issue 8 item 3).

- ``audit verify [--db URL]``: walk the whole hash chain; exit 0 and print the count and
  the chain head when intact, exit 1 and print the first broken sequence number and why.
- ``audit checkpoint [--day YYYY-MM-DD] [--db URL]``: store (once) the chain head at the
  end of that day (default: yesterday, Asia/Shanghai) and print it for the daily report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from counter_app.settings import load_settings


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "audit", help="审计日志: 完整性校验、每日校验点 (audit trail)",
        description="审计日志哈希链: 校验完整性（报告第一个断点）、生成每日校验点。",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))

    verify = commands.add_parser("verify", help="校验审计日志哈希链，报告第一个断点")
    verify.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    verify.set_defaults(func=cmd_verify)

    checkpoint = commands.add_parser("checkpoint", help="记录某日结束时的链头 (每日报表用)")
    checkpoint.add_argument("--day", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                            help="日期 (默认: 昨天, 北京时间)")  # fmt: skip
    checkpoint.add_argument("--db", metavar="URL", help="数据库 URL")
    checkpoint.set_defaults(func=cmd_checkpoint)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _url(args: argparse.Namespace) -> str:
    if getattr(args, "db", None):
        return str(args.db)
    path = getattr(args, "settings", None)
    return load_settings(Path(path) if path else None).database_url()


def cmd_verify(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import verify_chain

    engine = db.create_engine_for(_url(args))
    try:
        with db.session_factory(engine, read_only=True)() as session:
            report = verify_chain(session)
            from counter_app.models.audit import AuditChainHead

            head = session.get(AuditChainHead, 1)
    finally:
        engine.dispose()
    if report.ok:
        head_text = f"{head.last_seq} {head.last_hash}" if head else "-"
        print(f"审计日志完整: {report.count} 条事件，链头 {head_text}")
        return 0
    print(f"审计日志被篡改: 第一个断点在事件 {report.first_broken_seq}: {report.reason}"
          f"（此前 {report.count} 条完整）", file=sys.stderr)  # fmt: skip
    return 1


def cmd_checkpoint(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import SHANGHAI, checkpoint_day

    day = args.day or (dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=1))
    engine = db.create_engine_for(_url(args))
    try:
        with db.session_factory(engine)() as session:
            cp = checkpoint_day(session, day)
            session.commit()
            print(f"{cp.day.isoformat()} 审计校验点: 事件 {cp.seq} {cp.hash}")
    finally:
        engine.dispose()
    return 0
