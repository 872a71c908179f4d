"""``counter-admin staff``: staff accounts from the server's command line (RULES S1–S3).

``add``, ``disable``, ``unlock``, ``reset-password``, ``list``. The command line acts as
the technician on the server (no workstation login); every change is audited with the
workstation ``cli``. Initial and reset passwords are random, printed once, and must be
changed at the next login.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from counter_app.services.permissions import Role


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "staff",
        help="工作人员账户: 新增、停用、解锁、重置密码、列表",
        description="工作人员账户管理（操作均记入审计日志）。",
    )
    parser.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    commands = parser.add_subparsers(dest="staff_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))

    add = commands.add_parser("add", help="新增账户 (打印一次性初始密码)")
    add.add_argument("staff_no", help="工号, 如 YB500103-04")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--office", required=True, help="机构代码, 如 500103-YB")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.set_defaults(func=cmd_add)

    for name, helptext, func in (
        ("disable", "停用账户 (其所有登录在一分钟内失效)", cmd_disable),
        ("unlock", "解除登录锁定", cmd_unlock),
        ("reset-password", "重置为一次性密码 (下次登录须修改)", cmd_reset),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("staff_no", help="工号")
        sub.set_defaults(func=func)

    lst = commands.add_parser("list", help="列出账户")
    lst.add_argument("--office", help="只列此机构")
    lst.set_defaults(func=cmd_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _run(args: argparse.Namespace, work: Any) -> int:
    from counter_app.cli.cmd_loss import composition
    from counter_app.services.errors import ServiceError
    from counter_app.validation import ValidationError

    with composition(args) as app:
        try:
            return int(work(app.ctx) or 0)
        except (ServiceError, ValidationError) as error:
            print(f"错误: {error}", file=sys.stderr)
            return 1


def cmd_add(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts
    from counter_app.validation import ValidationError
    from counter_app.validation.text_policy import (
        OFFICE_CODE,
        clean_staff_name,
        clean_staff_no,
        clean_text,
    )

    try:
        staff_no = clean_staff_no(args.staff_no)
        name = clean_staff_name(args.name)
        office = clean_text(args.office, OFFICE_CODE)
    except ValidationError as error:
        print(f"错误: {error}", file=sys.stderr)
        return 2

    def work(ctx: Any) -> int:
        info, password = staff_accounts.add_staff(ctx, None, staff_no, name, office, args.role)
        print(f"已新增 {info.staff_no} {info.name} ({info.role}, {info.office_code})")
        print(f"初始密码（仅显示一次，首次登录须修改）: {password.value}")
        return 0

    return _run(args, work)


def cmd_disable(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        staff_accounts.disable_staff(ctx, None, args.staff_no)
        print(f"已停用 {args.staff_no}；其所有工作站的登录已结束。")
        return 0

    return _run(args, work)


def cmd_unlock(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        staff_accounts.unlock_staff(ctx, None, args.staff_no)
        print(f"已解除 {args.staff_no} 的登录锁定。")
        return 0

    return _run(args, work)


def cmd_reset(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        password = staff_accounts.reset_staff_password(ctx, None, args.staff_no)
        print(f"{args.staff_no} 的一次性密码（仅显示一次，登录后须修改）: {password.value}")
        return 0

    return _run(args, work)


def cmd_list(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        for s in staff_accounts.list_staff(ctx, None, args.office):
            state = "停用" if not s.active else ("锁定" if s.locked_until else "正常")
            flag = " 须改密" if s.must_change_password else ""
            print(f"{s.staff_no}\t{s.name}\t{s.role}\t{s.office_code}\t{state}{flag}")
        return 0

    return _run(args, work)
