"""One seeded day for the report tests, kept in Python so tests can count independently.

Offices, staff, holders and cards are inserted directly; audit events go through
``counter_app.services.audit.record`` (the real hash chain) in time order, with events just
outside the day (Shanghai) so the day boundaries are tested. Holder sessions, form documents
(with a serial gap and reprints), staff login attempts and phone loss reports complete it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from counter_app.models import (
    Card,
    FormDocument,
    Holder,
    HolderSessionRow,
    LossReport,
    Office,
    Staff,
    StaffLoginEvent,
)
from counter_app.services import audit
from counter_app.services.context import Actor
from counter_app.services.permissions import OfficeKind, Role

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2025, 3, 4)
DAY_START = dt.datetime(2025, 3, 4, tzinfo=SHANGHAI).astimezone(dt.UTC)
DAY_END = DAY_START + dt.timedelta(days=1)
#: "now" for lapsing: 10:00 Beijing time on the day.
NOW = DAY_START + dt.timedelta(hours=10)

OFFICES = [  # id, code, name, kind, district
    (1, "500103-YB", "渝中区医疗保险分中心", "district_subcenter", "500103"),
    (2, "500104-YB", "大渡口区医疗保险分中心", "district_subcenter", "500104"),
    (3, "500000-KZX", "重庆市社会保障卡服务中心", "card_center", None),
]
STAFF = [  # id, staff_no, name, office_id, role
    (1, "YB500103-01", "张三", 1, "subcenter_staff"),
    (2, "YB500103-02", "李四", 1, "subcenter_staff"),
    (3, "YB500104-01", "王五", 2, "subcenter_staff"),
    (4, "KZX-01", "赵六", 3, "card_center_staff"),
]
CATEGORIES = ["card_basic", "medical", "pension", "social_insurance", "overview"]
REASONS = ["卡片已挂失，不能重复挂失", "非本区县参保人，不能解挂", "证件号码与卡不符"]


@dataclass(frozen=True)
class Ev:
    at: dt.datetime
    staff_id: int | None
    office_id: int | None
    action: str
    category: str | None = None
    holder_id: int | None = None
    reason: str | None = None
    outcome: str = "success"
    details: dict[str, Any] | None = None


@dataclass
class Seeded:
    events: list[Ev] = field(default_factory=list)
    sessions: list[tuple[int, int, dt.datetime, dt.datetime | None]] = field(
        default_factory=list
    )  # staff, office, opened, closed
    forms: list[dict[str, Any]] = field(default_factory=list)
    logins: list[tuple[dt.datetime, int | None, str, str]] = field(default_factory=list)
    loss: list[dict[str, Any]] = field(default_factory=list)
    holders: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: tuple[int, str] | None = None

    def in_day(self, at: dt.datetime) -> bool:
        return DAY_START <= at < DAY_END


def _ssn(i: int) -> str:
    return f"50010319{80 + i % 20:02d}0101{i:03d}{i % 10}"


def _actor(staff_id: int) -> Actor:
    sid, no, name, office_id, role = STAFF[staff_id - 1]
    office = OFFICES[office_id - 1]
    return Actor(
        staff_id=sid,
        staff_no=no,
        name=name,
        role=Role(role),
        office_id=office_id,
        office_code=office[1],
        office_name=office[2],
        office_kind=OfficeKind(office[3]),
        district_code=office[4],
        workstation_id=f"WS-{sid:02d}",
    )


def _at(rng: random.Random, *, spread: bool = True) -> dt.datetime:
    # Mostly office hours (08:30–17:30 Beijing), some anywhere in the day.
    if spread and rng.random() < 0.8:
        seconds = rng.randint(8 * 3600 + 1800, 17 * 3600 + 1800)
    else:
        seconds = rng.randint(0, 86399)
    return DAY_START + dt.timedelta(seconds=seconds, microseconds=rng.randint(0, 999_999))


def _events(rng: random.Random, holders: int) -> list[Ev]:
    evs: list[Ev] = []
    kinds = [
        ("record.view", 40),
        ("password.pin_change", 6),
        ("password.pin_reset", 4),
        ("password.pin_unblock", 3),
        ("loss.written", 8),
        ("loss.lift", 3),
        ("card.replacement", 3),
        ("form.reprint", 2),
        ("loss.written.refused", 4),
        ("loss.lift.refused", 3),
        ("view_records.refused", 2),
        ("session.open", 10),
        ("session.end", 10),
        ("record.reveal_ssn", 2),
    ]
    for action, n in kinds:
        for _ in range(n):
            staff_id = rng.randint(1, 4)
            office_id = STAFF[staff_id - 1][3]
            outcome = (
                "refused"
                if action.endswith(".refused")
                else (
                    "failed"
                    if action.startswith("password.") and rng.random() < 0.25
                    else "success"
                )
            )
            evs.append(
                Ev(
                    at=_at(rng),
                    staff_id=staff_id,
                    office_id=office_id,
                    action=action,
                    category=rng.choice(CATEGORIES) if action == "record.view" else None,
                    holder_id=rng.randint(1, holders),
                    reason=rng.choice(REASONS) if outcome == "refused" else None,
                    outcome=outcome,
                    details={"confirmed_phone_report": rng.random() < 0.5}
                    if action == "loss.written"
                    else None,
                )
            )
    for _ in range(5):  # 12333 and the lapse job: no staff, no office
        evs.append(
            Ev(
                _at(rng, spread=False),
                None,
                None,
                "loss.phone_report",
                holder_id=rng.randint(1, holders),
            )
        )
    for _ in range(3):
        evs.append(
            Ev(_at(rng, spread=False), None, None, "loss.lapsed", holder_id=rng.randint(1, holders))
        )
    # Just outside the day, both sides: never counted.
    evs.append(Ev(DAY_START - dt.timedelta(microseconds=1), 1, 1, "record.view", "medical", 1))
    evs.append(Ev(DAY_END, 1, 1, "record.view", "medical", 1))
    evs.append(Ev(DAY_END + dt.timedelta(hours=3), 2, 1, "password.pin_change", None, 2))
    # Exactly at the start: counted.
    evs.append(Ev(DAY_START, 3, 2, "record.view", "pension", 3))
    return sorted(evs, key=lambda e: e.at)


def seed(engine: Engine, seed_value: int = 20250304, holders: int = 12) -> Seeded:
    rng = random.Random(seed_value)
    out = Seeded()
    created = DAY_START - dt.timedelta(days=100)
    with Session(engine) as s, s.begin():
        s.execute(
            insert(Office),
            [
                dict(id=i, code=c, name=n, kind=k, district_code=d, active=True)
                for i, c, n, k, d in OFFICES
            ],
        )
        s.execute(
            insert(Staff),
            [
                dict(
                    id=i,
                    staff_no=no,
                    name=n,
                    office_id=o,
                    role=r,
                    password_hash="x",
                    must_change_password=False,
                    active=True,
                    failed_logins=0,
                    created_at=created,
                )
                for i, no, n, o, r in STAFF
            ],
        )
        for i in range(1, holders + 1):
            h = dict(
                id=i,
                ssn=_ssn(i),
                name=f"参保人{i:02d}",
                gender="1",
                ethnicity="01",
                birth_date=dt.date(1980 + i % 20, 1, 1),
                birthplace="500103",
                household_district="500103" if i % 3 else "500104",
                phone=f"1380000{i:04d}",
                address=f"重庆市渝中区解放碑{i}号",
                status="employed",
                created_at=created,
            )
            out.holders.append(h)
        s.execute(insert(Holder), out.holders)
        s.execute(
            insert(Card),
            [
                dict(
                    id=i,
                    holder_id=i,
                    card_number=f"A{i:07d}X"[:9],
                    card_id_code=f"{i:032X}",
                    region_code="500100",
                    card_type="3",
                    spec_version="3.00",
                    init_org="0" * 24,
                    state="active",
                    issue_date=dt.date(2020, 1, 1),
                    expiry_date=dt.date(2030, 1, 1),
                    state_changed_at=created,
                )
                for i in range(1, holders + 1)
            ],
        )
    out.events = _events(rng, holders)
    with Session(engine) as s, s.begin():
        for e in out.events:
            audit.record(
                s,
                _actor(e.staff_id) if e.staff_id else None,
                e.action,
                holder_id=e.holder_id,
                category=e.category,
                reason=e.reason,
                outcome=e.outcome,
                details=e.details,
                at=e.at,
                workstation=None if e.staff_id else "12333",
            )
        cp = audit.checkpoint_day(s, DAY, at=DAY_END + dt.timedelta(minutes=5))
        out.checkpoint = (cp.seq, cp.hash)
    _sessions(engine, rng, out, holders)
    _forms(engine, out)
    _logins(engine, out)
    _loss(engine, out)
    return out


def _sessions(engine: Engine, rng: random.Random, out: Seeded, holders: int) -> None:
    rows = []
    for i in range(30):
        staff_id = rng.randint(1, 4)
        office_id = STAFF[staff_id - 1][3]
        opened = _at(rng) - dt.timedelta(minutes=30)
        closed: dt.datetime | None = opened + dt.timedelta(
            seconds=rng.randint(30, 1800), microseconds=rng.randint(0, 999999)
        )
        if i == 0:
            closed = None  # still open
        if i == 1:  # opened the evening before, closed after midnight: counted today
            opened, closed = (
                DAY_START - dt.timedelta(minutes=10),
                DAY_START + dt.timedelta(minutes=5),
            )
        if i == 2:  # closed the next day: not today
            opened, closed = DAY_END - dt.timedelta(minutes=5), DAY_END + dt.timedelta(minutes=1)
        out.sessions.append((staff_id, office_id, opened, closed))
        rows.append(
            dict(
                holder_id=rng.randint(1, holders),
                via="card_pin",
                staff_id=staff_id,
                office_id=office_id,
                workstation=f"WS-{staff_id:02d}",
                opened_at=opened,
                closed_at=closed,
                end_reason="done" if closed else None,
            )
        )
    with engine.begin() as conn:
        conn.execute(insert(HolderSessionRow), rows)


def _forms(engine: Engine, out: Seeded) -> None:
    yesterday = DAY_START - dt.timedelta(hours=5)
    today = DAY_START + dt.timedelta(hours=3)
    plan: list[tuple[int, str, int, str, dt.datetime, int, dt.datetime | None, int]] = []
    # office 1: 1..5 yesterday, 6,7,9,10 today (8 missing), 12 today (11 missing)
    for seq in range(1, 6):
        plan.append((1, "500103-YB", seq, "loss_registration", yesterday, 0, yesterday, 1))
    for seq in (6, 7, 9, 10, 12):
        plan.append(
            (
                1,
                "500103-YB",
                seq,
                "loss_registration" if seq % 2 else "replacement_application",
                today + dt.timedelta(minutes=seq),
                0,
                today,
                2,
            )
        )
    # office 2: 1..3 today, no gap
    for seq in (1, 2, 3):
        plan.append((2, "500104-YB", seq, "password_reset", today, 0, today, 3))
    # office 3: starts the day at 3 (1..2 missing? no: 1..2 issued last week)
    plan.append((3, "500000-KZX", 1, "loss_registration", yesterday, 0, yesterday, 4))
    plan.append((3, "500000-KZX", 2, "loss_registration", yesterday, 0, yesterday, 4))
    plan.append((3, "500000-KZX", 4, "loss_registration", today, 0, today, 4))  # 3 missing
    rows = []
    for n, (office_id, code, seq, kind, issued, reprints, printed, staff_id) in enumerate(plan):
        reprint_count, last = reprints, printed
        if (office_id, seq) in ((1, 2), (1, 6)):  # reprinted today
            reprint_count, last = 2, today + dt.timedelta(hours=2)
        if (office_id, seq) == (1, 3):  # reprinted yesterday: not today
            reprint_count, last = 1, yesterday
        row = dict(
            id=n + 1,
            serial=f"{code}-2025-{seq:06d}",
            kind=kind,
            office_id=office_id,
            year=2025,
            sequence=seq,
            staff_id=staff_id,
            issued_at=issued,
            reprint_count=reprint_count,
            last_printed_at=last,
        )
        rows.append(row)
    out.forms = rows
    with engine.begin() as conn:
        conn.execute(insert(FormDocument), rows)


def _logins(engine: Engine, out: Seeded) -> None:
    plan = [
        (DAY_START + dt.timedelta(hours=1), 1, "YB500103-01", "success"),
        (DAY_START + dt.timedelta(hours=1, minutes=1), 1, "YB500103-01", "wrong_password"),
        (DAY_START + dt.timedelta(hours=2), 2, "YB500103-02", "wrong_password"),
        (DAY_START + dt.timedelta(hours=2, minutes=5), 2, "YB500103-02", "locked"),
        (DAY_START + dt.timedelta(hours=3), 3, "YB500104-01", "success"),
        (DAY_START + dt.timedelta(hours=4), None, "nobody", "unknown_user"),
        (DAY_START - dt.timedelta(days=3), 1, "YB500103-01", "wrong_password"),  # outside
    ]
    out.logins = plan
    with engine.begin() as conn:
        conn.execute(
            insert(StaffLoginEvent),
            [
                dict(at=at, staff_id=sid, staff_no_tried=no, workstation="WS-01", outcome=o)
                for at, sid, no, o in plan
            ],
        )


def _loss(engine: Engine, out: Seeded) -> None:
    plan = [  # card/holder, state, hours until deadline
        (1, "open", 5),
        (2, "open", 30),
        (3, "open", 70),
        (4, "open", 200),
        (5, "open", -3),
        (6, "confirmed", 10),
        (7, "lapsed", -50),
        (9, "open", 47),
    ]
    rows = []
    for n, (hid, state, hours) in enumerate(plan):
        deadline = NOW + dt.timedelta(hours=hours)
        rows.append(
            dict(
                id=n + 1,
                card_id=hid,
                holder_id=hid,
                channel="phone",
                kind="written" if state == "confirmed" else "temporary",
                state=state,
                reported_at=deadline - dt.timedelta(days=15),
                deadline_at=deadline,
                office_id=1 if state == "confirmed" else None,
            )
        )
    out.loss = rows
    with engine.begin() as conn:
        conn.execute(insert(LossReport), rows)
