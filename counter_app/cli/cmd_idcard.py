"""``counter-admin idcard …``: the resident ID card reader (IDCARD.md) for technicians.

``read [--port PATH] [--json]`` · ``diagnose [--port PATH]`` ·
``emulate --profile FILE [--control FILE] [--read-delay S] [--absent]``.

``read --json`` prints exactly the keys of :data:`reader.idcard.JSON_KEYS`. Reader errors
print their Chinese message and exit 1 (2 for bad arguments or files). The photo is never
printed or written anywhere.

The emulator serves one reader on a pseudo-terminal and prints its path on the first line.
Scripts place and take away the card with signals — ``SIGUSR1`` places it, ``SIGUSR2``
takes it away — or with a control file (``--control FILE``) holding ``place``,
``place PROFILE.json`` (another card) or ``remove``; the file is read whenever it changes
(polled every 0.1 s). Each change is confirmed by a line ``placed`` or ``removed`` on
stdout: wait for it before the next signal, because two different signals that arrive
together are handled in signal-number order (SIGUSR1 first), not in the order sent.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.presentation.codes import ethnicity_name
from reader.idcard import CARD_KIND_LABELS, IdCardData, IdCardError
from reader.idcard.card import LONG_TERM

_GENDER = {"1": "男", "2": "女", "M": "男", "F": "女", "9": "未说明"}
_PASS_REGION = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


def register(subparsers: Any) -> None:
    idcard = subparsers.add_parser("idcard", help="身份证阅读器 (resident ID card reader)")
    sub = idcard.add_subparsers(dest="idcard_command", metavar="IDCARD_COMMAND")
    idcard.set_defaults(func=lambda args: _usage(idcard))

    p = sub.add_parser("read", help="读取身份证 (read the ID card on the reader)")
    p.add_argument("--port", help="串口路径（默认：设置 idcard_port，或扫描串口）")
    p.add_argument("--json", action="store_true", help="输出 JSON（不含照片）")
    p.set_defaults(func=_guard(cmd_read))

    p = sub.add_parser("diagnose", help="身份证阅读器诊断 (port, baud, SAM status and ID)")
    p.add_argument("--port", help="串口路径（默认：设置 idcard_port，或扫描串口）")
    p.set_defaults(func=_guard(cmd_diagnose))

    p = sub.add_parser("emulate", help="在伪终端上模拟身份证阅读器 (serve an emulated reader)")
    p.add_argument("--profile", required=True, type=Path, help="证件档案 JSON (IDCARD.md)")
    p.add_argument("--control", type=Path, help="控制文件：place [档案] / remove")
    p.add_argument("--read-delay", type=float, default=0.0, help="读卡耗时（秒），默认 0")
    p.add_argument("--absent", action="store_true", help="开始时阅读器上没有证件")
    p.set_defaults(func=_guard(cmd_emulate))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except IdCardError as exc:
            print(f"错误: {exc}", file=sys.stderr)
            return 1

    run.__doc__ = handler.__doc__
    return run


def _configured_port(args: argparse.Namespace) -> str:
    if getattr(args, "port", None):
        return str(args.port)
    from counter_app.compose import settings_from  # the settings every command reads

    return settings_from(getattr(args, "settings", None)).idcard_port


def describe(data: IdCardData) -> list[tuple[str, str]]:
    """The card's fields as a clerk reads them (labels, decoded codes, dates)."""
    rows = [("证件类型", CARD_KIND_LABELS[data.kind])]
    if data.english_name:
        rows.append(("英文姓名", data.english_name))
    rows += [("姓名", data.name or "无记录"), ("性别", _GENDER.get(data.gender, data.gender))]
    if data.nation:
        rows.append(("民族", ethnicity_name(data.nation)))
    if data.nationality:
        rows.append(("国籍", data.nationality))
    rows.append(("出生", f"{data.birth:%Y年%m月%d日}"))
    if data.address:
        rows.append(("住址", data.address))
    number_label = {"resident": "公民身份号码", "hmt": "居住证号码", "foreign": "永久居留证号码"}
    rows.append((number_label[data.kind.value], data.id_number))
    if data.pass_number:
        region = _PASS_REGION.get(data.id_number[:6], "")
        rows.append(("通行证号码", f"{data.pass_number}{'（' + region + '）' if region else ''}"))
    if data.issue_count:
        rows.append(("签发次数", data.issue_count))
    if data.authority or data.authority_code:
        rows.append(("签发机关", data.authority or data.authority_code))
    until = LONG_TERM if data.valid_to is None else f"{data.valid_to:%Y.%m.%d}"
    rows.append(("有效期限", f"{data.valid_from:%Y.%m.%d}－{until}"))
    rows.append(("阅读器安全模块号", data.sam_id))
    return rows


