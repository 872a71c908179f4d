"""``counter-admin audit``: check and seal the tamper-evident audit trail (RULES Q7).

- ``audit verify [--db URL]``: walk every workstation's chain, the seals and the day
  checkpoints; exit 0 and print the counts when intact, exit 1 and print the first broken
  link of each broken chain.
- ``audit seal [--every SECONDS] [--db URL]``: bind every chain head under one Merkle root
  (a city seal); once, or every SECONDS until stopped. No clerk's action waits on it.
- ``audit checkpoint [--day YYYY-MM-DD] [--db URL]``: store (once) the day seal of that day
  (default: yesterday, Asia/Shanghai) and print it for the daily report; refused until ten
  minutes after the day's end, so the day's last transactions have committed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from typing import Any

from counter_app.compose import settings_from

#: How long after midnight a day may be checkpointed (longer than any transaction).
CHECKPOINT_GRACE = dt.timedelta(minutes=10)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="审计日志: 完整性校验、封存、每日校验点 (audit trail)",
        description="审计日志哈希链（每个工作站一条链）: 校验完整性（报告每条链的第一个断点）、"
        "封存全部链头、生成每日校验点。",
    )
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))

    verify = commands.add_parser("verify", help="校验审计日志，报告每条链的第一个断点")
    verify.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    verify.set_defaults(func=cmd_verify)

    seal = commands.add_parser("seal", help="封存全部链头（默克尔根），可定期运行")
    seal.add_argument(
        "--every",
        type=float,
        metavar="SECONDS",
        help="每隔 SECONDS 秒封存一次，直到中断 (默认: 只封存一次)",
    )
    seal.add_argument("--db", metavar="URL", help="数据库 URL")
    seal.set_defaults(func=cmd_seal)

    checkpoint = commands.add_parser("checkpoint", help="记录某日结束时的封存 (每日报表用)")
    checkpoint.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="日期 (默认: 昨天, 北京时间)",
    )
    checkpoint.add_argument("--db", metavar="URL", help="数据库 URL")
    checkpoint.set_defaults(func=cmd_checkpoint)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _url(args: argparse.Namespace) -> str:
    if getattr(args, "db", None):
        return str(args.db)
    return settings_from(getattr(args, "settings", None)).database_url()


def cmd_verify(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import verify_chain

    engine = db.create_engine_for(_url(args))
    try:
        with db.session_factory(engine, read_only=True)() as session:
            report = verify_chain(session)
    finally:
        engine.dispose()
    if report.ok:
        print(f"审计日志完整: {report.count} 条事件，{report.chains} 条链，{report.seals} 个封存")
        return 0
    print(
        f"审计日志被篡改: {len(report.breaks)} 处断点（其余 {report.count} 条事件完整）",
        file=sys.stderr,
    )
    for broken in report.breaks:
        print(f"  {broken.chain}: 第一个断点在 {broken.seq}: {broken.reason}", file=sys.stderr)
    return 1


def cmd_seal(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import seal

    engine = db.create_engine_for(_url(args))
    factory = db.session_factory(engine)
    try:
        while True:
            with factory() as session:
                sealed = seal(session)
                session.commit()
                if sealed is None:
                    print("链头无变化，未封存", flush=True)
                else:
                    print(f"封存 {sealed.id}: {sealed.chains} 条链 根 {sealed.root}", flush=True)
            if not args.every:
                return 0
            time.sleep(args.every)
    except KeyboardInterrupt:
        return 0
    finally:
        engine.dispose()


def cmd_checkpoint(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import SHANGHAI, checkpoint_day, day_bounds

    now = dt.datetime.now(dt.UTC)
    day = args.day or (now.astimezone(SHANGHAI).date() - dt.timedelta(days=1))
    if now < day_bounds(day)[1] + CHECKPOINT_GRACE:
        print(
            f"{day.isoformat()} 尚未结束（或结束不到 10 分钟），请稍后再生成校验点", file=sys.stderr
        )
        return 1
    engine = db.create_engine_for(_url(args))
    try:
        with db.session_factory(engine)() as session:
            cp = checkpoint_day(session, day)
            session.commit()
            print(f"{cp.day.isoformat()} 审计校验点: 封存 {cp.seq} {cp.hash}")
    finally:
        engine.dispose()
    return 0
