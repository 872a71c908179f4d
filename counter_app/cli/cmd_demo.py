"""``counter-admin demo-data``: fill a database with the demo city (deterministic per seed),
optionally writing an emulator profile per card and an ID card profile per holder."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from counter_app import db
from counter_app.cli.cmd_db import database_url
from counter_app.compose import compose, settings_from
from counter_app.demo import DemoDataError, fill_demo
from counter_app.demo.profiles import write_idcard_profiles


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo-data", help="生成演示数据 (fill a database with the demo city)"
    )
    parser.add_argument("--holders", type=int, default=2000, help="参保人数 (default 2000)")
    parser.add_argument("--seed", type=int, default=2024, help="随机种子 (same seed, same data)")
    parser.add_argument("--db", metavar="URL", help="数据库 URL (默认: COUNTER_DB_URL 或设置文件)")
    parser.add_argument(
        "--profiles",
        type=Path,
        help="为每张卡和每位参保人的身份证写出模拟配置 JSON 的目录 "
        "(card and ID card emulator profiles)",
    )
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        help="演示数据的“今天” YYYY-MM-DD (default: today, Asia/Shanghai)",
    )
    parser.set_defaults(func=_demo_data)


def _demo_data(args: argparse.Namespace) -> int:
    if args.holders < 1:
        print("错误: --holders 至少为 1", file=sys.stderr)
        return 2
    url = database_url(args, creates=True)
    app = compose(settings_from(getattr(args, "settings", None)), database_url=url, load_keys=False)
    settings, engine = app.settings, app.engine
    assert engine is not None
    try:
        db.upgrade(url)
        summary = fill_demo(
            engine,
            holders=args.holders,
            seed=args.seed,
            as_of=args.as_of,
            profiles_dir=args.profiles,
            phone_validity_days=settings.phone_report_validity_days,
            service_cases=True,
        )
        idcards = (
            write_idcard_profiles(engine, args.profiles, summary.as_of) if args.profiles else 0
        )
    except DemoDataError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
    # A driver error (the application's role, which may not create or empty tables; the
    # audit triggers, for an owner that is no superuser) goes to counter-admin's one
    # handler: its message, or the traceback with COUNTER_DEBUG=1.
    finally:
        app.close()
    rows = sum(summary.rows.values())
    print(
        f"演示数据已生成: {summary.holders} 名参保人, {rows} 行, 种子 {summary.seed}, "
        f"基准日 {summary.as_of}, 用时 {summary.seconds:.1f} 秒"
    )
    if args.profiles:
        print(f"模拟卡配置: {summary.profiles} 个文件写入 {args.profiles}")
        print(f"身份证模拟档案: {idcards} 个文件 (idcard-<身份证号>.json) 写入 {args.profiles}")
    return 0
