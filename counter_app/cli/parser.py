"""``ChineseArgumentParser``: argparse saying its usage, help headings and refusals in
Chinese, as everything else ``counter-admin`` prints (STYLE: screens in Chinese).

argparse builds its messages from fixed English templates; this subclass translates the
ones an operator meets (an invalid choice, a missing or unknown option, a bad number) and
keeps any other text as it is (a type's own ``ArgumentTypeError`` message is Chinese
already). A control character in the echoed command line is shown escaped (``\\x1b``),
never sent raw to the terminal. Sub-command parsers are of the same class (argparse's
default ``parser_class``).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from typing import NoReturn

_TYPES = {"int": "整数", "float": "数字"}

#: (pattern, Chinese) for the message after ``argument X: ``.
_ARGUMENT: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"invalid choice: (?P<v>.+) \(choose from (?P<c>.+)\)"),
        "无效的取值 {v}（可选: {c}）",
    ),
    (re.compile(r"invalid (?P<t>\w+) value: (?P<v>.+)"), "取值 {v} 无效，应为{t}"),
    (re.compile(r"expected one argument"), "缺少取值"),
    (re.compile(r"expected at most one argument"), "最多只能有一个取值"),
    (re.compile(r"expected at least one argument"), "至少需要一个取值"),
    (re.compile(r"not allowed with argument (?P<o>.+)"), "不能与 {o} 同时使用"),
    (re.compile(r"ignored explicit argument (?P<v>.+)"), "不接受取值 {v}"),
)
#: (pattern, Chinese) for a whole message.
_WHOLE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (?P<a>.+)"), "缺少必填参数: {a}"),
    (re.compile(r"one of the arguments (?P<a>.+) is required"), "须给出以下参数之一: {a}"),
    (
        re.compile(r"unrecognized arguments: (?P<a>.+)"),
        "无法识别的参数: {a}。请用 --help 查看此命令接受的参数。",
    ),
    (
        re.compile(r"ambiguous option: (?P<o>\S+) could match (?P<m>.+)"),
        "选项 {o} 不明确，可能是: {m}",
    ),
)
_HEADINGS = (
    ("usage: ", "用法: "),
    ("positional arguments:", "位置参数:"),
    ("options:", "选项:"),
    ("show this help message and exit", "显示此帮助并退出"),
)


def visible(text: str) -> str:
    """``text`` with control and format characters escaped (``\\x1b``, ``\\u202e``)."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch)[0] == "C" else ch
        for ch in text
    )


def translate(message: str) -> str:
    """argparse's English refusal in Chinese (unknown texts unchanged)."""
    for pattern, chinese in _WHOLE:
        found = pattern.fullmatch(message)
        if found is not None:
            return chinese.format(**found.groupdict())
    found = re.fullmatch(r"argument (?P<arg>.+?): (?P<rest>.*)", message, flags=re.DOTALL)
    if found is None:
        return message
    rest = found.group("rest")
    for pattern, chinese in _ARGUMENT:
        inner = pattern.fullmatch(rest)
        if inner is not None:
            parts = inner.groupdict()
            if "t" in parts:
                parts["t"] = _TYPES.get(parts["t"], parts["t"])
            rest = chinese.format(**parts)
            break
    return f"参数 {found.group('arg')}: {rest}"


def _headings(text: str) -> str:
    for english, chinese in _HEADINGS:
        text = text.replace(english, chinese)
    return text


class ChineseArgumentParser(argparse.ArgumentParser):
    def format_usage(self) -> str:
        return _headings(super().format_usage())

    def format_help(self) -> str:
        return _headings(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误: {visible(translate(message))}\n")
