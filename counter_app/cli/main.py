"""``counter-admin``: the command line for technicians and supervisors.

Each sub-command lives in its own module ``counter_app/cli/cmd_<name>.py`` exposing
``register(subparsers)``; the handlers they set (``func``) return an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from counter_app.cli import db_target
from counter_app.cli.parser import ChineseArgumentParser
from counter_app.settings import SettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="counter-admin",
        description="社保卡经办窗口工作站 管理命令 (counter workstation administration)",
    )
    parser.add_argument("--settings", help="设置文件路径 (default: COUNTER_SETTINGS)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    package = importlib.import_module("counter_app.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"counter_app.cli.{info.name}")
            module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        db_target.check_command(args)  # a database command needs a database named (exit 2)
        return int(handler(args) or 0)
    except SettingsError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one place no traceback reaches the screen
        if os.environ.get("COUNTER_DEBUG") == "1":
            raise
        print(f"错误: {refusal_message(exc, db_target.target_of(args))}", file=sys.stderr)
        return 1


def refusal_message(error: BaseException, url: str | None = None) -> str:
    """What the command line prints for an error: a service's or validator's Chinese
    message; for a driver or internal error a Chinese sentence and the error's type only.

    Never the exception's own text for those: a driver error may quote bound values (an ID
    number, a new account's password hash) and a traceback prints them all.
    """
    from sqlalchemy import exc as sa_exc

    from counter_app.cli.db_failures import database_refusal
    from counter_app.services.db_errors import input_error_for
    from counter_app.services.errors import DatabaseUnavailable, ServiceError
    from counter_app.services.uow import is_connection_lost
    from counter_app.validation import ValidationError
    from reports.model import ReportError

    if isinstance(error, (DatabaseUnavailable, sa_exc.DBAPIError)):
        described = database_refusal(error, url)  # which failure, naming the database
        if described is not None:
            return described
    if isinstance(error, (ServiceError, ValidationError, ReportError)):
        return str(error)
    mapped = input_error_for(error)
    if mapped is not None:
        return str(mapped)
    if isinstance(error, sa_exc.DBAPIError):
        if is_connection_lost(error):
            return str(DatabaseUnavailable())
        return f"数据库拒绝了此操作（{type(error.orig).__name__}）。请核对参数后重试。"
    return (
        f"命令未完成（内部错误 {type(error).__name__}）。请联系系统管理员；"
        "开发人员可设 COUNTER_DEBUG=1 查看详情。"
    )


if __name__ == "__main__":
    sys.exit(main())
