"""``counter-admin form``: specimens, verification of scanned forms, reprints.

- ``form specimen KIND --out FILE``: a filled, watermarked specimen (demo key) for training
  and printer alignment.
- ``form verify TEXT``: is the scanned QR text of a form genuine, and for which card, issued
  where and when. The key is the settings' ``form_hmac_key`` (hex); in demo/test mode an empty
  key means ``forms.verification.DEMO_FORM_KEY``; production refuses an empty key.
- ``form reprint SERIAL --reason TEXT --out FILE``: regenerate an issued form, marked 补打
  (``counter_app.services.form_reprints.load_form_for_reprint``, audited).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from counter_app.compose import settings_from
from counter_app.services.registered_forms import form_key
from counter_app.settings import Settings, SettingsError

KINDS = ("loss", "lift", "pin-reset", "unblock", "replacement", "access-slip")


DB_HELP = "数据库 URL (默认: COUNTER_DB_URL 或设置文件)"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "form",
        help="表单: 样本、真伪核验、补打 (printed forms)",
        description="打印表单: 生成样本、核验扫描的表单二维码、补打已签发的表单。",
    )
    commands = parser.add_subparsers(dest="form_command", metavar="ACTION")
    parser.set_defaults(func=lambda _args: _help(parser))

    spec = commands.add_parser("specimen", help="生成填好的表单样本 (training / printer alignment)")
    spec.add_argument("kind", choices=KINDS, metavar="KIND", help="、".join(KINDS))
    spec.add_argument("--out", required=True, type=Path, help="输出 PDF 文件")
    spec.set_defaults(func=cmd_specimen)

    verify = commands.add_parser("verify", help="核验扫描得到的表单二维码内容是否真实")
    verify.add_argument("text", metavar="TEXT", help="二维码内容 (CQSSC1|…)")
    verify.add_argument(
        "--offline", action="store_true", help="只核验二维码签名，不查询数据库中的签发记录"
    )
    verify.add_argument("--db", metavar="URL", help=DB_HELP)
    verify.set_defaults(func=cmd_verify)

    reprint = commands.add_parser("reprint", help="补打已签发的表单 (标注“补打”，编号不变)")
    reprint.add_argument("serial", metavar="SERIAL", help="表单编号")
    reprint.add_argument("--reason", required=True, help="补打原因")
    reprint.add_argument("--out", required=True, type=Path, help="输出 PDF 文件")
    reprint.add_argument("--db", metavar="URL", help=DB_HELP)
    reprint.set_defaults(func=cmd_reprint)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _settings(args: argparse.Namespace) -> Settings:
    """The settings file (``form_hmac_key``: verify and reprint need the form key on the
    machine that runs them), with ``--db`` in place of its database when given."""
    settings = settings_from(getattr(args, "settings", None))
    if getattr(args, "db", None):
        settings = settings.replace(db_url=args.db)
    return settings


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def cmd_specimen(args: argparse.Namespace) -> int:
    from forms.data import FormKind
    from forms.fonts import FontNotFound
    from forms.specimens import render_specimen

    try:
        data = render_specimen(FormKind(args.kind))
    except FontNotFound as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
    _write(args.out, data)
    print(f"已生成 {FormKind(args.kind).heading} 样本: {args.out}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from forms.verification import FormNotGenuine, verify_payload

    try:
        key = form_key(_settings(args))
    except SettingsError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    try:
        verified = verify_payload(args.text, key)
    except FormNotGenuine as exc:
        print(f"不通过: {exc}")
        return 1
    print(verified.describe())
    if args.offline:
        return 0
    from sqlalchemy.exc import SQLAlchemyError

    from counter_app.cli.db_target import admin_database_url
    from counter_app.cli.main import refusal_message
    from counter_app.services.form_reprints import form_on_record

    unchecked = "注意: 签名本身有效，但未能核对签发记录：{}只核验签名可加 --offline。"
    try:  # no database named, or a SQLite file that is not there: none is created
        url = admin_database_url(args)
    except SettingsError as exc:
        print(unchecked.format(exc), file=sys.stderr)
        return 3
    try:
        record = form_on_record(_settings(args).replace(db_url=url), verified.serial)
    except SQLAlchemyError as exc:  # which failure, naming the database (never the password)
        print(unchecked.format(refusal_message(exc, url)), file=sys.stderr)
        return 3
    if record is None:
        print(
            f"不通过: 数据库中没有编号为 {verified.serial} 的表单记录。签名虽有效，"
            "但该表单未在本系统登记，请联系签发机构核实。"
        )
        return 1
    if not record.matches(verified.kind, verified.office_code, verified.card_number):
        print(f"不通过: 二维码内容与编号 {verified.serial} 的签发记录不一致。请联系签发机构核实。")
        return 1
    reprints = f"，已补打 {record.reprint_count} 次" if record.reprint_count else ""
    print(f"签发记录一致: 数据库中有此表单{reprints}。")
    return 0


def cmd_reprint(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        print("错误: 补打必须注明原因 (--reason)。", file=sys.stderr)
        return 2
    from counter_app.services.form_reprints import load_form_for_reprint
    from forms.render import render_form

    try:
        settings = _settings(args)
        key = form_key(settings)
    except SettingsError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    from counter_app.services.errors import DatabaseUnavailable, ServiceError

    # The service records the reprint (count, reason, when, audit) in one unit of work and
    # returns the stored form data with its 补打 mark; the serial never changes.
    try:
        form, reprint = load_form_for_reprint(settings, args.serial, reason=args.reason)
    except DatabaseUnavailable:
        raise  # counter-admin says which failure it is, naming the database
    except ServiceError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
    _write(args.out, render_form(form, key=key, reprint=reprint))
    print(f"已补打 {form.kind.heading} {form.header.serial} (第{reprint.count}次): {args.out}")
    return 0
