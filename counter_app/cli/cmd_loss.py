"""``counter-admin loss lapse`` and ``loss lapsing [--days N] [--district CODE]`` (RULES L2).

``lapse`` ends every phone (12333) report past its deadline — run it daily (cron, systemd
timer); each lapse is audited. ``lapsing`` lists phone reports that lapse within N days
(default: the ``lapsing_warning_days`` setting), soonest first, with masked ID numbers.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from counter_app.cli.arg_types import district_code

if TYPE_CHECKING:
    from counter_app.compose import Composition


DB_HELP = "数据库 URL (默认: COUNTER_DB_URL 或设置文件)"


def register(subparsers: Any) -> None:
    loss = subparsers.add_parser("loss", help="挂失: 到期处理与到期提醒 (loss reports)")
    sub = loss.add_subparsers(dest="loss_command", metavar="ACTION")
    loss.set_defaults(func=lambda _args: _usage(loss))
    p = sub.add_parser("lapse", help="电话挂失到期失效处理 (lapse expired phone reports)")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.set_defaults(func=cmd_lapse)
    p = sub.add_parser("lapsing", help="即将到期的电话挂失 (phone reports about to lapse)")
    p.add_argument("--days", type=int, default=None, help="N 天内到期 (默认: 设置项)")
    p.add_argument("--district", default=None, type=district_code, help="只列出该区县 (6 位代码)")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.set_defaults(func=cmd_lapsing)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def composition(args: argparse.Namespace, *, card_keys: bool = False) -> Composition:
    """The command's collaborators (``counter_app.compose``) for ``--settings`` and, where
    the command has one, ``--db``; ``card_keys`` for a command that sends keyed card
    commands. Close it (``with``) when done."""
    from counter_app.compose import compose, settings_from

    settings = settings_from(getattr(args, "settings", None))
    return compose(settings, database_url=getattr(args, "db", None), load_keys=card_keys)


def cmd_lapse(args: argparse.Namespace) -> int:
    from counter_app.services.phone_reports import lapse_expired

    with composition(args) as app:
        count = lapse_expired(app.ctx)
    print(f"已处理到期电话挂失 {count} 件。")
    return 0


def cmd_lapsing(args: argparse.Namespace) -> int:
    from counter_app.services.phone_reports import list_lapsing
    from forms.data import format_datetime

    with composition(args) as app:
        rows = list_lapsing(app.ctx, args.days, args.district, workstation="counter-admin")
    if not rows:
        print("没有即将到期的电话挂失。")
        return 0
    for row in rows:
        print(
            f"{format_datetime(row.deadline_at)} 到期  {row.district_name or row.district_code}"
            f"  {row.holder_name}  {row.masked_id_number}  卡号 {row.card_number}"
            f"  电话 {row.phone or '无'}  地址 {row.address or '无'}"
        )
    print(f"共 {len(rows)} 件。", file=sys.stderr)
    return 0