def _open(args: argparse.Namespace) -> Any:
    from reader.idcard import find_reader

    return find_reader(_configured_port(args))


def cmd_read(args: argparse.Namespace) -> int:
    """Read the card once and print its fields; the photo stays in memory and is wiped."""
    client = _open(args)
    try:
        data = client.read_card()
    finally:
        client.close()
    try:
        if args.json:
            print(json.dumps(data.as_json(), ensure_ascii=False, indent=1))
        else:
            for label, value in describe(data):
                print(f"{label}：{value}")
            print(f"照片：{len(data.photo)} 字节（仅在窗口界面显示，不保存）")
    finally:
        data.wipe()
    return 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    """Port, baud rate, SAM status and ID, and a verdict in plain words."""
    from reader.idcard.discovery import serial_ports

    port = _configured_port(args)
    print(f"设置的端口：{port or '未设置（扫描串口）'}")
    if not port:
        ports = serial_ports()
        print(f"系统串口：{'、'.join(ports) if ports else '无记录'}")
    try:
        client = _open(args)
    except IdCardError as exc:
        print(f"结论：未找到身份证阅读器。{exc}")
        return 1
    try:
        print(f"阅读器端口：{client.path}，波特率 {client.baudrate}")
        try:
            client.sam_status()
            print("安全模块状态：正常")
            print(f"安全模块号：{client.sam_id()}")
        except IdCardError as exc:
            print(f"结论：阅读器已连接，但安全模块不可用。{exc}")
            return 1
        try:
            client.find_card()
            print("证件：阅读器上有证件")
        except IdCardError as exc:
            print(f"证件：{exc}")
    finally:
        client.close()
    print("结论：身份证阅读器工作正常。")
    return 0


def cmd_emulate(args: argparse.Namespace) -> int:
    """Serve one reader on a pty until interrupted (see the module docstring)."""
    from reader.idcard.emulator import PtyIdReader
    from reader.idcard.profile import ProfileError, load_profile

    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    emulator = PtyIdReader(profile, read_delay=args.read_delay)
    if args.absent:
        emulator.remove()
    path = emulator.start()
    done = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: _change(emulator, None))
    signal.signal(signal.SIGUSR2, lambda *_: _change(emulator, "remove"))
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(path, flush=True)
    print(
        f"模拟身份证阅读器：{path}（SIGUSR1 放置证件，SIGUSR2 取走证件）",
        file=sys.stderr,
        flush=True,
    )
    last = None
    try:
        while not done.wait(0.1):
            if args.control is not None:
                last = _apply_control(args.control, emulator, last)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


def _change(emulator: Any, what: Any) -> None:
    """Place (``what`` None or a profile) or take away (``"remove"``) the card, and say so
    on stdout (``placed`` / ``removed``) so a script knows the change was made."""
    if what == "remove":
        emulator.remove()
        print("removed", flush=True)
    else:
        emulator.place(what)
        print("placed", flush=True)


def _apply_control(path: Path, emulator: Any, last: str | None) -> str | None:
    from reader.idcard.profile import ProfileError, load_profile

    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return last
    if text == last:
        return last
    word, _, rest = text.partition(" ")
    if word in ("place", "present"):
        try:
            _change(emulator, load_profile(Path(rest.strip())) if rest.strip() else None)
        except ProfileError as exc:
            print(f"错误: {exc}", file=sys.stderr)
    elif word in ("remove", "absent"):
        _change(emulator, "remove")
    return text
