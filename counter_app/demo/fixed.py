"""The fixed, well-known demo holders of ``accounts.FIXED_HOLDERS``: written first (ids
1–13, card ids 1–13) with their own random streams, so they — and the forms of their
loss reports — are the same for every ``--holders`` and ``--seed``."""

from __future__ import annotations

import datetime as dt
import random

from counter_app.demo.accounts import FIXED_HOLDERS, DemoHolder
from counter_app.demo.benefits import death_day, write_allowance, write_death_case
from counter_app.demo.context import Context
from counter_app.demo.histories import write_history
from counter_app.demo.people import (
    Person,
    phone_report,
    pin_changed_by_phone,
    replacement,
    write_card,
    write_holder,
    written_report,
)

FIXED_SEED = 500000
#: What the fixed holders declared on their forms (``Context.details``).
FIXED_DETAILS_SEED = 500001
_ETHNICITY = {"minority_name": "05", "dibao": "15"}
_ISSUE = {"retired": dt.date(2015, 3, 1), "app_blocked": dt.date(2016, 9, 20)}


def _person(index: int, h: DemoHolder) -> Person:
    ssn = h.ssn
    birth = dt.date(int(ssn[6:10]), int(ssn[10:12]), int(ssn[12:14]))
    gender = "1" if int(ssn[16]) % 2 else "2"
    return Person(
        index,
        ssn,
        h.name,
        gender,
        _ETHNICITY.get(h.key, "01"),
        birth,
        ssn[:6],
        h.household_district,
    )


def write_fixed_holders(ctx: Context) -> None:
    """Write the fixed holders, their cards in the documented states, and histories."""
    seeded, details = ctx.rng, ctx.details
    ctx.rng = random.Random(FIXED_SEED)
    ctx.details = random.Random(FIXED_DETAILS_SEED)
    try:
        for index, h in enumerate(FIXED_HOLDERS, start=1):
            p = _person(index, h)
            age = ctx.as_of.year - p.birth.year
            p.status = "retired" if age >= (60 if p.gender == "1" else 55) else "employed"
            if h.key == "work_death":
                p.status = "deceased"
            # The 低保 holder is a resident-scheme retiree on a small 城乡居民养老: a
            # retired employee's pension would lie far above the 低保 line.
            p.scheme = "resident" if h.key == "dibao" else "employee"
            write_holder(ctx, p)
            _fixed_card(ctx, p, h)
            died = death_day(ctx) if h.key == "work_death" else None
            history = write_history(ctx, p, died)
            if h.key == "work_injury":
                _grade7_injury(ctx, p)
            if h.key == "dibao":
                write_allowance(ctx, p, history.pension_fen, still_paid=True)
            if died is not None:
                write_death_case(ctx, p, history.employer, died)
    finally:
        ctx.rng, ctx.details = seeded, details


def _fixed_card(ctx: Context, p: Person, h: DemoHolder) -> None:
    issue = _ISSUE.get(h.key, dt.date(2019, 6, 1))
    # When the card entered its state: the loss report or replacement below.
    changed = {
        "phone_lost": ctx.ago(3),
        "phone_lost_lapsing": ctx.ago(ctx.phone_validity_days - 1),
    }.get(h.key) or {"lost": ctx.ago(10), "replacement_applied": ctx.ago(5)}.get(h.card_state)
    card = write_card(
        ctx,
        p,
        h.card_state,
        issue,
        chip=(h.pin, h.pin_tries_left, h.app_state),
        changed_at=changed,
    )
    assert card == p.id, "fixed holders must be written first (card id = holder id)"
    desk = ctx.subcenters[p.household]
    if h.key == "active_changed_pin":  # her PIN is no longer 123456: changed by phone (P2)
        pin_changed_by_phone(ctx, p, card, ctx.ago(200))
    if h.key in ("phone_lost", "phone_lost_lapsing"):
        assert changed is not None
        phone_report(ctx, p, card, changed)
    elif h.card_state == "lost":
        assert changed is not None
        written_report(ctx, p, card, changed, state="confirmed", desk=desk)
    elif h.card_state == "replacement_applied":
        at = ctx.ago(5)
        report = written_report(
            ctx, p, card, at - dt.timedelta(hours=1), state="replaced", closed_at=at, desk=desk
        )
        replacement(ctx, p, card, report, at, new_card=None)


def _grade7_injury(ctx: Context, p: Person) -> None:
    case_id = ctx.next_id("injury_cases")
    injured = dt.date(2021, 4, 12)
    employer = ctx.all_employers[0]
    ctx.writer.add(
        "injury_cases",
        (
            case_id,
            f"GS2021{case_id:08d}",
            p.id,
            employer,
            injured.isoformat(),
            dt.date(2021, 5, 20).isoformat(),
            0,
            "机械伤害致右手示指、中指缺失",
            7,
            "assessed",
        ),
    )
    for kind, amount, paid in (
        ("medical", 3_860_000, dt.date(2021, 8, 1)),
        ("lump_sum", 4_320_000, dt.date(2022, 1, 10)),
    ):
        ctx.writer.add(
            "injury_benefits",
            (ctx.next_id("injury_benefits"), case_id, kind, None, amount, paid.isoformat()),
        )
