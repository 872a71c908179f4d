"""``counter-admin report``: business reports as PDF or CSV (RULES S3).

- ``report daily [--date D] [--office CODE | --staff NO]``: the day at an office, a staff
  member, or the city (neither given).
- ``report lapsing [--days N] [--office CODE]``: open phone loss reports due within N days.
- ``report access --ssn ID [--from D] [--to D]``: who accessed a holder's records.
- ``report staff [--from D] [--to D] [--office CODE | --staff NO]``: staff activity.
- ``report rating [--from D] [--to D] [--office CODE]``: holders' ratings of services per
  office, staff member and day (RULES E4).

Every one takes ``--out FILE`` (in a folder that exists; ``.pdf`` or ``.csv``, or any name
with ``--format pdf|csv``), and ``--db URL`` (default: ``COUNTER_DB_URL`` or the settings).
Dates are ``YYYY-MM-DD`` in Beijing time; the default day is today (``daily``), the default
range the last 7 days (``staff``, ``rating``); a range whose start is after its end is
refused. Office codes, staff numbers, ID numbers and file names go through the input
policy (:mod:`counter_app.cli.arg_types`): a control character is refused, never echoed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from counter_app.cli.arg_types import id_number, office_code, out_file, report_format, staff_no
from counter_app.cli.exit_codes import USAGE


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD: {text!r}") from exc


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"天数应为整数: {text!r}") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("天数不能为负数")
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="业务报表: 日报、电话挂失、查询记录、工作人员操作、好差评 (PDF/CSV)",
        description="生成业务报表 (PDF 或 CSV，CSV 为带 BOM 的 UTF-8)。",
    )
    kinds = parser.add_subparsers(dest="report_kind", metavar="KIND")
    parser.set_defaults(func=lambda _args: _usage(parser))

    daily = kinds.add_parser("daily", help="业务日报 (机构、工作人员或全市)")
    daily.add_argument("--date", type=_date, help="日期 YYYY-MM-DD (默认: 今天，北京时间)")
    scope = daily.add_mutually_exclusive_group()
    scope.add_argument("--office", type=office_code, help="机构编码 (如 500103-YB); 不填为全市")
    scope.add_argument("--staff", type=staff_no, help="工作人员工号")
    daily.set_defaults(func=cmd_daily)

    lapsing = kinds.add_parser("lapsing", help="即将失效的电话挂失 (RULES L2)")
    lapsing.add_argument(
        "--days", type=_days, default=None, help="几天内到期 (默认: 设置项, 与工作站列表相同)"
    )
    lapsing.add_argument("--office", type=office_code, help="机构编码: 只列本区县参保人")
    lapsing.set_defaults(func=cmd_lapsing)

    access = kinds.add_parser("access", help="参保人信息查询记录 (谁、何时、何处、为何查询)")
    access.add_argument(
        "--ssn", required=True, type=id_number, help="参保人社会保障号码 (身份证号码)"
    )
    access.add_argument("--from", dest="first", type=_date, help="起始日期 (默认: 不限)")
    access.add_argument("--to", dest="last", type=_date, help="截止日期 (默认: 不限)")
    access.set_defaults(func=cmd_access)

    staff = kinds.add_parser("staff", help="工作人员操作情况 (业务、拒绝、登录失败)")
    staff.add_argument("--from", dest="first", type=_date, help="起始日期 (默认: 7 天前)")
    staff.add_argument("--to", dest="last", type=_date, help="截止日期 (默认: 今天)")
    who = staff.add_mutually_exclusive_group()
    who.add_argument("--office", type=office_code, help="机构编码")
    who.add_argument("--staff", type=staff_no, help="工作人员工号")
    staff.set_defaults(func=cmd_staff)

    rating = kinds.add_parser("rating", help="服务好差评统计 (按机构、工作人员、日期)")
    rating.add_argument("--from", dest="first", type=_date, help="起始日期 (默认: 7 天前)")
    rating.add_argument("--to", dest="last", type=_date, help="截止日期 (默认: 今天)")
    rating.add_argument("--office", type=office_code, help="机构编码; 不填为全市")
    rating.set_defaults(func=cmd_rating)

    for sub in (daily, lapsing, access, staff, rating):
        sub.add_argument(
            "--format", choices=("pdf", "csv"), help="输出格式 (默认: 按 --out 的扩展名 .pdf/.csv)"
        )
        sub.add_argument(
            "--out",
            required=True,
            type=out_file,
            help="输出文件 (所在文件夹须已存在；以 .pdf 或 .csv 结尾，或另用 --format)",
        )
        sub.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _today() -> dt.date:
    from reports.timeframe import shanghai_today

    return shanghai_today()


def cmd_daily(args: argparse.Namespace) -> int:
    from reports.runner import DailyRequest

    return _run(args, DailyRequest(args.date or _today(), args.office, args.staff))


def cmd_lapsing(args: argparse.Namespace) -> int:
    from counter_app.compose import settings_from
    from reports.runner import LapsingRequest

    days = args.days  # RULES L2: by default the workstation list's horizon (the setting)
    if days is None:
        days = settings_from(getattr(args, "settings", None)).lapsing_warning_days
    return _run(args, LapsingRequest(days, args.office))


def cmd_access(args: argparse.Namespace) -> int:
    from reports.runner import AccessRequest

    if _backwards(args.first, args.last):
        return USAGE
    return _run(args, AccessRequest(args.ssn, args.first, args.last))


def cmd_staff(args: argparse.Namespace) -> int:
    from reports.runner import StaffRequest

    last = args.last or _today()
    first = args.first or last - dt.timedelta(days=6)
    if _backwards(first, last):
        return USAGE
    return _run(args, StaffRequest(first, last, args.office, args.staff))


def cmd_rating(args: argparse.Namespace) -> int:
    from reports.runner import RatingRequest

    last = args.last or _today()
    first = args.first or last - dt.timedelta(days=6)
    if _backwards(first, last):
        return USAGE
    return _run(args, RatingRequest(first, last, args.office))


def _backwards(first: dt.date | None, last: dt.date | None) -> bool:
    """True (and says so) when the range starts after it ends."""
    if first is not None and last is not None and first > last:
        print(
            f"错误: 起始日期 {first.isoformat()} 晚于截止日期 {last.isoformat()}。"
            "请核对 --from 与 --to。",
            file=sys.stderr,
        )
        return True
    return False


def _run(args: argparse.Namespace, request: Any) -> int:
    from counter_app import db
    from counter_app.compose import settings_from
    from reports.model import ReportError
    from reports.runner import produce

    try:
        fmt = report_format(args.out, args.format)
    except ValueError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return USAGE
    url = args.db
    if not url:
        url = settings_from(getattr(args, "settings", None)).database_url()
    engine = db.create_engine_for(url)

    def progress(done: int, total: int, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r[{done}/{total}] {message}\033[K", end="", file=sys.stderr, flush=True)

    try:
        data = produce(engine, request, fmt, progress=progress)  # type: ignore[arg-type]
    except ReportError as exc:
        print(f"\n错误: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    args.out.write_bytes(data)
    print(f"已生成 {args.out} ({fmt.upper()}, {len(data):,} 字节)")
    return 0
