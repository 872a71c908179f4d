"""``counter-admin office``: register the city's offices (RULES S1–S2), list them.

A fresh city database has none, and every staff account belongs to one: ``office add`` (or
``office import`` of a CSV file) comes right after ``db upgrade`` and before the first
``staff add`` (docs/DEPLOYMENT.md "First installation"). Runs with the owner's database URL,
as the staff commands do; each new office is audited (``office.add``, workstation ``cli``).
What a code must look like: ``counter_app.services.offices``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from counter_app.cli.exit_codes import FAILED, OK, USAGE

KINDS_HELP = (
    "district_subcenter（区县医疗保险分中心，代码 <区县代码>-YB）、"
    "service_window（经办机构窗口，代码 <区县代码>-CK01…CK99）、"
    "card_center（社会保障卡服务中心，代码 500000-KZX，不填区县）"
)
EXIT_CODES = (
    "退出码: 0 已完成; 1 未完成（机构代码已登记、数据库拒绝或无法连接，未写入任何机构）; "
    "2 输入或设置有误（字段不合格、未设置数据库 URL、文件读不了），未写入任何机构。"
)
#: The columns of ``office import`` (the first line of the file names them).
CSV_COLUMNS = ("code", "name", "kind", "district", "address", "phone")
MAX_IMPORT_ROWS = 1000


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "office",
        help="经办机构: 新增、批量导入、列表 (offices)",
        description="经办机构登记（新建城市数据库后，先登记机构，再建工作人员账户）。"
        "新增的机构记入审计日志。",
        epilog=EXIT_CODES,
    )
    commands = parser.add_subparsers(dest="office_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")

    add = commands.add_parser(
        "add",
        parents=[db],
        help="新增一个机构",
        description=f"新增一个经办机构。机构类型: {KINDS_HELP}。",
        epilog=EXIT_CODES,
    )
    add.add_argument("code", help="机构代码, 如 500103-YB、500103-CK01、500000-KZX")
    add.add_argument("--name", required=True, help="机构名称, 如 渝中区医疗保险分中心")
    add.add_argument("--kind", required=True, help="机构类型 (见上)")
    add.add_argument("--district", help="所属区县代码 (6 位, 如 500103; 卡服务中心不填)")
    add.add_argument("--address", help="地址 (可不填)")
    add.add_argument("--phone", help="电话 (可不填), 如 023-12333")
    add.set_defaults(func=cmd_add)

    imp = commands.add_parser(
        "import",
        parents=[db],
        help="从 CSV 文件批量新增 (全部成功或全部不写)",
        description=(
            "从 UTF-8 CSV 文件批量新增机构。第一行为列名: "
            f"{','.join(CSV_COLUMNS)}（address、phone 可为空，卡服务中心的 district 为空）。"
            f"机构类型: {KINDS_HELP}。任何一行有误则一个也不写入，并指出行号。"
        ),
        epilog=EXIT_CODES,
    )
    imp.add_argument("file", type=Path, help="CSV 文件")
    imp.set_defaults(func=cmd_import)

    lst = commands.add_parser("list", parents=[db], help="列出已登记的机构", epilog=EXIT_CODES)
    lst.set_defaults(func=cmd_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return USAGE


def _run(args: argparse.Namespace, work: Any) -> int:
    """``work(ctx)`` on the command's database; a refusal by a service is exit 1."""
    from counter_app.cli.db_target import admin_database_url
    from counter_app.compose import compose, settings_from
    from counter_app.services.errors import DatabaseUnavailable, ServiceError

    url = admin_database_url(args)
    settings = settings_from(getattr(args, "settings", None))
    with compose(settings, database_url=url, load_keys=False) as app:
        try:
            return int(work(app.ctx))
        except DatabaseUnavailable:
            raise  # counter-admin says which failure it is (cli/db_failures.py)
        except ServiceError as error:
            print(f"错误: {error}", file=sys.stderr)
            return FAILED


def cmd_add(args: argparse.Namespace) -> int:
    from counter_app.services import offices
    from counter_app.validation import ValidationError

    try:
        spec = offices.check_office(
            args.code, args.name, args.kind, args.district, args.address, args.phone
        )
    except ValidationError as error:
        print(f"错误: {error}", file=sys.stderr)
        return USAGE

    def work(ctx: Any) -> int:
        info = offices.add_office(ctx, spec)
        print(f"已新增机构 {info.code} {info.name}（{info.kind_label}，{info.district_label}）")
        return OK

    return _run(args, work)


def cmd_import(args: argparse.Namespace) -> int:
    from counter_app.services import offices

    specs = _read_csv(args.file)
    if specs is None:
        return USAGE

    def work(ctx: Any) -> int:
        added = offices.add_offices(ctx, specs)
        for info in added:
            print(f"已新增机构 {info.code} {info.name}（{info.kind_label}，{info.district_label}）")
        print(f"共新增 {len(added)} 个机构。")
        return OK

    return _run(args, work)


def _read_csv(path: Path) -> list[Any] | None:
    """The offices of the file, every row checked; None (after saying why, with the line
    number) when the file cannot be read or any row is refused."""
    from counter_app.services import offices
    from counter_app.validation import ValidationError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        print(f"错误: 无法读取文件 {path}。请核对路径和读取权限。", file=sys.stderr)
        return None
    except UnicodeDecodeError:
        print(f"错误: 文件 {path} 不是 UTF-8 编码。请另存为 UTF-8 的 CSV 后重试。", file=sys.stderr)
        return None
    rows = list(csv.reader(text.splitlines()))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if not rows or header[: len(CSV_COLUMNS)] != list(CSV_COLUMNS):
        print(f"错误: 文件第一行应为列名 {','.join(CSV_COLUMNS)}。", file=sys.stderr)
        return None
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        print(f"错误: 一次最多导入 {MAX_IMPORT_ROWS} 个机构，请分成几个文件。", file=sys.stderr)
        return None
    specs = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(CSV_COLUMNS):
            print(f"错误: 第 {line} 行多于 {len(CSV_COLUMNS)} 列。", file=sys.stderr)
            return None
        cells = dict(zip(CSV_COLUMNS, row, strict=False))
        try:
            specs.append(
                offices.check_office(
                    cells.get("code", ""),
                    cells.get("name", ""),
                    cells.get("kind", ""),
                    cells.get("district"),
                    cells.get("address"),
                    cells.get("phone"),
                )
            )
        except ValidationError as error:
            print(f"错误: 第 {line} 行：{error}（文件中的机构一个也未写入）", file=sys.stderr)
            return None
    if not specs:
        print(f"错误: 文件 {path} 中没有机构。", file=sys.stderr)
        return None
    return specs


def cmd_list(args: argparse.Namespace) -> int:
    from counter_app.services import offices

    def work(ctx: Any) -> int:
        found = offices.list_offices(ctx)
        if not found:
            print("无记录（尚未登记任何机构：请用 counter-admin office add 或 office import）")
            return OK
        for o in found:
            state = "启用" if o.active else "停用"
            print(
                f"{o.code}\t{o.name}\t{o.kind_label}\t{o.district_label}\t{state}\t"
                f"工作人员 {o.staff} 人"
            )
        return OK

    return _run(args, work)
