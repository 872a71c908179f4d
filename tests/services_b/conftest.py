"""A small city for the services-B tests: offices, staff, holders with cards, on SQLite and
PostgreSQL, and emulated cards (``EmulatedCard`` + ``InProcessTransport``) matching them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from counter_app import db
from counter_app.models import Card, Holder, Office, ServicePassword, Staff
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.permissions import OfficeKind, Role
from counter_app.settings import Settings
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.keys import TEST_KEYS, SoftwareKeyProvider
from reader.pinbuffer import PinBuffer

SERVICE_PASSWORD = "246810"
SUPERVISOR_PASSWORD = "Zhuguan#2024-test"
NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Chongqing

OFFICES = [
    # code, name, kind, district
    ("500103-YB", "渝中区医疗保险分中心", OfficeKind.DISTRICT_SUBCENTER, "500103"),
    ("500105-YB", "江北区医疗保险分中心", OfficeKind.DISTRICT_SUBCENTER, "500105"),
    ("500103-CK01", "渝中区社会保险经办窗口", OfficeKind.SERVICE_WINDOW, "500103"),
    ("500000-KZX", "重庆市社会保障卡服务中心", OfficeKind.CARD_CENTER, None),
]
STAFF = [
    # key, staff_no, office code, role
    ("yb103", "YB500103-01", "500103-YB", Role.SUBCENTER_STAFF),
    ("yb103b", "YB500103-02", "500103-YB", Role.SUBCENTER_STAFF),
    ("yb103_sup", "YB500103-03", "500103-YB", Role.SUPERVISOR),
    ("yb105", "YB500105-01", "500105-YB", Role.SUBCENTER_STAFF),
    ("ck103", "CK500103-01", "500103-CK01", Role.CLERK),
    ("kzx", "KZX500000-01", "500000-KZX", Role.CARD_CENTER_STAFF),
]


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode("ascii"))


def card_number(n: int) -> str:
    """A card number with a valid check character (CARD.md)."""
    body = f"A{n:07d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def ssn_for(n: int, district: str = "500103") -> str:
    first17 = f"{district}1980{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


@dataclass
class HolderInfo:
    key: str
    holder_id: int
    card_id: int
    ssn: str
    card_number: str
    card_id_code: str
    district: str


@dataclass
class World:
    backend: str
    url: str
    engine: Engine
    ctx: ServiceContext
    actors: dict[str, Actor]
    holders: dict[str, HolderInfo] = field(default_factory=dict)
    cards: dict[str, EmulatedCard] = field(default_factory=dict)

    def context(self, **settings: Any) -> ServiceContext:
        return ServiceContext(
            self.ctx.session_factory,
            self.ctx.settings.replace(**settings),
            self.ctx.key_provider,
            self.ctx.clock,
        )

    def profile(self, key: str, **overrides: Any) -> dict[str, Any]:
        h = self.holders[key]
        profile: dict[str, Any] = {
            "card_number": h.card_number,
            "card_id_code": h.card_id_code,
            "card_type": "3",
            "spec_version": "3.00",
            "init_org": "500000000000000000000001",
            "issue_date": "2020-05-01",
            "expiry_date": "2030-05-01",
            "birth_date": "1980-01-01",
            "ssn": h.ssn,
            "name": "测试" + h.key[-3:],
            "gender": "1",
            "ethnicity": "01",
            "birthplace": "500103",
            "pin": "123456",
            "pin_tries_max": 3,
            "pin_tries_left": 3,
            "app_state": "ok",
        }
        profile.update(overrides)
        return profile

    def insert_card(self, key: str, **overrides: Any) -> tuple[EmulatedCard, InProcessTransport]:
        card = EmulatedCard.from_profile(self.profile(key, **overrides))
        self.cards[key] = card
        return card, InProcessTransport(card)

    def client(self, transport: Any) -> SocialSecurityCardClient:
        return SocialSecurityCardClient(transport, self.ctx.key_provider)

    def session(self) -> Any:
        return self.ctx.session_factory()


_HASHES: dict[str, str] = {}


def _hash(value: str) -> str:
    if value not in _HASHES:
        _HASHES[value] = PasswordHasher(time_cost=1, memory_cost=8192).hash(value)
    return _HASHES[value]


def build_world(backend: str, url: str, holders: int) -> World:
    engine = db.create_engine_for(url, lock_timeout_ms=5000)
    settings = Settings(mode="test", four_eyes=False, office_code="500103-YB")
    ctx = ServiceContext(
        db.session_factory(engine), settings, SoftwareKeyProvider(TEST_KEYS), clock=lambda: NOW
    )
    actors: dict[str, Actor] = {}
    world = World(backend, url, engine, ctx, actors)
    with ctx.session_factory() as s:
        offices: dict[str, Office] = {}
        for code, name, kind, district in OFFICES:
            office = Office(code=code, name=name, kind=kind.value, district_code=district)
            s.add(office)
            offices[code] = office
        s.flush()
        for key, no, code, role in STAFF:
            pw = SUPERVISOR_PASSWORD if role is Role.SUPERVISOR else "irrelevant-password"
            staff = Staff(
                staff_no=no,
                name=key,
                office_id=offices[code].id,
                role=role.value,
                password_hash=_hash(pw),
                must_change_password=False,
            )
            s.add(staff)
            s.flush()
            office = offices[code]
            actors[key] = Actor(
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
            district = "500105" if n % 10 == 5 else "500103"
            ssn = ssn_for(n, district)
            holder = Holder(
                ssn=ssn,
                name=f"持卡人{n:03d}",
                gender="1",
                ethnicity="01",
                birth_date=dt.date(1980, 1, 1),
                birthplace="500103",
                household_district=district,
                phone=f"1388325{n:04d}",
                address=f"重庆市渝中区测试路{n}号",
                status="employed",
            )
            s.add(holder)
            s.flush()
            code = f"500103D156000005{n:016X}"
            card = Card(
                holder_id=holder.id,
                card_number=card_number(n),
                card_id_code=code,
                region_code="500103",
                card_type="3",
                spec_version="3.00",
                init_org="500000000000000000000001",
                issue_date=dt.date(2020, 5, 1),
                expiry_date=dt.date(2030, 5, 1),
                state="active",
            )
            s.add(card)
            s.add(
                ServicePassword(
                    holder_id=holder.id, password_hash=_hash(SERVICE_PASSWORD), must_change=False
                )
            )
            s.flush()
            key = f"h{n:03d}"
            world.holders[key] = HolderInfo(
                key, holder.id, card.id, ssn, card.card_number, code, district
            )
        s.commit()
    return world


@pytest.fixture(scope="session")
def sqlite_template_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template_b") / "head.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template_b(pg_server: Any) -> str:
    url = pg_server.create_database()
    db.upgrade(url)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


def _make_world(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, holders: int
) -> Iterator[World]:
    if backend == "sqlite":
        target = tmp_path / "b.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template_b"), target)
        world = build_world(backend, f"sqlite:///{target}", holders)
        yield world
        world.engine.dispose()
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database(template=request.getfixturevalue("pg_template_b"))
    world = build_world(backend, url, holders)
    yield world
    world.engine.dispose()
    server.drop_database(url)


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """SQLite world with 20 holders (h001–h020; every 10th+5 lives in 500105)."""
    yield from _make_world("sqlite", request, tmp_path, 20)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world_on_each_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The 20-holder world of :func:`world`, on SQLite and on PostgreSQL (the rule tests run
    on both back ends; PostgreSQL needs a server, see ``tests/conftest.py``)."""
    yield from _make_world(str(request.param), request, tmp_path, 20)


@pytest.fixture
def pg_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The 20-holder world on PostgreSQL alone (what only a server can do: be terminated)."""
    yield from _make_world("postgresql", request, tmp_path, 20)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def big_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A world with 400 holders, on each back end, for the concurrency rounds."""
    yield from _make_world(str(request.param), request, tmp_path, 400)
