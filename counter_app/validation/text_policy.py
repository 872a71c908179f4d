"""One input policy for every free-text and identifier field a clerk or holder types.

Names, staff numbers, reasons, places, circumstances, addresses, comments — whatever a
service stores, prints or audits — go through :func:`clean_text` with the field's
:class:`TextField`:

1. refused when it holds a character nobody means to type: C0/C1 control characters (NUL,
   escape, …; a line break only in a multi-line field), bidirectional overrides and isolates
   (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) that make a text read differently
   from what is stored, zero-width and other invisible format characters (U+200B–U+200D,
   U+2060, U+FEFF, U+00AD, …), lone surrogates (not text at all: the database driver cannot
   encode them), private-use and non-characters, the line/paragraph separators U+2028/2029;
   the message names the position (1-based, as typed) and the kind of character in
   Chinese, never its code point, and never echoes it;
2. normalised to NFC (one stored form for é typed as one or two code points), outer
   whitespace trimmed, CR LF made LF;
3. refused when empty (a required field) or longer than the field's limit — the limits are
   what the printed forms are laid out to hold (``forms/``) and what the columns hold;
4. refused when the field goes to the card or a GBK form and a character is outside GBK.

Every refusal is a :class:`TextRefused` (a :class:`ValidationError`) whose Chinese message
says which field, what is wrong and what to do. Pure functions; no Qt, no database.
:func:`forbidden_character` is also the storage guard's test (``counter_app.db``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from counter_app.validation.chars import BIDI_CONTROLS, ZERO_WIDTH
from counter_app.validation.errors import ValidationError, describe_char


class TextRefused(ValidationError):
    """A free-text or identifier field refused by the input policy."""


@dataclass(frozen=True, slots=True)
class TextField:
    """How one field is checked. ``key`` is stable English (``ValidationError.field``);
    ``label`` is what the clerk sees in the form, used in messages."""

    key: str
    label: str
    max_chars: int
    required: bool = True
    multiline: bool = False
    #: Written to the card or a form whose font/encoding is GBK.
    gbk: bool = False


# --- the fields (limits: what forms/ lays out and the columns hold) -----------------------

STAFF_NO: Final = TextField("staff_no", "工号", 20)
STAFF_NAME: Final = TextField("staff_name", "姓名", 25, gbk=True)
OFFICE_CODE: Final = TextField("office_code", "机构代码", 20)
SESSION_REASON: Final = TextField("reason", "查询事由", 100)
REPRINT_REASON: Final = TextField("reprint_reason", "补打原因", 100)
LOSS_PLACE: Final = TextField("lost_place", "遗失地点", 60, gbk=True)
LOSS_CIRCUMSTANCES: Final = TextField("circumstances", "遗失经过", 300, multiline=True, gbk=True)
ADDRESS: Final = TextField("address", "地址", 100, required=False, gbk=True)
COMMENT: Final = TextField("comment", "备注", 200, required=False, multiline=True)
SEARCH_TEXT: Final = TextField("search", "查询内容", 60)
ID_NUMBER_TEXT: Final = TextField("id_number", "身份证号码", 40)
PHONE_TEXT: Final = TextField("phone", "联系电话", 30, required=False)
REPORT_FILTER: Final = TextField("filter", "筛选条件", 40, required=False)
FORM_SERIAL: Final = TextField("serial", "表单编号", 40)
CATALOGUE_TEXT: Final = TextField("catalogue_search", "药品或诊疗项目查询内容", 40)
UNIT_NUMBER: Final = TextField("unit_number", "单位社会保险编号", 30)

#: What the storage guard (``counter_app.db``) calls a column in its message, by
#: ``table.column``; any other column is "所填内容".
COLUMN_LABELS: Final = {
    "holder_sessions.reason": SESSION_REASON.label,
    "staff.staff_no": STAFF_NO.label,
    "staff.name": STAFF_NAME.label,
    "holders.name": "姓名",
    "holders.address": ADDRESS.label,
    "holders.phone": "联系电话",
    "offices.code": OFFICE_CODE.label,
    "offices.name": "机构名称",
    "form_contents.data": "表单内容",
    "audit_events.reason": "事由",
}

# Staff numbers as issued: letters, digits, hyphens (CK500103-01, KZX500000-05).
_STAFF_NO_SHAPE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{1,19}")

# Format characters that are visible and meant: none. Cf covers bidi controls, zero-width
# characters, BOM, soft hyphen, invisible operators, interlinear annotation, tags.
_BIDI: Final = BIDI_CONTROLS
_ZERO_WIDTH: Final = ZERO_WIDTH
# One regex for the storage guard: the same classes as _why, line breaks and tabs allowed.
_STORAGE_FORBIDDEN: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff\ue000-\uf8ff"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000f0000-\U0010ffff]"
)


def _why(ch: str, multiline: bool) -> str | None:
    """Why ``ch`` may not be typed into a field, or None when it may."""
    if ch == "\n" and multiline:
        return None
    if ch in _BIDI:
        return "文字方向控制符，看不见但会打乱显示顺序"
    if ch in _ZERO_WIDTH:
        return "零宽字符，看不见"
    category = unicodedata.category(ch)
    if category == "Cc":
        if ch in "\r\n":
            return "换行符，此栏只能填一行"
        return "制表符，此栏不能填写" if ch == "\t" else "控制字符，看不见"
    if category == "Cs":
        return "无效字符（文字在复制时已损坏）"
    if category == "Cf":
        return "格式控制字符，看不见"
    if category == "Co":
        return "私用区字符，各系统显示不一致"
    if category in ("Zl", "Zp"):
        return "行/段分隔符，看不见"
    if ch in ("\ufffe", "\uffff") or "\ufdd0" <= ch <= "\ufdef":
        return "无效字符"
    return None


def forbidden_character(text: str, *, multiline: bool = False) -> tuple[int, str, str] | None:
    """The first character the policy refuses: (1-based position, character, why), or None."""
    for position, ch in enumerate(text, start=1):
        why = _why(ch, multiline)
        if why is not None:
            return position, ch, why
    return None


def storage_forbidden(text: str) -> int | None:
    """0-based index of the first character that must never be stored, or None.

    The guard in front of the database (``counter_app.db``): the same classes as
    :func:`forbidden_character`, with line breaks and tabs allowed (multi-line fields).
    """
    match = _STORAGE_FORBIDDEN.search(text)
    return match.start() if match else None


def refuse(field: TextField, message: str, code: str) -> TextRefused:
    return TextRefused(message, field=field.key, code=code)


def clean_text(value: object, field: TextField) -> str:
    """``value`` checked and normalised for ``field``, or :class:`TextRefused`.

    Never raises anything else, whatever ``value`` is (None, bytes, a 10,000-character
    string, lone surrogates).
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise refuse(field, f"「{field.label}」必须是文字。请重新填写。", "type")
    if field.multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    found = forbidden_character(value, multiline=field.multiline)
    if found is not None:
        position, ch, why = found
        raise refuse(
            field,
            f"「{field.label}」第{position}个字符不能填写：它是{why}。"
            "请删除该字符后重新输入（从别处复制的文字常带有这类字符，请手工输入）。",
            "character",
        )
    text = unicodedata.normalize("NFC", value).strip()
    if field.multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    if not text:
        if field.required:
            raise refuse(field, f"未填写「{field.label}」。请填写后重试。", "empty")
        return ""
    if len(text) > field.max_chars:
        raise refuse(
            field,
            f"「{field.label}」最多{field.max_chars}个字，现在有{len(text)}个字。"
            "请精简后重新填写。",
            "too_long",
        )
    if field.gbk:
        for position, ch in enumerate(text, start=1):
            try:
                ch.encode("gbk")
            except UnicodeEncodeError:
                raise refuse(
                    field,
                    f"「{field.label}」第{position}个字符{describe_char(ch)}不在GBK字符集内，"
                    "表单无法打印。请改用常用字或拼音。",
                    "not_gbk",
                ) from None
    return text


def clean_optional_text(value: object, field: TextField) -> str | None:
    """:func:`clean_text` for an optional field; None when nothing was typed."""
    optional = TextField(field.key, field.label, field.max_chars, False, field.multiline, field.gbk)
    return clean_text(value, optional) or None


def clean_staff_name(value: object) -> str:
    """A staff member's name: the policy (GBK: it is printed as 经办人 on every form), then
    the holder-name rules (Han or Latin letters, · between parts; ``validate_name``)."""
    from counter_app.validation.names import validate_name

    return validate_name(clean_text(value, STAFF_NAME))


def clean_staff_no(value: object) -> str:
    """A staff number as typed: the policy, then letters, digits and hyphens only."""
    text = clean_text(value, STAFF_NO)
    if not _STAFF_NO_SHAPE.fullmatch(text):
        raise refuse(
            STAFF_NO,
            "工号只能由字母、数字和连字符组成，2至20位，以字母或数字开头（如 CK500103-01）。"
            "请核对后重新输入。",
            "shape",
        )
    return text
