"""``counter-admin card …``: the technician's card and reader commands.

``readers`` · ``read [--reader NAME] [--json]`` · ``tries`` · ``diagnose`` ·
``emulate --profile FILE [--vpcd HOST:PORT] [--state-out FILE]``. Card errors print their
Chinese message and exit non-zero (1; 2 for bad arguments or files). ``read --json`` prints
exactly the identity JSON of CARD.md. Nothing here ever asks for or prints a PIN.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from reader.errors import CardError

_GENDER = {"1": "男", "2": "女", "9": "未说明"}
_APP_STATE = {"ok": "正常", "blocked": "已锁定（挂失）"}


def register(subparsers: Any) -> None:
    card = subparsers.add_parser("card", help="读卡器与社保卡 (card reader and card)")
    sub = card.add_subparsers(dest="card_command", metavar="CARD_COMMAND")
    card.set_defaults(func=lambda args: _usage(card))

    p = sub.add_parser("readers", help="列出读卡器 (list PC/SC readers)")
    p.set_defaults(func=_guard(cmd_readers))

    p = sub.add_parser("read", help="读取社保卡信息 (read the card's identity)")
    _reader_option(p)
    p.add_argument("--json", action="store_true", help="输出 CARD.md 规定的 JSON")
    p.set_defaults(func=_guard(cmd_read))

    p = sub.add_parser("tries", help="密码剩余尝试次数 (PIN tries left; spends none)")
    _reader_option(p)
    p.set_defaults(func=_guard(cmd_tries))

    p = sub.add_parser("diagnose", help="读卡诊断 (why is the card not read?)")
    _reader_option(p)
    p.set_defaults(func=_guard(cmd_diagnose))

    p = sub.add_parser("emulate", help="模拟社保卡接入 vpcd 虚拟读卡器 (serve an emulated card)")
    p.add_argument("--profile", required=True, help="卡片档案 JSON (CARD.md emulator profile)")
    p.add_argument("--vpcd", default="127.0.0.1:35963", help="vpcd 地址 HOST:PORT")
    p.add_argument("--state-out", help="每次卡片状态变化后把档案写回此文件 (PIN, counters)")
    p.set_defaults(func=_guard(cmd_emulate))


def _reader_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reader", help="读卡器名称（默认：设置中的名称，或第一个插了卡的读卡器）")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Card and reader errors → their Chinese message on stderr and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CardError as exc:
            print(f"错误: {exc}", file=sys.stderr)
            return 1

    run.__doc__ = handler.__doc__
    return run


def _settings(args: argparse.Namespace) -> Any:
    from counter_app.compose import settings_from

    return settings_from(getattr(args, "settings", None))


def _reader_name(args: argparse.Namespace, settings: Any) -> str | None:
    if args.reader:
        return str(args.reader)
    configured = str(settings.reader_name or "")
    return configured if configured and configured != "emulator" else None


# --- handlers ---------------------------------------------------------------------------


def cmd_readers(args: argparse.Namespace) -> int:
    """Every PC/SC reader, with whether a card is in it."""
    from reader.pcsc import Context, sc

    context = Context()
    try:
        names = context.readers()
        states = context.status(names)
    finally:
        context.release()
    if not names:
        print("未找到读卡器。请连接读卡器；如已连接，请运行 counter-admin card diagnose。")
        return 1
    for name in names:
        state, atr = states.get(name, (0, b""))
        if state & sc.SCARD_STATE_PRESENT:
            print(f"{name}\t有卡\tATR {atr.hex().upper()}")
        else:
            print(f"{name}\t无卡")
    return 0


def cmd_read(args: argparse.Namespace) -> int:
    """The card's identity: CARD.md JSON, or a Chinese summary plus ``iReadCardBas``."""
    from reader.client import SocialSecurityCardClient
    from reader.pcsc import PcscTransport

    settings = _settings(args)
    with PcscTransport.open(_reader_name(args, settings)) as transport:
        identity = SocialSecurityCardClient(transport).read_identity()
        serial = transport.reader_serial()
    if identity.card_number_warning:
        print(f"注意: {identity.card_number_warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(identity.to_json_dict(), ensure_ascii=False, indent=2))
        return 0
    data = identity.to_json_dict()
    rows = [
        ("姓名", data["name"]),
        ("社会保障号码", data["ssn"]),
        ("社保卡号", data["card_number"]),
        ("性别", _GENDER.get(data["gender"], data["gender"])),
        ("民族代码", data["ethnicity"]),
        ("出生日期", data["birth_date"] or ""),
        ("出生地", data["birthplace"]),
        ("发卡地区", data["region_code"]),
        ("卡识别码", data["card_id_code"]),
        ("卡类别", data["card_type"]),
        ("规范版本", data["spec_version"]),
        ("发卡日期", data["issue_date"] or ""),
        ("有效期至", data["expiry_date"] or ""),
        (
            "密码剩余次数",
            "（不可查询）" if data["pin_tries_left"] is None else str(data["pin_tries_left"]),
        ),
        ("社保应用", _APP_STATE.get(data["app_state"], data["app_state"])),
    ]
    for label, value in rows:
        print(f"{label}：{value}")
    print("iReadCardBas：" + identity.ireadcardbas(settings.workstation_id, serial))
    return 0


def cmd_tries(args: argparse.Namespace) -> int:
    """Tries left before the PIN blocks, without spending one."""
    from reader.client import SocialSecurityCardClient
    from reader.pcsc import PcscTransport

    settings = _settings(args)
    with PcscTransport.open(_reader_name(args, settings)) as transport:
        tries = SocialSecurityCardClient(transport).pin_tries_left()
    if tries == 0:
        print("密码已锁定（剩余 0 次）。请持卡人持有效身份证件办理解锁或重置。")
    else:
        print(f"密码剩余尝试次数：{tries}")
    return 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    """Check service, readers, card, application, PIN pad and speed; say what to do."""
    from reader.diagnose import diagnose

    settings = _settings(args)
    result = diagnose(_reader_name(args, settings))
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1


def cmd_emulate(args: argparse.Namespace) -> int:
    """Serve the card of ``--profile`` to a vpcd reader until Ctrl+C / SIGTERM."""
    from reader.emulator.card import EmulatedCard
    from reader.emulator.profile import load_profile
    from reader.emulator.vpcd import parse_hostport, serve_forever

    try:
        host, port = parse_hostport(args.vpcd)
        card = EmulatedCard.from_profile(load_profile(args.profile))
    except ValueError as exc:  # ProfileError is a ValueError and says what is wrong
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    print(f"正在模拟社保卡，连接 vpcd {host}:{port}（按 Ctrl+C 停止）", file=sys.stderr, flush=True)
    serve_forever(card, host, port, state_out=args.state_out)
    print("模拟已停止。", file=sys.stderr)
    return 0
