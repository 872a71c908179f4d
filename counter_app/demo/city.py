"""The demo city: every Chongqing district and county with its medical insurance
sub-center and a service window, the city card service center, their staff (every role),
and employers in every district."""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from counter_app.demo.accounts import DEMO_ACCOUNTS, ROLE_PASSWORDS
from counter_app.demo.bulk import ts_text
from counter_app.demo.context import Context, Desk
from counter_app.demo.names import (
    EMPLOYER_SUFFIXES,
    EMPLOYER_TRADES,
    EMPLOYER_WORDS,
    STREETS,
    person_name,
)
from counter_app.services.form_data import form_office
from counter_app.services.password_hashing import hash_password
from counter_app.validation.regions import CHONGQING_DISTRICTS
from forms import data as fd

CITY_CODE = "500000"
CARD_CENTER_CODE = "500000-KZX"

OFFICE_COLUMNS = ("id", "code", "name", "kind", "district_code", "address", "phone", "active")
STAFF_COLUMNS = (
    "id",
    "staff_no",
    "name",
    "office_id",
    "role",
    "password_hash",
    "must_change_password",
    "active",
    "failed_logins",
    "created_at",
    "password_changed_at",
)
EMPLOYER_COLUMNS = (
    "id",
    "unit_number",
    "name",
    "credit_code",
    "district_code",
    "industry",
    "address",
)


class _OfficeRow(NamedTuple):
    """An office as ``form_data.form_office`` reads it (the columns written here)."""

    code: str
    name: str
    district_code: str | None


def hash_role_passwords() -> dict[str, str]:
    """argon2id hashes of the demo passwords, one per role, computed once per run."""
    return {role: hash_password(password) for role, password in ROLE_PASSWORDS.items()}


def write_city(ctx: Context) -> None:
    """Offices and staff. Staff names are fixed (their own random stream), not per seed.

    Password hashes are filled in per role afterwards (``generate._write_hashes``).
    """
    names = random.Random(20240501)
    known = {a.staff_no: a.name for a in DEMO_ACCOUNTS}
    created = ts_text(ctx.now - dt.timedelta(days=400))
    w = ctx.writer

    def staff(office_id: int, prefix: str, roles: list[str]) -> tuple[int, fd.Staff]:
        """Write the office's staff; the first (``-01``, who does its demo work) as its
        id and as forms sign it."""
        first: tuple[int, fd.Staff] | None = None
        for n, role in enumerate(roles, start=1):
            staff_no = f"{prefix}-{n:02d}"
            name = known.get(staff_no) or person_name(names, names.choice("12"))
            staff_id = ctx.next_id("staff")
            first = first or (staff_id, fd.Staff(name, staff_no))
            w.add(
                "staff", (staff_id, staff_no, name, office_id, role, "", 0, 1, 0, created, created)
            )
        assert first is not None
        return first

    office_id = ctx.next_id("offices")
    center = _OfficeRow(CARD_CENTER_CODE, "重庆市社会保障卡服务中心", None)
    w.add(
        "offices",
        (
            office_id,
            center.code,
            center.name,
            "card_center",
            None,
            "重庆市渝中区中山三路",
            "023-12333",
            1,
        ),
    )
    first, handler = staff(
        office_id, "KZX500000", ["card_center_staff"] * 3 + ["supervisor", "admin"]
    )
    ctx.card_center = Desk(office_id, center.code, first, form_office(center), handler)
    for code, district in CHONGQING_DISTRICTS.items():
        sub_id = ctx.next_id("offices")
        sub = _OfficeRow(f"{code}-YB", f"{district}医疗保险分中心", code)
        w.add(
            "offices",
            (
                sub_id,
                sub.code,
                sub.name,
                "district_subcenter",
                code,
                f"重庆市{district}{names.choice(STREETS)}",
                "023-12333",
                1,
            ),
        )
        first, handler = staff(
            sub_id, f"YB{code}", ["subcenter_staff", "subcenter_staff", "supervisor"]
        )
        ctx.subcenters[code] = Desk(sub_id, sub.code, first, form_office(sub), handler)
        window_id = ctx.next_id("offices")
        w.add(
            "offices",
            (
                window_id,
                f"{code}-CK01",
                f"{district}社会保险经办窗口",
                "service_window",
                code,
                f"重庆市{district}{names.choice(STREETS)}",
                "023-12333",
                1,
            ),
        )
        staff(window_id, f"CK{code}", ["clerk", "clerk", "supervisor"])


def write_employers(ctx: Context, count: int) -> None:
    """``count`` employers spread over the districts, the central ones busier."""
    rng = ctx.rng
    districts = list(CHONGQING_DISTRICTS)
    weights = [6 if code <= "500113" else 2 for code in districts]
    for n in range(1, count + 1):
        district = rng.choices(districts, weights)[0]
        trade, industry = rng.choice(EMPLOYER_TRADES)
        name = f"重庆{rng.choice(EMPLOYER_WORDS)}{trade}{rng.choice(EMPLOYER_SUFFIXES)}"
        if n > len(EMPLOYER_WORDS) * len(EMPLOYER_TRADES) // 2:
            name = name.replace("重庆", f"重庆{CHONGQING_DISTRICTS[district][:2]}", 1)
        employer_id = ctx.next_id("employers")
        credit = f"91500{district[3:]}{n:09d}X"[:18]
        ctx.writer.add(
            "employers",
            (
                employer_id,
                f"{district}{n:08d}",
                name,
                credit,
                district,
                industry,
                f"重庆市{CHONGQING_DISTRICTS[district]}",
            ),
        )
        ctx.employers_by_district.setdefault(district, []).append(employer_id)
        ctx.all_employers.append(employer_id)
