"""``counter-admin audit``: check and seal the tamper-evident audit trail (RULES Q7).

- ``audit verify [--db URL]``: walk every workstation's chain, the seals and the day
  checkpoints; print the counts when intact, else the first broken link of each broken
  chain (its position in the chain and its row ``seq`` in ``audit_events``).
- ``audit seal [--every SECONDS] [--db URL]``: bind every chain head under one Merkle root
  (a city seal); once, or every SECONDS (1 to 86400) until stopped. It checks the trail
  first (in ``--every`` mode again every hour) and warns loudly on a break, but seals all
  the same: a seal binds the chain heads as stored, so it hides no break (``audit verify``
  still reports it), and refusing would let one tampered row stop the sealing of every
  other chain. No clerk's action waits on it.
- ``audit checkpoint [--day YYYY-MM-DD] [--db URL]``: store (once) the day seal of that day
  (default: yesterday, Asia/Shanghai) and print it for the daily report; refused until ten
  minutes after the day's end, so the day's last transactions have committed.

Exit codes (:mod:`counter_app.cli.exit_codes`): 0 intact / done, 1 the trail is broken
(tampered with), 2 usage or settings, 3 could not check (database unreachable, login
refused, schema missing, internal error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from counter_app.cli.exit_codes import FAILED, OK, UNCHECKED, USAGE
from counter_app.compose import settings_from

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from counter_app.services.audit_verify import AuditReport

#: How long after midnight a day may be checkpointed (longer than any transaction).
CHECKPOINT_GRACE = dt.timedelta(minutes=10)
#: The range ``audit seal --every`` accepts, in seconds (a second to a day).
EVERY_MIN_S, EVERY_MAX_S = 1, 86_400
#: How often ``audit seal --every`` walks the whole trail before sealing (a full walk).
VERIFY_INTERVAL_S = 3_600.0

EXIT_CODES = (
    "退出码: 0 审计日志完整（或已完成）；1 审计日志有断点（被篡改或缺失）；"
    "2 命令行或设置有误；3 无法校验（数据库连不上或拒绝登录、缺少审计表、内部错误）。"
)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"秒数应为数字: {text!r}") from exc
    if not math.isfinite(value) or not EVERY_MIN_S <= value <= EVERY_MAX_S:
        raise argparse.ArgumentTypeError(
            f"秒数应在 {EVERY_MIN_S} 至 {EVERY_MAX_S} 之间（如 300 即每 5 分钟）: {text}"
        )
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD: {text!r}") from exc


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="审计日志: 完整性校验、封存、每日校验点 (audit trail)",
        description="审计日志哈希链（每个工作站一条链）: 校验完整性（报告每条链的第一个断点）、"
        "封存全部链头、生成每日校验点。" + EXIT_CODES,
    )
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))

    verify = commands.add_parser(
        "verify",
        help="校验审计日志，报告每条链的第一个断点",
        description="校验全部审计链、封存和每日校验点，报告每条链的第一个断点"
        "（链内位置和 audit_events 的行号 seq）。" + EXIT_CODES,
    )
    verify.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    verify.set_defaults(func=cmd_verify)

    seal = commands.add_parser(
        "seal",
        help="封存全部链头（默克尔根），可定期运行",
        description="封存全部链头。封存前先校验审计日志（--every 时每小时一次），发现断点则"
        "醒目警告并以退出码 1 结束，但仍封存：封存只记录各链现存的链头，不会掩盖断点。"
        + EXIT_CODES,
    )
    seal.add_argument(
        "--every",
        type=_seconds,
        metavar="SECONDS",
        help=f"每隔 SECONDS 秒封存一次（{EVERY_MIN_S} 至 {EVERY_MAX_S}），直到中断"
        " (默认: 只封存一次)",
    )
    seal.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    seal.set_defaults(func=cmd_seal)

    checkpoint = commands.add_parser(
        "checkpoint",
        help="记录某日结束时的封存 (每日报表用)",
        description="记录某日结束时的封存（每日校验点），当日结束 10 分钟后才可生成。"
        "退出码: 0 已记录；2 日期有误或当日尚未结束；3 无法记录（数据库连不上、缺少审计表）。",
    )
    checkpoint.add_argument(
        "--day",
        type=_date,
        metavar="YYYY-MM-DD",
        help="日期 (默认: 昨天, 北京时间)",
    )
    checkpoint.add_argument(
        "--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)"
    )
    checkpoint.set_defaults(func=cmd_checkpoint)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return USAGE


def _url(args: argparse.Namespace) -> str:
    if getattr(args, "db", None):
        return str(args.db)
    return settings_from(getattr(args, "settings", None)).database_url()


def _on_the_trail(args: argparse.Namespace, work: Callable[[Engine], int]) -> int:
    """``work(engine)``, or exit 3 (:data:`UNCHECKED`) with a Chinese message when the
    database cannot be reached, lacks the audit tables or fails otherwise: "could not
    check" must never read as "intact" (0) or "tampered" (1)."""
    from sqlalchemy import inspect

    from counter_app import db
    from counter_app.cli.main import refusal_message
    from counter_app.sqlite_url import sqlite_target

    url = _url(args)
    local = sqlite_target(url)
    if local is not None and local.file is not None and not local.file.is_file():
        print(
            f"错误: 无法校验：数据库文件 {local.file} 不存在。请核对 --db / COUNTER_DB_URL。",
            file=sys.stderr,
        )
        return UNCHECKED  # and no empty file left behind
    engine = db.create_engine_for(url)
    try:
        if not all(inspect(engine).has_table(t) for t in ("audit_events", "audit_chain_head")):
            print(
                "错误: 无法校验：数据库中没有审计日志表（尚未迁移，或 URL 指错了数据库）。"
                "请核对 --db / COUNTER_DB_URL，并以数据库所有者账户运行 counter-admin db upgrade。",
                file=sys.stderr,
            )
            return UNCHECKED
        return work(engine)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if os.environ.get("COUNTER_DEBUG") == "1":
            raise
        print(f"错误: 无法校验或封存审计日志：{refusal_message(exc, url)}", file=sys.stderr)
        return UNCHECKED
    finally:
        engine.dispose()


