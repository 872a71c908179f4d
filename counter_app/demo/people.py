"""Demo people: identity (valid GB 11643 number, name, birth 1940–2006) and their cards in
every state, with the loss reports, replacement applications and forms behind each state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from counter_app.demo.bulk import date_text, ts_text
from counter_app.demo.codes import INIT_ORG, card_id_code, card_number
from counter_app.demo.context import Context, Desk
from counter_app.demo.form_contents import loss_form, replacement_form
from counter_app.demo.names import MINORITY_NAMES, STREETS, person_name
from counter_app.validation.idnumber import check_digit
from counter_app.validation.regions import CHONGQING_DISTRICTS
from forms import data as fd

HOLDER_COLUMNS = (
    "id",
    "ssn",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "birthplace",
    "household_district",
    "phone",
    "address",
    "status",
    "created_at",
)
CARD_COLUMNS = (
    "id",
    "holder_id",
    "card_number",
    "card_id_code",
    "region_code",
    "card_type",
    "spec_version",
    "init_org",
    "issue_date",
    "expiry_date",
    "state",
    "state_changed_at",
    "replaces_card_id",
    "issuing_office_id",
)
LOSS_COLUMNS = (
    "id",
    "card_id",
    "holder_id",
    "channel",
    "kind",
    "state",
    "reported_at",
    "deadline_at",
    "confirmed_at",
    "closed_at",
    "office_id",
    "staff_id",
    "id_doc_type",
    "id_doc_number",
    "form_serial",
    "closed_office_id",
    "closed_staff_id",
    "idempotency_key",
)
REPLACEMENT_COLUMNS = (
    "id",
    "old_card_id",
    "holder_id",
    "loss_report_id",
    "applied_at",
    "office_id",
    "staff_id",
    "id_doc_type",
    "id_doc_number",
    "form_serial",
    "state",
    "new_card_id",
    "ready_on",
    "issued_at",
    "idempotency_key",
)

_DISTRICTS = list(CHONGQING_DISTRICTS)
_DISTRICT_WEIGHTS = [8 if code <= "500113" else 3 for code in _DISTRICTS]
# ID numbers first issued outside Chongqing (Sichuan, Hubei, Guizhou, Hunan, Shaanxi).
_OTHER_REGIONS = ["510104", "510107", "511702", "420106", "520102", "430102", "610113"]
_MIN_BIRTH = dt.date(1940, 1, 1).toordinal()
_MAX_BIRTH = dt.date(2006, 12, 31).toordinal()
_WORKING_FROM = dt.date(1960, 1, 1).toordinal()
_WORKING_TO = dt.date(2000, 12, 31).toordinal()
_FIRST_ISSUE = dt.date(2010, 1, 1)


@dataclass
class Person:
    id: int
    ssn: str
    name: str
    gender: str
    ethnicity: str
    birth: dt.date
    birthplace: str
    household: str
    status: str = "employed"
    #: "employee" (城镇职工) or "resident" (城乡居民) insurance history.
    scheme: str = "employee"
    #: As written to ``holders`` (``write_holder``); the forms print them.
    phone: str = ""
    address: str = ""

    @property
    def household_district(self) -> str:
        """The ``holders`` column's name (``form_data.HolderFields``)."""
        return self.household


@dataclass(frozen=True)
class WrittenReport:
    """A written loss report the demo wrote: its row, form serial and time (L3)."""

    id: int
    serial: str
    at: dt.datetime


def random_person(ctx: Context, holder_id: int, used_ssns: set[str]) -> Person:
    """A new person with an ID number not in ``used_ssns`` (which it extends)."""
    rng = ctx.rng
    gender = "1" if rng.random() < 0.51 else "2"
    household = rng.choices(_DISTRICTS, _DISTRICT_WEIGHTS)[0]
    region = household if rng.random() < 0.85 else rng.choice(_OTHER_REGIONS)
    ethnicity = "01"
    name = ""
    r = rng.random()
    if r < 0.003:
        name, gender, ethnicity = rng.choice(MINORITY_NAMES)
    elif r < 0.07:
        ethnicity = "15" if r < 0.05 else "06"  # 土家族, 苗族 (south-east Chongqing)
    if not name:
        name = person_name(rng, gender)
    while True:
        # Mostly working age (born 1960–2000), the rest anywhere in 1940–2006.
        if rng.random() < 0.7:
            birth = dt.date.fromordinal(rng.randint(_WORKING_FROM, _WORKING_TO))
        else:
            birth = dt.date.fromordinal(rng.randint(_MIN_BIRTH, _MAX_BIRTH))
        seq = rng.randrange(0, 500) * 2 + (1 if gender == "1" else 0)
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        ssn = first17 + check_digit(first17)
        if ssn not in used_ssns:
            used_ssns.add(ssn)
            break
    return Person(holder_id, ssn, name, gender, ethnicity, birth, region, household)


