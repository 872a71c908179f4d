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

from counter_app.settings import SettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    if args.settings:
        os.environ["COUNTER_SETTINGS"] = args.settings  # read by load_settings()
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except SettingsError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
