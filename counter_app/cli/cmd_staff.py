"""``counter-admin staff``: staff accounts from the server's command line (RULES S1–S3).

``add``, ``disable``, ``enable``, ``unlock``, ``reset-password``, ``move`` (to another
office), ``rename``, ``list``. The command line acts as the technician on the server (no
workstation login); every change is audited with the workstation ``cli``; a command that
finds the account already so says so and changes (and audits) nothing. Initial and reset
passwords are random, printed once, and must be changed at the next login. ``--db URL``
may stand before or after the action (``staff --db URL list`` or ``staff list --db URL``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from counter_app.cli.exit_codes import FAILED, USAGE
from counter_app.services.permissions import Role

DB_HELP = "数据库 URL (默认: COUNTER_DB_URL 或设置文件)"


def _db_option(parser: argparse.ArgumentParser, *, default: object = None) -> None:
    parser.add_argument("--db", metavar="URL", default=default, help=DB_HELP)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "staff",
        help="工作人员账户: 新增、停用、启用、解锁、重置密码、调动机构、改名、列表",
        description="工作人员账户管理（操作均记入审计日志）。--db 可写在 ACTION 之前或之后。",
    )
    _db_option(parser)
    commands = parser.add_subparsers(dest="staff_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))

    def action(name: str, helptext: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(
            name, help=helptext, description=helptext
        )
        # After the action too; absent there, the group's --db (before it) stands.
        _db_option(sub, default=argparse.SUPPRESS)
        return sub

    add = action("add", "新增账户 (打印一次性初始密码)")
    add.add_argument("staff_no", help="工号, 如 YB500103-04")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--office", required=True, help="机构代码, 如 500103-YB")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.set_defaults(func=cmd_add)

    for name, helptext, func in (
        ("disable", "停用账户 (其所有登录在一分钟内失效)", cmd_disable),
        ("enable", "重新启用已停用的账户 (密码不变)", cmd_enable),
        ("unlock", "解除登录锁定", cmd_unlock),
        ("reset-password", "重置为一次性密码 (下次登录须修改)", cmd_reset),
    ):
        sub = action(name, helptext)
        sub.add_argument("staff_no", help="工号")
        sub.set_defaults(func=func)

    move = action("move", "把账户调到另一机构 (岗位须适合该机构；其登录随即结束)")
    move.add_argument("staff_no", help="工号")
    move.add_argument("--office", required=True, help="新机构代码")
    move.set_defaults(func=cmd_move)

    rename = action("rename", "更正账户姓名 (打印在其经办的表单上)")
    rename.add_argument("staff_no", help="工号")
    rename.add_argument("--name", required=True, help="新姓名")
    rename.set_defaults(func=cmd_rename)

    lst = action("list", "列出账户")
    lst.add_argument("--office", help="只列此机构")
    lst.set_defaults(func=cmd_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return USAGE


def _run(args: argparse.Namespace, work: Any) -> int:
    """``work(ctx)`` once the staff number and office code typed pass the input policy (a
    control character refused by position, exit 2: never echoed in a later message)."""
    from counter_app.cli.cmd_loss import composition
    from counter_app.services.errors import DatabaseUnavailable, ServiceError
    from counter_app.validation import ValidationError
    from counter_app.validation.text_policy import OFFICE_CODE, clean_staff_no, clean_text

    try:
        if getattr(args, "staff_no", None) is not None:
            args.staff_no = clean_staff_no(args.staff_no)
        if getattr(args, "office", None) is not None:
            args.office = clean_text(args.office, OFFICE_CODE)
    except ValidationError as error:
        print(f"错误: {error}", file=sys.stderr)
        return USAGE
    with composition(args) as app:
        try:
            return int(work(app.ctx) or 0)
        except DatabaseUnavailable:
            raise  # counter-admin says which failure it is, naming the database
        except (ServiceError, ValidationError) as error:
            print(f"错误: {error}", file=sys.stderr)
            return FAILED


def cmd_add(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts
    from counter_app.validation import ValidationError
    from counter_app.validation.text_policy import clean_staff_name, clean_staff_no

    try:
        clean_staff_no(args.staff_no)  # the number first, as the form asks
        name = clean_staff_name(args.name)
    except ValidationError as error:
        print(f"错误: {error}", file=sys.stderr)
        return USAGE

    def work(ctx: Any) -> int:
        info, password = staff_accounts.add_staff(
            ctx, None, args.staff_no, name, args.office, args.role
        )
        print(f"已新增 {info.staff_no} {info.name} ({info.role}, {info.office_code})")
        print(f"初始密码（仅显示一次，首次登录须修改）: {password.value}")
        return 0

    return _run(args, work)


def cmd_disable(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        if staff_accounts.disable_staff(ctx, None, args.staff_no):
            print(f"已停用 {args.staff_no}；其所有工作站的登录已结束。")
        else:
            print(f"{args.staff_no} 已是停用状态，未作改动。")
        return 0

    return _run(args, work)


def cmd_enable(args: argparse.Namespace) -> int:
    from counter_app.services import staff_changes

    def work(ctx: Any) -> int:
        if staff_changes.enable_staff(ctx, None, args.staff_no):
            print(f"已重新启用 {args.staff_no}（密码不变；如已忘记，请用 reset-password）。")
        else:
            print(f"{args.staff_no} 未被停用，未作改动。")
        return 0

    return _run(args, work)


def cmd_unlock(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        done = staff_accounts.unlock_staff(ctx, None, args.staff_no)
        if done == "unlocked":
            print(f"已解除 {args.staff_no} 的登录锁定。")
        elif done == "cleared":
            print(f"{args.staff_no} 未被锁定；已将其登录失败次数清零。")
        else:
            print(f"{args.staff_no} 未被锁定，未作改动。")
        return 0

    return _run(args, work)


def cmd_reset(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts

    def work(ctx: Any) -> int:
        password = staff_accounts.reset_staff_password(ctx, None, args.staff_no)
        print(f"{args.staff_no} 的一次性密码（仅显示一次，登录后须修改）: {password.value}")
        return 0

    return _run(args, work)


def cmd_move(args: argparse.Namespace) -> int:
    from counter_app.services import staff_changes

    def work(ctx: Any) -> int:
        moved = staff_changes.move_staff(ctx, None, args.staff_no, args.office)
        if moved is None:
            print(f"{args.staff_no} 已属于 {args.office}，未作改动。")
        else:
            print(
                f"已将 {args.staff_no} 从 {moved.old_office} 调到 {moved.new_office}"
                f"（{moved.new_office_name}）；其原有登录已结束，请到新机构的工作站登录。"
            )
            if moved.number_district is not None:
                print(
                    f"注意: 工号 {args.staff_no} 中的区县代码 {moved.number_district} "
                    "与新机构不同；工号不变（审计记录和表单按工号追溯）。"
                )
        return 0

    return _run(args, work)


def cmd_rename(args: argparse.Namespace) -> int:
    from counter_app.services import staff_changes
    from counter_app.validation import ValidationError
    from counter_app.validation.text_policy import clean_staff_name

    try:
        name = clean_staff_name(args.name)
    except ValidationError as error:
        print(f"错误: {error}", file=sys.stderr)
        return USAGE

    def work(ctx: Any) -> int:
        if staff_changes.rename_staff(ctx, None, args.staff_no, name):
            print(f"已将 {args.staff_no} 的姓名改为 {name}。")
        else:
            print(f"{args.staff_no} 的姓名已是 {name}，未作改动。")
        return 0

    return _run(args, work)


def cmd_list(args: argparse.Namespace) -> int:
    from counter_app.services import staff_accounts, staff_changes
    from counter_app.services.errors import StaffNotFound

    def work(ctx: Any) -> int:
        if args.office is not None and not staff_changes.office_exists(ctx, args.office):
            raise StaffNotFound(f"没有编码为 {args.office} 的经办机构。请核对机构代码。")
        rows = staff_accounts.list_staff(ctx, None, args.office)
        if not rows:
            print("无记录")
        for s in rows:
            state = "停用" if not s.active else ("锁定" if s.locked_until else "正常")
            flag = " 须改密" if s.must_change_password else ""
            print(f"{s.staff_no}\t{s.name}\t{s.role}\t{s.office_code}\t{state}{flag}")
        return 0

    return _run(args, work)