def _check(engine: Engine) -> AuditReport:
    from counter_app import db
    from counter_app.services.audit import verify_chain

    with db.session_factory(engine, read_only=True)() as session:
        return verify_chain(session)


def _print_breaks(engine: Engine, report: AuditReport) -> None:
    """Each chain's first break: its position in the chain and the ``audit_events`` row
    (``seq``) an operator looks up — or that the row is gone."""
    from sqlalchemy import select

    from counter_app import db
    from counter_app.models.audit import AuditEvent
    from counter_app.services.audit_verify import CHECKPOINTS, SEALS

    print(
        f"审计日志被篡改: {len(report.breaks)} 处断点（其余 {report.count} 条事件完整）",
        file=sys.stderr,
    )
    with db.session_factory(engine, read_only=True)() as session:
        for broken in report.breaks:
            where = f"第一个断点在第 {broken.seq} 条"
            if broken.chain not in (SEALS, CHECKPOINTS):
                row = session.scalar(
                    select(AuditEvent.seq).where(
                        AuditEvent.chain == broken.chain, AuditEvent.chain_seq == broken.seq
                    )
                )
                where += f"（audit_events 行 seq={row}）" if row is not None else "（该行已不存在）"
            print(f"  {broken.chain}: {where}: {broken.reason}", file=sys.stderr)


def cmd_verify(args: argparse.Namespace) -> int:
    def work(engine: Engine) -> int:
        report = _check(engine)
        if report.ok:
            print(
                f"审计日志完整: {report.count} 条事件，{report.chains} 条链，{report.seals} 个封存"
            )
            return OK
        _print_breaks(engine, report)
        return FAILED

    return _on_the_trail(args, work)


def cmd_seal(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import seal

    def work(engine: Engine) -> int:
        factory = db.session_factory(engine)
        broken = False
        checked_at: float | None = None
        idle_said = False
        try:
            while True:
                if checked_at is None or time.monotonic() - checked_at >= VERIFY_INTERVAL_S:
                    report = _check(engine)
                    checked_at = time.monotonic()
                    if not report.ok:
                        broken = True
                        _print_breaks(engine, report)
                        print(
                            "警告: 审计日志有断点，仍照常封存（封存只记录各链现存的链头，"
                            "不会掩盖上述断点，audit verify 仍会报告）。"
                            "请按安全事件处理：保留现场，通知审计部门。",
                            file=sys.stderr,
                            flush=True,
                        )
                with factory() as session:
                    sealed = seal(session)
                    session.commit()
                if sealed is not None:
                    print(f"封存 {sealed.id}: {sealed.chains} 条链 根 {sealed.root}", flush=True)
                    idle_said = False
                elif not idle_said:  # once per quiet spell, not once per tick
                    print("链头无变化，未封存", flush=True)
                    idle_said = args.every is not None
                if args.every is None:
                    return FAILED if broken else OK
                time.sleep(args.every)
        except KeyboardInterrupt:
            return FAILED if broken else OK

    return _on_the_trail(args, work)


def cmd_checkpoint(args: argparse.Namespace) -> int:
    from counter_app import db
    from counter_app.services.audit import SHANGHAI, checkpoint_day, day_bounds

    now = dt.datetime.now(dt.UTC)
    day = args.day or (now.astimezone(SHANGHAI).date() - dt.timedelta(days=1))
    if now < day_bounds(day)[1] + CHECKPOINT_GRACE:
        print(
            f"错误: {day.isoformat()} 尚未结束（或结束不到 10 分钟），请稍后再生成校验点",
            file=sys.stderr,
        )
        return USAGE

    def work(engine: Engine) -> int:
        with db.session_factory(engine)() as session:
            cp = checkpoint_day(session, day)
            session.commit()
            print(f"{cp.day.isoformat()} 审计校验点: 封存 {cp.seq} {cp.hash}")
        return OK

    return _on_the_trail(args, work)
