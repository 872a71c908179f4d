"""A small migrated world for the adversarial input test: offices, staff, three holders
with cards and query passwords — on whichever back end the URL names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from sqlalchemy import Engine

from counter_app import db
from counter_app.models import Card, Holder, Office, ServicePassword, Staff
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.permissions import OfficeKind, Role
from counter_app.settings import Settings
from reader.keys import TEST_KEYS, SoftwareKeyProvider

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Chongqing
SERVICE_PASSWORD = "246810"
STAFF_PASSWORD = "Zhuguan#2024-test"

OFFICES = [
    ("500103-YB", "渝中区医疗保险分中心", OfficeKind.DISTRICT_SUBCENTER, "500103"),
    ("500000-KZX", "重庆市社会保障卡服务中心", OfficeKind.CARD_CENTER, None),
]
STAFF = [
    ("yb103", "YB500103-01", "500103-YB", Role.SUBCENTER_STAFF),
    ("sup", "YB500103-03", "500103-YB", Role.SUPERVISOR),
    ("admin", "KZX500000-05", "500000-KZX", Role.ADMIN),
]


def ssn_for(n: int) -> str:
    first17 = f"5001031980{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def card_number(n: int) -> str:
    body = f"A{n:07d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


@dataclass
class World:
    engine: Engine
    ctx: ServiceContext
    actors: dict[str, Actor]
    holders: dict[int, tuple[int, str]] = field(default_factory=dict)  # n -> (id, ssn)


def build_world(url: str, holders: int = 3) -> World:
    engine = db.create_engine_for(url, lock_timeout_ms=5000)
    settings = Settings(mode="test", four_eyes=False, office_code="500103-YB")
    ctx = ServiceContext(
        db.session_factory(engine), settings, SoftwareKeyProvider(TEST_KEYS), clock=lambda: NOW
    )
    hasher = PasswordHasher(time_cost=1, memory_cost=8192)
    world = World(engine, ctx, {})
    with ctx.session_factory() as s:
        offices: dict[str, Office] = {}
        for code, name, kind, district in OFFICES:
            offices[code] = Office(code=code, name=name, kind=kind.value, district_code=district)
            s.add(offices[code])
        s.flush()
        for key, no, code, role in STAFF:
            staff = Staff(
                staff_no=no,
                name=key,
                office_id=offices[code].id,
                role=role.value,
                password_hash=hasher.hash(STAFF_PASSWORD),
                must_change_password=False,
            )
            s.add(staff)
            s.flush()
            office = offices[code]
            world.actors[key] = Actor(
                staff.id,
                no,
                key,
                role,
                office.id,
                code,
                office.name,
                OfficeKind(office.kind),
                office.district_code,
                "WS-" + key,
            )
        for n in range(1, holders + 1):
            ssn = ssn_for(n)
            holder = Holder(
                ssn=ssn,
                name=f"持卡人{n:03d}",
                gender="1",
                ethnicity="01",
                birth_date=dt.date(1980, 1, 1),
                birthplace="500103",
                household_district="500103",
                phone=f"1388325{n:04d}",
                address=f"重庆市渝中区测试路{n}号",
                status="employed",
            )
            s.add(holder)
            s.flush()
            s.add(
                Card(
                    holder_id=holder.id,
                    card_number=card_number(n),
                    card_id_code=f"500103D156000005{n:016X}",
                    region_code="500103",
                    card_type="3",
                    spec_version="3.00",
                    init_org="500000000000000000000001",
                    issue_date=dt.date(2020, 5, 1),
                    expiry_date=dt.date(2030, 5, 1),
                    state="active",
                )
            )
            s.add(
                ServicePassword(
                    holder_id=holder.id,
                    password_hash=hasher.hash(SERVICE_PASSWORD),
                    must_change=False,
                )
            )
            s.flush()
            world.holders[n] = (holder.id, ssn)
        s.commit()
    return world