def write_holder(ctx: Context, p: Person) -> None:
    rng = ctx.rng
    phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
    address = (
        f"重庆市{CHONGQING_DISTRICTS[p.household]}{rng.choice(STREETS)}{rng.randint(1, 300)}号"
    )
    created = ts_text(ctx.ago(rng.randint(400, 4000)))
    p.phone, p.address = phone, address
    ctx.writer.add(
        "holders",
        (
            p.id,
            p.ssn,
            p.name,
            p.gender,
            p.ethnicity,
            date_text(p.birth),
            p.birthplace,
            p.household,
            phone,
            address,
            p.status,
            created,
        ),
    )


def write_card(
    ctx: Context,
    p: Person,
    state: str,
    issue: dt.date,
    *,
    replaces: int | None = None,
    chip: tuple[str, int, str] | None = None,
    changed_at: dt.datetime | None = None,
) -> int:
    """One card of ``p`` in ``state``; its chip state is kept for the profiles.
    ``changed_at``: when it entered ``state`` (the loss or replacement that put it there)."""
    card_id = ctx.next_id("cards")
    # Ten years of validity (an issue on 29 February counts from 28 February).
    start = issue if (issue.month, issue.day) != (2, 29) else issue.replace(day=28)
    expiry = start.replace(year=start.year + 10) - dt.timedelta(days=1)
    spec = "3.00" if issue.year >= 2018 else "2.00"
    desk = ctx.subcenters[p.household]
    changed = ts_text(
        changed_at
        or (ctx.now if state != "active" else dt.datetime.combine(issue, dt.time(2), dt.UTC))
    )
    ctx.writer.add(
        "cards",
        (
            card_id,
            p.id,
            card_number(card_id),
            card_id_code(p.household, card_id),
            p.household,
            "3",
            spec,
            INIT_ORG,
            date_text(issue),
            date_text(expiry),
            state,
            changed,
            replaces,
            desk.office_id,
        ),
    )
    ctx.chips[card_id] = chip or ("123456", 3, "ok")
    return card_id


def random_issue_date(ctx: Context, p: Person) -> dt.date:
    earliest = max(_FIRST_ISSUE, p.birth + dt.timedelta(days=16 * 365))
    latest = ctx.as_of - dt.timedelta(days=30)
    if earliest >= latest:
        earliest = latest - dt.timedelta(days=60)
    return dt.date.fromordinal(ctx.rng.randint(earliest.toordinal(), latest.toordinal()))


def random_chip(ctx: Context, state: str) -> tuple[str, int, str]:
    """PIN, tries left and application state on the chip of a card in ``state``."""
    rng = ctx.rng
    r = rng.random()
    pin = "123456"
    if r < 0.35:
        while True:
            pin = f"{rng.randrange(10**6):06d}"
            if len(set(pin)) > 2 and pin not in ("123456", "654321"):
                break
    tries = 3
    r = rng.random()
    if r < 0.006:
        tries = 0  # PIN blocked (P6)
    elif r < 0.03:
        tries = rng.choice((1, 2))
    app = "ok"
    if state in ("lost", "phone_reported_lost") and rng.random() < 0.3:
        app = "blocked"  # a hospital terminal met the lost card
    return pin, tries, app


def write_cards(ctx: Context, p: Person) -> None:
    """The person's card(s) in a randomly chosen state, with the records behind it."""
    rng = ctx.rng
    issue = random_issue_date(ctx, p)
    if p.status == "deceased":
        write_card(ctx, p, "cancelled", issue)
        return
    r = rng.random()
    # Random draws keep their order (the demo stays the same for a seed); each card is
    # written with the time its loss or replacement changed its state.
    if r < 0.02:
        chip = random_chip(ctx, "phone_reported_lost")
        lapsing = rng.random() < 0.25
        span = ctx.phone_validity_days
        days = rng.uniform(span - 2, span - 0.05) if lapsing else rng.uniform(0.05, span - 2)
        card = write_card(ctx, p, "phone_reported_lost", issue, chip=chip, changed_at=ctx.ago(days))
        phone_report(ctx, p, card, ctx.ago(days))
    elif r < 0.045:
        chip = random_chip(ctx, "lost")
        at = ctx.ago(rng.uniform(1, 300))
        card = write_card(ctx, p, "lost", issue, chip=chip, changed_at=at)
        written_report(ctx, p, card, at, state="confirmed")
    elif r < 0.055:
        at = ctx.ago(rng.uniform(1, 20))
        card = write_card(ctx, p, "replacement_applied", issue, changed_at=at)
        report = written_report(
            ctx, p, card, at - dt.timedelta(hours=1), state="replaced", closed_at=at
        )
        replacement(ctx, p, card, report, at, new_card=None)
    elif r < 0.07:
        at = ctx.ago(rng.uniform(30, 900))
        old = write_card(ctx, p, "cancelled", issue, changed_at=at)
        report = written_report(
            ctx, p, old, at - dt.timedelta(hours=1), state="replaced", closed_at=at
        )
        new_issue = (at + dt.timedelta(days=15)).date()
        new = write_card(ctx, p, "active", new_issue, replaces=old, chip=random_chip(ctx, "active"))
        replacement(ctx, p, old, report, at, new_card=new)
    else:
        card = write_card(ctx, p, "active", issue, chip=random_chip(ctx, "active"))
        if rng.random() < 0.01:
            past = ctx.ago(rng.uniform(60, 600))
            if rng.random() < 0.5:
                phone_report(ctx, p, card, past, state="lapsed")
            else:
                written_report(
                    ctx, p, card, past, state="lifted", closed_at=past + dt.timedelta(days=3)
                )


