"""Service fixtures: a fresh migrated database filled with a small deterministic demo.

``demo_url`` is parametrized by back end (SQLite always; PostgreSQL when a server can be
started, marked ``postgres``); ``sqlite_demo_url`` is SQLite only for tests that need not
run twice. The demo is built once per run per back end (a file copy on SQLite, ``CREATE
DATABASE … TEMPLATE`` on PostgreSQL) and each test gets its own copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from counter_app import db
from counter_app.demo.accounts import DemoHolder, fixed_holder
from counter_app.demo.generate import fill_demo
from counter_app.demo.profiles import profile
from counter_app.models import Card, Holder, Office, Staff
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.permissions import OfficeKind, Role
from counter_app.settings import Settings
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from tests.conftest import BACKENDS

DEMO_HOLDERS = 40
DEMO_SEED = 7
AS_OF = dt.date(2025, 3, 10)
NOW = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Chongqing


def _fill(url: str) -> None:
    db.upgrade(url)
    engine = db.create_engine_for(url)
    try:
        fill_demo(engine, holders=DEMO_HOLDERS, seed=DEMO_SEED, as_of=AS_OF)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("svc-template") / "demo.sqlite3"
    _fill(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: Any) -> str:
    url = pg_server.create_database()
    _fill(url)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


def _sqlite_copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "svc.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh demo database of the parametrized back end."""
    if request.param == "sqlite":
        yield _sqlite_copy(request.getfixturevalue("sqlite_demo_template"), tmp_path)
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database(template=request.getfixturevalue("pg_demo_template"))
    yield url
    server.drop_database(url)


@pytest.fixture
def sqlite_demo_url(sqlite_demo_template: Path, tmp_path: Path) -> str:
    return _sqlite_copy(sqlite_demo_template, tmp_path)


class Clock:
    """A settable clock for ``ServiceContext.clock`` (advances 1 ms per reading)."""

    def __init__(self, start: dt.datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(milliseconds=1)
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


def make_ctx(url: str, clock: Clock | None = None, **settings: Any) -> ServiceContext:
    engine = db.create_engine_for(url)
    base = Settings(mode="test", db_url=url, office_code="500103-YB")
    return ServiceContext(
        session_factory=db.session_factory(engine),
        settings=base.replace(**settings),
        clock=clock or Clock(),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(demo_url: str, clock: Clock) -> Iterator[ServiceContext]:
    context = make_ctx(demo_url, clock)
    yield context
    _dispose(context)


@pytest.fixture
def sqlite_ctx(sqlite_demo_url: str, clock: Clock) -> Iterator[ServiceContext]:
    context = make_ctx(sqlite_demo_url, clock)
    yield context
    _dispose(context)


def _dispose(context: ServiceContext) -> None:
    bind = context.session_factory().get_bind()
    if isinstance(bind, Engine):
        bind.dispose()


def actor_for(ctx: ServiceContext, staff_no: str, workstation: str = "WS-01") -> Actor:
    """The ``Actor`` of a demo staff member, built from the database."""
    with ctx.uow() as uow:
        staff, office = uow.session.execute(
            select(Staff, Office)
            .join(Office, Office.id == Staff.office_id)
            .where(Staff.staff_no == staff_no)
        ).one()
        return Actor(
            staff_id=staff.id,
            staff_no=staff.staff_no,
            name=staff.name,
            role=Role(staff.role),
            office_id=office.id,
            office_code=office.code,
            office_name=office.name,
            office_kind=OfficeKind(office.kind),
            district_code=office.district_code,
            workstation_id=workstation,
        )


def holder_id_of(ctx: ServiceContext, key: str) -> int:
    ssn = fixed_holder(key).ssn
    with ctx.uow() as uow:
        return int(uow.session.scalars(select(Holder.id).where(Holder.ssn == ssn)).one())


def card_for(
    ctx: ServiceContext, key: str, **chip: Any
) -> tuple[SocialSecurityCardClient, InProcessTransport, EmulatedCard]:
    """A client over an emulated card built from the demo database row of fixed holder
    ``key`` (its chip state from ``accounts.FIXED_HOLDERS``, overridable)."""
    h: DemoHolder = fixed_holder(key)
    with ctx.uow() as uow:
        card, holder = uow.session.execute(
            select(Card, Holder)
            .join(Holder, Holder.id == Card.holder_id)
            .where(Card.card_number == h.card_number)
        ).one()
        row = {
            "card_number": card.card_number,
            "card_id_code": card.card_id_code,
            "card_type": card.card_type,
            "spec_version": card.spec_version,
            "init_org": card.init_org,
            "issue_date": card.issue_date,
            "expiry_date": card.expiry_date,
            "ssn": holder.ssn,
            "name": holder.name,
            "gender": holder.gender,
            "ethnicity": holder.ethnicity,
            "birthplace": holder.birthplace,
            "birth_date": holder.birth_date,
        }
    state = (
        chip.get("pin", h.pin),
        chip.get("pin_tries_left", h.pin_tries_left),
        chip.get("app_state", h.app_state),
    )
    emulated = EmulatedCard(profile(row, state))
    transport = InProcessTransport(emulated)
    return SocialSecurityCardClient(transport), transport, emulated
