"""Seeding for ``scripts/load``: the offices, one clerk per workstation, holders with cards.

39 offices as a city has them: the 38 district medical-insurance sub-centres of Chongqing
(GB/T 2260 district codes) and the city card service centre. Workstation ``w`` works at
office ``w % 39``; its holders live in that office's district, so a lift is allowed there
(RULES U: only at the holder's own district sub-centre). Each workstation serves its own
holders: written loss reports of different workstations are on different cards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The district sub-centres (GB/T 2260, Chongqing) and the card centre (no district).
DISTRICTS = (
    "500101",
    "500102",
    "500103",
    "500104",
    "500105",
    "500106",
    "500107",
    "500108",
    "500109",
    "500110",
    "500111",
    "500112",
    "500113",
    "500114",
    "500115",
    "500116",
    "500117",
    "500118",
    "500119",
    "500120",
    "500151",
    "500152",
    "500153",
    "500154",
    "500155",
    "500156",
    "500229",
    "500230",
    "500231",
    "500233",
    "500235",
    "500236",
    "500237",
    "500238",
    "500240",
    "500241",
    "500242",
    "500243",
)
OFFICES = len(DISTRICTS) + 1
FIRST_PIN = "135790"


def card_number(n: int) -> str:
    """A card number with a valid check character (CARD.md)."""
    body = f"L{n:07d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def ssn_for(n: int, district: str) -> str:
    first17 = f"{district}1975{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def office_of(w: int) -> tuple[str, str, str, str | None, str]:
    """(code, name, kind, district, staff role) of workstation ``w``'s office."""
    i = w % OFFICES
    if i == len(DISTRICTS):
        return (
            "500000-LDCC",
            "社会保障卡服务中心（压测）",
            "card_center",
            None,
            "card_center_staff",
        )
    d = DISTRICTS[i]
    return (f"{d}-LD", f"{d} 医疗保险分中心（压测）", "district_subcenter", d, "subcenter_staff")


#: The password of every load clerk (a throwaway database's; never a real account's).
LOAD_PASSWORD = "Load#Test-2026"


def seed(url: str, workstations: int, per_workstation: int) -> dict[str, Any]:
    """Create the offices, clerks and holders; return the plan the workers read."""
    from counter_app import db
    from counter_app.models import Card, Holder, Office, Staff
    from counter_app.services.password_hashing import hash_password

    engine = db.create_engine_for(url)
    # One real hash for every load clerk: ``--via-server`` workstations log in with it.
    password_hash = hash_password(LOAD_PASSWORD)
    plan: dict[str, Any] = {"workers": []}
    try:
        with db.session_factory(engine)() as s:
            offices: dict[str, Office] = {}
            n = 0
            for w in range(workstations):
                code, name, kind, district, role = office_of(w)
                if code not in offices:
                    offices[code] = Office(code=code, name=name, kind=kind, district_code=district)
                    s.add(offices[code])
                    s.flush()
                office = offices[code]
                staff = Staff(
                    staff_no=f"LD{w:04d}",
                    name=f"压测窗口{w}",
                    office_id=office.id,
                    role=role,
                    password_hash=password_hash,
                    must_change_password=False,
                )
                s.add(staff)
                home = district or DISTRICTS[w % len(DISTRICTS)]
                holders = []
                for _ in range(per_workstation):
                    n += 1
                    holder = Holder(
                        ssn=ssn_for(n, home),
                        name=f"压测{n:05d}",
                        gender="1",
                        ethnicity="01",
                        birth_date=dt.date(1975, 1, 1),
                        birthplace=home,
                        household_district=home,
                        phone=f"1388326{n % 10000:04d}",
                        address=f"重庆市测试路{n}号",
                        status="employed",
                    )
                    s.add(holder)
                    s.flush()
                    cid = f"{home}D156000005{n:016X}"
                    card = Card(
                        holder_id=holder.id,
                        card_number=card_number(n),
                        card_id_code=cid,
                        region_code=home,
                        card_type="3",
                        spec_version="3.00",
                        init_org="500000000000000000000001",
                        issue_date=dt.date(2020, 5, 1),
                        expiry_date=dt.date(2030, 5, 1),
                        state="active",
                    )
                    s.add(card)
                    s.flush()
                    holders.append(
                        {
                            "n": n,
                            "holder_id": holder.id,
                            "card_id": card.id,
                            "ssn": holder.ssn,
                            "card_number": card.card_number,
                            "card_id_code": cid,
                            "district": home,
                            "name": holder.name,
                        }
                    )
                plan["workers"].append(
                    {
                        "staff_no": staff.staff_no,
                        "office": code,
                        "lifts": kind == "district_subcenter",
                        "holders": holders,
                    }
                )
            s.commit()
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE load_baseline (id bigserial PRIMARY KEY, worker int NOT NULL, "
                "action text NOT NULL, at timestamptz NOT NULL DEFAULT now(), payload text)"
            )
    finally:
        engine.dispose()
    return plan