#: ``password_events`` as the demo writes them (never a PIN: the table holds none).
PASSWORD_EVENT_COLUMNS = ("id", "at", "kind", "channel", "holder_id", "card_id", "outcome")


def pin_changed_by_phone(ctx: Context, p: Person, card_id: int, at: dt.datetime) -> None:
    """The card's PIN changed on the 12333 line (RULES P2) at ``at``: the counter shows it in
    the card's history (RULES "Channels")."""
    ctx.writer.add(
        "password_events",
        (ctx.next_id("password_events"), ts_text(at), "pin_change", "phone", p.id, card_id,
         "success"),
    )  # fmt: skip


def phone_report(
    ctx: Context, p: Person, card_id: int, at: dt.datetime, state: str = "open"
) -> int:
    """A 12333 temporary report (L1) made at ``at``; lapses after the validity period."""
    report_id = ctx.next_id("loss_reports")
    deadline = at + dt.timedelta(days=ctx.phone_validity_days)
    closed = ts_text(deadline) if state == "lapsed" else None
    ctx.writer.add(
        "loss_reports",
        (
            report_id,
            card_id,
            p.id,
            "phone",
            "temporary",
            state,
            ts_text(at),
            ts_text(deadline),
            None,
            closed,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    )
    return report_id


def _desk_for(ctx: Context, p: Person) -> Desk:
    if ctx.rng.random() < 0.8 or ctx.card_center is None:
        return ctx.subcenters[p.household]
    return ctx.card_center


def written_report(
    ctx: Context,
    p: Person,
    card_id: int,
    at: dt.datetime,
    *,
    state: str,
    closed_at: dt.datetime | None = None,
    desk: Desk | None = None,
) -> WrittenReport:
    """A written report (L3) with its printed form, archived as the counter archives it
    (so it can be reprinted, L4); ``closed_at`` for lifted/replaced."""
    desk = desk or _desk_for(ctx, p)
    if state == "lifted":
        desk = ctx.subcenters[p.household]  # U2: lifted at the holder's own district
    serial = ctx.issue_form(
        desk,
        "loss_registration",
        at,
        p.id,
        card_id,
        lambda header: loss_form(header, p, card_id, ctx.details),
    )
    report_id = ctx.next_id("loss_reports")
    closing = ctx.subcenters[p.household] if closed_at else None
    ctx.writer.add(
        "loss_reports",
        (
            report_id,
            card_id,
            p.id,
            "counter",
            "written",
            state,
            ts_text(at),
            None,
            ts_text(at),
            ts_text(closed_at) if closed_at else None,
            desk.office_id,
            desk.staff_id,
            "resident_id",
            p.ssn,
            serial,
            closing.office_id if closing else None,
            closing.staff_id if closing else None,
            None,
        ),
    )
    return WrittenReport(report_id, serial, at)


def replacement(
    ctx: Context,
    p: Person,
    old_card: int,
    report: WrittenReport,
    at: dt.datetime,
    *,
    new_card: int | None,
) -> None:
    """A 补卡 application (R1) following the written ``report``, with its archived form;
    ``new_card`` set when the new card was already issued."""
    desk = ctx.subcenters[p.household]
    loss = fd.LossReportRef(report.serial, report.at, written=True)
    serial = ctx.issue_form(
        desk,
        "replacement_application",
        at,
        p.id,
        old_card,
        lambda header: replacement_form(header, p, old_card, loss, ctx.details),
    )
    ready = (at + dt.timedelta(days=15)).date()
    issued = ts_text(at + dt.timedelta(days=15)) if new_card else None
    ctx.writer.add(
        "replacement_applications",
        (
            ctx.next_id("replacement_applications"),
            old_card,
            p.id,
            report.id,
            ts_text(at),
            desk.office_id,
            desk.staff_id,
            "resident_id",
            p.ssn,
            serial,
            "issued" if new_card else "applied",
            new_card,
            date_text(ready),
            issued,
            None,
        ),
    )
