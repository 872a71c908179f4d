"""Item models over the plain dataclasses the services return (tested without a window).

ID numbers are masked by ``forms.masking`` — the project's one masking rule — unless the
model is told to reveal them (the clerk's explicit reveal, which hides itself again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from counter_app.presentation import codes
from counter_app.presentation import text as written
from counter_app.ui.i18n import tr
from forms.masking import mask_card_number, mask_id_number, mask_phone

#: Field names the services use, in Chinese for the clerk. Unknown names show as they are.
FIELD_LABELS: dict[str, str] = {
    "holder_id": "参保人编号",
    "name": "姓名",
    "gender": "性别",
    "ssn": "社会保障号码",
    "id_number": "公民身份号码",
    "social_security_number": "社会保障号码",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "ethnic_group": "民族",
    "birthplace": "出生地",
    "household_district": "户籍区县",
    "district": "区县",
    "district_name": "区县",
    "phone": "联系电话",
    "address": "地址",
    "status": "人员状态",
    "card_number": "卡号",
    "card_id_code": "卡识别码",
    "card_state": "卡状态",
    "state": "状态",
    "issue_date": "发卡日期",
    "expiry_date": "有效期至",
    "spec_version": "规范版本",
    "employer": "单位",
    "employer_name": "单位名称",
    "period": "期间",
    "base": "缴费基数",
    "employer_amount": "单位缴纳",
    "personal_amount": "个人缴纳",
    "paid": "已缴",
    "balance": "余额",
    "amount": "金额",
    "date": "日期",
    "at": "时间",
    "kind": "类别",
    "channel": "渠道",
    "reported_at": "报告时间",
    "serial": "编号",
    "months": "月数",
    "continuous_months": "连续缴费月数",
    "insurance": "险种",
    "start": "开始",
    "end": "结束",
    "grade": "等级",
    "disability_grade": "伤残等级",
    "description": "说明",
    "office": "经办机构",
    "office_name": "经办机构",
    "staff": "经办人",
    "title": "名称",
    "level": "等级",
    "issued_on": "发证日期",
    "position": "岗位",
    "retirement_benefit": "退休待遇金额",
    "medical_balance": "医疗卡余额",
    "category": "类别",
    "reason": "原因",
    "lapses_at": "失效时间",
    "tries_left": "剩余次数",
}

FIELD_LABELS.update(
    {
        "basic": "基本信息",
        "card": "当前卡片",
        "history": "卡片历史",
        "cards": "全部卡片",
        "household_district_name": "户籍区县名称",
        "state_label": "状态",
        "state_changed_at": "状态变更时间",
        "region_code": "发卡地区代码",
        "birthplace_name": "出生地名称",
        "personal_status": "人员状态",
        "ethnicity_name": "民族",
        "status_label": "状态",
        "kind_label": "类别",
        "label": "名称",
        "deadline_at": "到期时间",
        "confirmed_at": "确认时间",
        "form_serial": "表单编号",
    }
)
#: Internal keys never shown to the clerk.
HIDDEN_FIELDS = {"card_id", "holder_id", "id", "session_id", "staff_id", "office_id", "report_id"}

#: Fields holding an ID number (masked), a card number or a phone number.
ID_FIELDS = {"ssn", "id_number", "social_security_number"}
CARD_FIELDS = {"card_number", "old_card_number"}
PHONE_FIELDS = {"phone"}


#: Fields whose value is a code in the database, decoded for the clerk (GB/T 2261.1 性别,
#: GB 3304 民族, card states, GB/T 2260 districts): a search hit says 男 and 正常, not 1 and
#: active.
DECODED_FIELDS: dict[str, Callable[[str], str]] = {
    "gender": codes.gender_name,
    "ethnicity": codes.ethnicity_name,
    "card_state": codes.card_state_name,
    "household_district": codes.region_name,
    "district_code": codes.region_name,
}


def label(field: str) -> str:
    return tr("fields", FIELD_LABELS.get(field, field))


def display(value: Any, field: str = "", reveal: bool = False) -> str:
    """One value as the clerk sees it: masked when ``field`` is an ID/card/phone field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("fields", "是") if value else tr("fields", "否")
    if isinstance(value, Enum):
        value = getattr(value, "label", None) or value.value
    # Stored instants are UTC: shown in Asia/Shanghai through the one conversion
    # (forms.localtime); days and amounts as every record page writes them.
    if isinstance(value, dt.datetime):
        return written.instant(value)
    if isinstance(value, dt.date):
        return written.day(value)
    if isinstance(value, Decimal):
        return written.money(value)
    text = str(value)
    decode = DECODED_FIELDS.get(field)
    if decode is not None:
        return decode(text)
    if not reveal:
        if field in ID_FIELDS:
            return mask_id_number(text)
        if field in CARD_FIELDS:
            return mask_card_number(text) if len(text) > 5 else text
        if field in PHONE_FIELDS:
            return mask_phone(text)
    return text


def fields_of(obj: Any) -> list[str]:
    """The fields to show: internal ids dropped, and a code dropped when its label is there
    (``state`` beside ``state_label``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = [f.name for f in dataclasses.fields(obj)]
    elif isinstance(obj, dict):
        names = [str(k) for k in obj]
    elif hasattr(obj, "__dict__"):
        names = list(vars(obj))
    else:
        return []
    return [
        n
        for n in names
        if not n.startswith("_") and n not in HIDDEN_FIELDS and f"{n}_label" not in names
    ]


def value_of(obj: Any, field: str) -> Any:
    return obj.get(field) if isinstance(obj, dict) else getattr(obj, field, None)


def is_record(value: Any) -> bool:
    return (dataclasses.is_dataclass(value) and not isinstance(value, type)) or isinstance(
        value, dict
    )


def is_table(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(is_record(v) for v in value)


class RecordTableModel(QAbstractTableModel):
    """Rows of dataclasses (or dicts), one column per field (or the given ``columns``)."""

    def __init__(
        self,
        rows: Sequence[Any] = (),
        columns: Sequence[str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._rows: list[Any] = list(rows)
        self._columns = (
            list(columns) if columns else (fields_of(self._rows[0]) if self._rows else [])
        )
        self._reveal_row: int | None = None

    def set_rows(self, rows: Sequence[Any], columns: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if columns:
            self._columns = list(columns)
        elif self._rows:
            self._columns = [
                c for c in fields_of(self._rows[0]) if not is_table(value_of(self._rows[0], c))
            ]
        self._reveal_row = None
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def reveal(self, row: int | None) -> None:
        """Show the full numbers of ``row`` (None: mask every row again)."""
        self._reveal_row = row
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )

    @property
    def revealed_row(self) -> int | None:
        return self._reveal_row

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        field = self._columns[index.column()]
        value = value_of(self._rows[index.row()], field)
        if role == Qt.ItemDataRole.DisplayRole:
            return display(value, field, reveal=index.row() == self._reveal_row)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (int, float, Decimal)):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return label(self._columns[section])
        return None


class FieldsModel(QAbstractTableModel):
    """One record as two columns (项目, 内容); nested tables are left to the caller."""

    def __init__(self, record: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, Any]] = []
        self.set_record(record)

    def set_record(self, record: Any) -> None:
        self.beginResetModel()
        self._items = []
        if record is not None:
            for name in fields_of(record):
                value = value_of(record, name)
                if not is_table(value) and not is_record(value):
                    self._items.append((name, value))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        name, value = self._items[index.row()]
        return label(name) if index.column() == 0 else display(value, name)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr("fields", "项目") if section == 0 else tr("fields", "内容")
        return None
