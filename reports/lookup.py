"""Finding the office, staff member or holder a report is about, by the codes staff type."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from counter_app.models import Holder, Office, Staff
from forms.masking import mask_id_number
from reports.model import ReportError


@dataclass(frozen=True)
class OfficeRef:
    id: int
    code: str
    name: str
    kind: str
    district_code: str | None


@dataclass(frozen=True)
class StaffRef:
    id: int
    staff_no: str
    name: str
    office_id: int


@dataclass(frozen=True)
class HolderRef:
    id: int
    name: str
    masked_ssn: str


def office_by_code(conn: Connection, code: str) -> OfficeRef:
    row = conn.execute(
        select(Office.id, Office.code, Office.name, Office.kind, Office.district_code).where(
            Office.code == code.strip()
        )
    ).one_or_none()
    if row is None:
        raise ReportError(f"没有编码为 {code} 的经办机构。请检查机构编码 (如 500103-YB)。")
    return OfficeRef(*row)


def staff_by_no(conn: Connection, staff_no: str) -> StaffRef:
    row = conn.execute(
        select(Staff.id, Staff.staff_no, Staff.name, Staff.office_id).where(
            Staff.staff_no == staff_no.strip()
        )
    ).one_or_none()
    if row is None:
        raise ReportError(f"没有工号为 {staff_no} 的工作人员。请检查工号。")
    return StaffRef(*row)


def holder_by_ssn(conn: Connection, ssn: str) -> HolderRef:
    value = ssn.strip().upper()
    row = conn.execute(select(Holder.id, Holder.name).where(Holder.ssn == value)).one_or_none()
    if row is None:
        raise ReportError(
            f"没有社会保障号码为 {mask_id_number(value)} 的参保人。请核对号码后重试。"
        )
    return HolderRef(row[0], row[1], mask_id_number(value))
