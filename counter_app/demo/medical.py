"""Demo medical insurance personal accounts (医疗保险个人账户; RULES Q2, Q4 医疗卡余额): the
last six months of movements — the monthly transfer in (划入) and the holder's payments at
hospitals and pharmacies — and the balance they leave. Amounts are integer fen.

Plausible, not uniform: the account holds a balance from before the six months, every month
has its transfer in, a month has no, one or a few payments of different sizes, and a payment
is never more than the balance. (A trial read the same ¥101 paid in and spent again in every
month of a retiree's account, the balance back at ¥0.00 each time.)

The draws this module made from the demo's shared stream before (a retiree's monthly amount;
per month a day offset; every other month one payment's kind, size and place) are still made,
in the same order, so no other demo fact moves; the rest comes from the holder's own stream,
seeded by their ID number and the demo's day: the demo stays deterministic.
"""

from __future__ import annotations

import datetime as dt
import random

from counter_app.demo.bulk import ts_text
from counter_app.demo.context import SHANGHAI, Context
from counter_app.demo.people import Person

HOSPITALS = (
    "重庆医科大学附属第一医院",
    "重庆市人民医院",
    "陆军军医大学西南医院",
    "重庆市中医院",
    "桐君阁大药房",
    "和平药房",
    "社区卫生服务中心",
)
#: Where a visit or a stay is paid: not a pharmacy.
CLINICS = tuple(h for h in HOSPITALS if not h.endswith("药房"))
#: The payment kinds as the shared stream drew them (kept for its sequence).
_SHARED_KINDS = ("outpatient", "pharmacy", "pharmacy", "inpatient")
#: Further payments: mostly pharmacies and outpatient visits, now and then a hospital stay.
_MORE_KINDS = ("pharmacy",) * 5 + ("outpatient",) * 4 + ("inpatient",)
#: What one further payment from the personal account comes to, in fen, by kind (a hospital
#: stay: the holder's own share; the pooled fund pays the rest).
_SIZES = {
    "pharmacy": (1_200, 26_000),
    "outpatient": (800, 30_000),
    "inpatient": (20_000, 150_000),
}
MONTHS = 6


def write_medical_account(ctx: Context, p: Person, base: int) -> None:
    """The account of ``p`` (城镇职工 only; residents and the deceased have none to speak of:
    balance 0) and its movements in the :data:`MONTHS` calendar months before the demo's
    day: the transfer in early in each month, payments until the next one."""
    rng = ctx.rng
    balance = 0
    if p.scheme == "employee" and p.status != "deceased":
        own = random.Random(f"medical:{p.ssn}:{ctx.as_of.isoformat()}")
        if p.status == "employed":
            monthly = base * 20 // 1000  # the personal contribution (2 % of the base)
        else:  # not employed (a retiree): a fixed monthly transfer
            monthly = rng.randint(80, 200) * 100 + own.randint(0, 99)
        # What the account holds from before the months shown.
        balance = monthly * own.randint(6, 48) + own.randint(0, monthly)
        events: list[tuple[dt.datetime, str, int, str | None]] = []
        for k in range(MONTHS, 0, -1):
            start, end = _month_start(ctx, k), min(_month_start(ctx, k - 1), ctx.now)
            credited = start + dt.timedelta(days=rng.uniform(0, 20) / 5)  # day 1 to 5
            events.append((credited, "credit", monthly, None))
            payments = own.choice((0, 1, 1, 2)) if k % 2 == 0 else own.choice((0, 0, 1))
            if k % 2 == 1:
                kind = rng.choice(_SHARED_KINDS)
                fen = rng.randint(10, 600) * 40 + own.randint(0, 99)
                at = _between(own, credited, end)
                events.append((at, kind, fen, _place(own, kind, rng.choice(HOSPITALS))))
            for _ in range(payments):
                kind = own.choice(_MORE_KINDS)
                place = _place(own, kind, own.choice(HOSPITALS))
                fen = own.randint(*_SIZES[kind])
                events.append((_between(own, credited, end), kind, fen, place))
        opening = [(_opening_hours(e[0], ctx.now), e[1], e[2], e[3]) for e in events]
        for when, what, fen, where in sorted(opening, key=lambda e: e[0]):
            # A payment beyond the balance takes what is left (the holder pays the rest).
            amount = fen if what == "credit" else -min(balance, fen)
            if amount == 0:
                continue
            balance += amount
            ctx.writer.add(
                "medical_transactions",
                (
                    ctx.next_id("medical_transactions"),
                    p.id,
                    ts_text(when),
                    what,
                    amount,
                    balance,
                    where,
                ),
            )
    ctx.writer.add(
        "medical_accounts", (ctx.next_id("medical_accounts"), p.id, balance, ts_text(ctx.now))
    )


def _month_start(ctx: Context, back: int) -> dt.datetime:
    """08:30 in Chongqing on the first of the calendar month ``back`` months before the
    demo's day (0: its own month)."""
    months = ctx.as_of.year * 12 + ctx.as_of.month - 1 - back
    day = dt.datetime(months // 12, months % 12 + 1, 1, 8, 30, tzinfo=SHANGHAI)
    return day.astimezone(dt.UTC)


def _opening_hours(when: dt.datetime, now: dt.datetime) -> dt.datetime:
    """``when`` moved into 08:00–20:00 of its day in Chongqing (a trial read a 门诊 at
    04:38): the time of day is halved and starts at 08:00, so the order of the day's
    movements is kept and no extra draw changes the demo. Never after ``now``."""
    local = when.astimezone(SHANGHAI)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    moved = midnight + dt.timedelta(hours=8) + (local - midnight) / 2
    return min(moved.astimezone(dt.UTC), now - dt.timedelta(minutes=1))


def _between(own: random.Random, after: dt.datetime, before: dt.datetime) -> dt.datetime:
    return after + (before - after) * own.uniform(0.05, 0.95)


def _place(own: random.Random, kind: str, drawn: str) -> str:
    """``drawn``, unless a visit or a stay was drawn at a pharmacy: then a clinic."""
    return drawn if kind == "pharmacy" or drawn in CLINICS else own.choice(CLINICS)
