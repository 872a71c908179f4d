"""Argument types shared by the ``counter-admin`` commands: each runs the input policy of
``counter_app.validation`` on a command-line text, so that a control character (an ESC
sequence that recolours or clears the terminal, a newline) is refused by position with a
Chinese message and exit 2 — never echoed back raw in a later "not found" message — and
an output file is one the operator meant (a known suffix, an existing folder).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Final

from counter_app.validation import ValidationError
from counter_app.validation.text_policy import (
    ID_NUMBER_TEXT,
    OFFICE_CODE,
    TextField,
    clean_staff_no,
    clean_text,
    forbidden_character,
)

_ID_SHAPE: Final = re.compile(r"\d{17}[\dX]", flags=re.ASCII)
OUT_FILE: Final = TextField("out", "输出文件", 255)
#: The report formats and their suffixes.
REPORT_SUFFIXES: Final = {".pdf": "pdf", ".csv": "csv"}


def _refused(error: ValidationError) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(str(error))


def office_code(text: str) -> str:
    """An office code such as 500103-YB (the input policy; an unknown code is the
    command's own "no such office")."""
    try:
        return clean_text(text, OFFICE_CODE)
    except ValidationError as error:
        raise _refused(error) from None


def staff_no(text: str) -> str:
    """A staff number such as YB500103-04 (``clean_staff_no``)."""
    try:
        return clean_staff_no(text)
    except ValidationError as error:
        raise _refused(error) from None


def id_number(text: str) -> str:
    """A holder's ID number (社会保障号码) to look up: the input policy and the shape —
    18 characters, 17 digits and a check character (not the check itself: a record stored
    with a wrong one must still be found)."""
    from counter_app.validation.idnumber import normalise_id_number

    try:
        number = normalise_id_number(clean_text(text, ID_NUMBER_TEXT))
    except ValidationError as error:
        raise _refused(error) from None
    if not _ID_SHAPE.fullmatch(number):
        raise argparse.ArgumentTypeError(
            f"社会保障号码应为18位（17位数字加一位校验码 0-9 或 X），输入的是{len(number)}位。"
            "请核对后重新输入。"
        )
    return number


def district_code(text: str) -> str:
    """A district code: 6 digits (500103)."""
    code = text.strip()
    if not re.fullmatch(r"\d{6}", code, flags=re.ASCII):
        raise argparse.ArgumentTypeError(
            f"区县代码应为6位数字（如 500103），输入的是{len(code)}个字符。请核对后重新输入。"
        )
    return code


def out_file(text: str) -> Path:
    """An output file: no control characters in its name and a folder that exists (the
    command creates no folders: a typo must not leave a new folder tree behind)."""
    found = forbidden_character(text)
    if found is not None:
        position, _ch, why = found
        raise argparse.ArgumentTypeError(
            f"「输出文件」第{position}个字符不能用于文件名：它是{why}。请重新输入文件名。"
        )
    path = Path(text)
    if not text.strip() or path.name in ("", ".", ".."):
        raise argparse.ArgumentTypeError("未填写输出文件名。请写出文件名，如 日报.pdf。")
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(
            f"输出文件夹 {folder} 不存在。请先建立该文件夹，或改写到已有的文件夹。"
        )
    return path


def report_format(out: Path, asked: str | None) -> str:
    """The report's format: ``--format`` when given, else by the suffix of ``--out``.

    Raises ``ValueError`` (a Chinese message) for a suffix that is neither .pdf nor .csv
    without ``--format``, or one that names the other format than ``--format``: a PDF
    written into ``x.txt`` or ``x.csv`` opens as garbage."""
    by_suffix = REPORT_SUFFIXES.get(out.suffix.lower())
    if asked is None:
        if by_suffix is None:
            raise ValueError(
                f"无法从文件名 {out.name} 判断报表格式。请以 .pdf 或 .csv 结尾，"
                "或用 --format pdf|csv 指明。"
            )
        return by_suffix
    if by_suffix is not None and by_suffix != asked:
        raise ValueError(
            f"文件名 {out.name} 与 --format {asked} 不符。请改用 .{asked} 结尾的文件名。"
        )
    return asked
