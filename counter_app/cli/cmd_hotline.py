"""``counter-admin hotline report-loss --ssn …``: the 12333 seam (RULES L1).

The phone system (or a technician testing it) reports a card lost with the caller's ID
number and web/12333 query password. The password is read from standard input (a pipe) or
typed at a hidden prompt — never from the command line, where ``ps`` and shell history
would show it. Lifting is not offered here: it cannot be done by phone (RULES U3).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any


def register(subparsers: Any) -> None:
    hotline = subparsers.add_parser("hotline", help="12333 电话系统接口 (phone line seam)")
    sub = hotline.add_subparsers(dest="hotline_command", metavar="ACTION")
    hotline.set_defaults(func=lambda _args: _usage(hotline))
    p = sub.add_parser("report-loss", help="电话临时挂失 (temporary loss report, RULES L1)")
    p.add_argument("--ssn", required=True, help="持卡人公民身份号码 (社会保障号码)")
    p.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    p.set_defaults(func=cmd_report_loss)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def read_secret(prompt: str) -> str:
    """One line from a pipe, or a hidden prompt on a terminal."""
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


def cmd_report_loss(args: argparse.Namespace) -> int:
    from counter_app.cli.cmd_loss import composition
    from counter_app.cli.db_target import target_of
    from counter_app.cli.main import refusal_message
    from counter_app.services.errors import DatabaseUnavailable, ServiceError
    from counter_app.services.phone_reports import report_loss_by_phone

    password = read_secret("查询密码: ")
    with composition(args) as app:
        try:
            report = report_loss_by_phone(app.ctx, args.ssn, password)
        except DatabaseUnavailable as exc:  # which failure, naming the database
            print(f"未挂失: {refusal_message(exc, target_of(args))}", file=sys.stderr)
            return 1
        except ServiceError as exc:
            print(f"未挂失: {exc}", file=sys.stderr)
            return 1
        finally:
            password = ""
    from forms.data import format_datetime

    print(
        f"已临时挂失: 卡号 {report.card_number}，受理号 {report.reference}，"
        f"挂失时间 {format_datetime(report.reported_at)}。"
    )
    print(
        f"请在 {format_datetime(report.deadline_at)} 前持有效身份证件到区县医疗保险分中心"
        "或社会保障卡服务中心办理书面挂失，逾期电话挂失自动失效。"
    )
    return 0
