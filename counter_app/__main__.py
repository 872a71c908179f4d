"""``counter-app``: start the counter workstation GUI (``--demo`` for the embedded demo)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="counter-app", description="社保卡经办窗口工作站")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="演示模式：演示数据库（首次使用时创建并填充）与内置卡模拟器",
    )
    parser.add_argument("--settings", help="设置文件路径 (default: COUNTER_SETTINGS)")
    parser.add_argument(
        "--demo-cards",
        type=Path,
        help="仅演示：城市部署演示工作站的演示卡文件（scripts/city 生成；本机无数据库）",
    )
    args = parser.parse_args(argv)
    if args.demo_cards is not None and not args.demo:
        # Demo cards (their PINs) never reach a production workstation.
        parser.error("--demo-cards 只能与 --demo 一起使用（演示卡仅用于演示）。")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from counter_app.ui.app import run  # Qt is loaded only past argument parsing

    return run(demo=args.demo, settings_path=args.settings, demo_cards_file=args.demo_cards)


if __name__ == "__main__":
    sys.exit(main())
