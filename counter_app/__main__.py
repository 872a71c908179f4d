"""``counter-app``: start the counter workstation GUI (``--demo`` for the embedded demo)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="counter-app", description="社保卡经办窗口工作站")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="演示模式：演示数据库（首次使用时创建并填充）与内置卡模拟器",
    )
    parser.add_argument("--settings", help="设置文件路径 (default: COUNTER_SETTINGS)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from counter_app.ui.app import run  # Qt is loaded only past argument parsing

    return run(demo=args.demo, settings_path=args.settings)


if __name__ == "__main__":
    sys.exit(main())
