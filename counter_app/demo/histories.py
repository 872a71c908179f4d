"""Demo histories across the five insurances and the other record categories (Q2–Q5):
participation, contributions, pension account and payments, the medical account
(``medical.py``), unemployment claims and employment history; work injury and death,
maternity, 低保/优抚 and qualifications come from ``benefits.py``. Amounts are integer fen.

One insured span per holder: 参保日期 to the last month paid for. The contribution records,
累计缴费月数, the pension account and an employee's 工作经历 all cover exactly that span.

Contribution records are one row per insurance and year for the last five years of a
working life (older years are summed into ``total_months``), which keeps 100,000 holders
well inside the demo-data time budget.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from counter_app.demo.benefits import (
    DIBAO_SHARE,
    dibao_eligible,
    write_allowance,
    write_injury,
    write_maternity,
    write_qualification,
    write_special_care,
)
from counter_app.demo.bulk import date_text
from counter_app.demo.context import Context
from counter_app.demo.medical import write_medical_account
from counter_app.demo.people import Person

PARTICIPATION_COLUMNS = (
    "id",
    "holder_id",
    "insurance",
    "scheme",
    "status",
    "since",
    "until",
    "employer_id",
    "total_months",
    "continuous_months",
)
CONTRIBUTION_COLUMNS = (
    "id",
    "holder_id",
    "insurance",
    "employer_id",
    "period",
    "months",
    "base_fen",
    "employer_fen",
    "personal_fen",
    "status",
    "paid_on",
)
PENSION_ACCOUNT_COLUMNS = (
    "id",
    "holder_id",
    "balance_fen",
    "contribution_months",
    "opened_on",
    "retired_on",
    "monthly_benefit_fen",
)
PENSION_PAYMENT_COLUMNS = ("id", "holder_id", "period", "amount_fen", "paid_on")
MEDICAL_ACCOUNT_COLUMNS = ("id", "holder_id", "balance_fen", "updated_at")
MEDICAL_TX_COLUMNS = (
    "id",
    "holder_id",
    "at",
    "kind",
    "amount_fen",
    "balance_after_fen",
    "institution",
)
CLAIM_COLUMNS = (
    "id",
    "holder_id",
    "registered_on",
    "entitlement_months",
    "monthly_fen",
    "status",
    "closed_on",
)
CLAIM_PAYMENT_COLUMNS = ("id", "claim_id", "period", "amount_fen", "paid_on")
INJURY_COLUMNS = (
    "id",
    "case_no",
    "holder_id",
    "employer_id",
    "injury_date",
    "recognised_on",
    "occupational_disease",
    "description",
    "disability_grade",
    "status",
)
INJURY_BENEFIT_COLUMNS = ("id", "case_id", "kind", "period", "amount_fen", "paid_on")
DEATH_COLUMNS = (
    "id",
    "case_no",
    "holder_id",
    "employer_id",
    "death_date",
    "funeral_grant_fen",
    "lump_sum_fen",
)
SURVIVOR_COLUMNS = (
    "id",
    "death_case_id",
    "survivor_name",
    "relation",
    "survivor_ssn",
    "monthly_fen",
    "since",
    "until",
)
MATERNITY_COLUMNS = (
    "id",
    "holder_id",
    "employer_id",
    "kind",
    "event_date",
    "amount_fen",
    "paid_on",
)
ALLOWANCE_COLUMNS = (
    "id",
    "holder_id",
    "district_code",
    "area",
    "household_size",
    "monthly_fen",
    "since",
    "until",
    "status",
)
SPECIAL_CARE_COLUMNS = ("id", "holder_id", "category", "grade", "monthly_fen", "since", "until")
QUALIFICATION_COLUMNS = (
    "id",
    "holder_id",
    "title",
    "level",
    "certificate_no",
    "issued_on",
    "issuer",
)
EMPLOYMENT_COLUMNS = ("id", "holder_id", "employer_id", "position", "started_on", "ended_on")

# Per-mille contribution rates (employer, personal), Chongqing-like.
RATES = {
    "pension": (160, 80),
    "medical": (85, 20),
    "unemployment": (5, 5),
    "work_injury": (6, 0),
    "maternity": (5, 0),
}
POSITIONS = ("操作工", "技术员", "文员", "销售", "司机", "厨师", "会计", "工程师", "保洁", "店长")
LAST_YEARS = 5
#: A resident's yearly 城乡居民养老 档次 (fen) and the government subsidy each adds.
RESIDENT_SUBSIDY_FEN = {20_000: 4_000, 50_000: 6_000, 100_000: 8_000, 200_000: 12_000}
RESIDENT_LEVELS = tuple(RESIDENT_SUBSIDY_FEN)
RESIDENT_MEDICAL_FEN = 38_000
RESIDENT_SCHEME_YEAR = 2011


class History(NamedTuple):
    """What the rest of a holder's records need from his history."""

    pension_fen: int | None
    employer: int | None


def decide_status(ctx: Context, p: Person) -> None:
    """Employment status and insurance scheme from age (retirement at 60 men / 55 women)."""
    rng = ctx.rng
    age = ctx.as_of.year - p.birth.year
    if age >= (60 if p.gender == "1" else 55):
        p.status = "deceased" if rng.random() < 0.01 else "retired"
        p.scheme = "employee" if rng.random() < 0.7 else "resident"
    elif age < 18:
        p.status, p.scheme = "unemployed", "resident"
    elif rng.random() < 0.78:
        p.status, p.scheme = "employed", "employee" if rng.random() < 0.85 else "resident"
    else:
        p.status = "unemployed"
        p.scheme = "employee" if rng.random() < 0.5 else "resident"


def _month_start(index: int) -> dt.date:
    """The first day of month number ``index`` (``year * 12 + month - 1``)."""
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_end(index: int) -> dt.date:
    return _month_start(index + 1) - dt.timedelta(days=1)


def write_history(ctx: Context, p: Person, died: dt.date | None = None) -> History:
    """Every record category for ``p``, consistent with status and scheme: one insured span
    (参保日期 to the last month paid for) that the contribution records, 累计缴费月数, the
    pension account and — for an employee — the 工作经历 all cover exactly. ``died``: the
    day of a work death, the month it ends the span in. Returns the monthly pension being
    paid (fen), if any, and the employer of the last spell."""
    rng = ctx.rng
    w = ctx.writer
    start_year = max(p.birth.year + rng.randint(18, 26), 1993)
    if p.status == "retired" or p.status == "deceased":
        end_year = p.birth.year + (60 if p.gender == "1" else 55)
    elif p.status == "unemployed" and p.scheme == "employee":
        end_year = ctx.as_of.year - rng.randint(0, 2)
    else:
        end_year = ctx.as_of.year
    end_year = min(end_year, ctx.as_of.year)
    if p.scheme == "resident":  # the residents' scheme began in 2011 in Chongqing
        start_year = max(start_year, RESIDENT_SCHEME_YEAR)
    start_year = min(start_year, end_year)
    adult = p.birth.year + 18 <= ctx.as_of.year
    if not adult:
        start_year = end_year = ctx.as_of.year
    employer = None
    if p.scheme == "employee" and ctx.all_employers:
        local = ctx.employers_by_district.get(p.household) or ctx.all_employers
        employer = rng.choice(local)
    insurances = list(RATES) if p.scheme == "employee" else ["pension", "medical"]
    active = p.status == "employed" or (p.status == "unemployed" and p.scheme == "resident")
    this_month = _month_index(ctx.as_of)
    # The last month paid for: the month before ``as_of`` while insured; a retiree's
    # contributions end the month before retirement (养老保险 then pays his pension;
    # 医疗保险 stays in force without contributions); one who left work, the last month
    # of the year he left in (never a month still to come).
    retired_on = retirement_date(p, end_year, ctx.as_of) if p.status == "retired" else None
    if retired_on is not None:
        end = _month_index(retired_on) - 1
    elif active:
        end = this_month - 1
    else:
        end = min(end_year * 12 + 11, this_month - 1)
    if died is not None:
        end = min(_month_index(died), this_month - 1)
    # 参保日期: an employee from the month he started work; a resident pays by the calendar
    # year, from January. Never after the last month paid for (at least one month).
    month = rng.randint(1, 12) if p.scheme == "employee" else 1
    first = min(start_year * 12 + month - 1, end)
    since = _month_start(first)
    base = rng.randint(4_000, 20_000) * 100
    level = rng.choice(RESIDENT_LEVELS)  # a resident's yearly pension 档次 (fen)
    ended = _month_end(end)
    totals: dict[str, int] = {}
    for insurance in insurances:
        status = (
            "active"
            if active or (p.status == "retired" and insurance == "medical")
            else "terminated"
        )
        unpaid = 0
        if adult:
            unpaid = _contributions(ctx, p, insurance, employer, base, level, first, end)
        total = end - first + 1 - unpaid
        totals[insurance] = total
        w.add(
            "insurance_participations",
            (
                ctx.next_id("insurance_participations"),
                p.id,
                insurance,
                p.scheme,
                status,
                date_text(since),
                None if status == "active" else date_text(ended),
                employer,
                total,
                total if active and not unpaid else 0,
            ),
        )
    benefit = _pension(ctx, p, totals["pension"], base, level, since, retired_on)
    write_medical_account(ctx, p, base)
    if p.scheme == "employee" and employer is not None:
        _employment(ctx, p, employer, first, None if p.status == "employed" else end)
        if p.status == "unemployed" and rng.random() < 0.35:
            _unemployment(ctx, p, ended, totals["unemployment"])
        if p.status in ("employed", "retired") and rng.random() < 0.015:
            write_injury(ctx, p, employer, end_year)
        if (
            p.status == "employed"
            and p.gender == "2"
            and ctx.as_of.year - p.birth.year < 42
            and rng.random() < 0.08
        ):
            write_maternity(ctx, p, employer)
    if p.status != "deceased" and ctx.as_of.year - p.birth.year >= 18:
        # 低保 tops a household up to the local line: only for a holder without a wage or
        # an employee pension (a resident out of work, or drawing a small 城乡居民养老).
        if rng.random() < DIBAO_SHARE and dibao_eligible(p):
            write_allowance(ctx, p, benefit)
        if rng.random() < 0.008:
            write_special_care(ctx, p)
        if rng.random() < 0.2:
            write_qualification(ctx, p)
    return History(benefit, employer)


@functools.lru_cache(maxsize=4096)
def _paid_on(year: int, months: int) -> str:
    return dt.date(year, months, 15).isoformat()


def retirement_date(p: Person, end_year: int, as_of: dt.date) -> dt.date:
    """The first day of the month ``p`` reached retirement age in (``end_year``); a retiree
    has retired by ``as_of``'s month, never on a day still to come."""
    return min(dt.date(max(end_year, 1995), p.birth.month, 1), as_of.replace(day=1))


def _contributions(
    ctx: Context,
    p: Person,
    insurance: str,
    employer: int | None,
    base: int,
    level: int,
    first: int,
    end: int,
) -> int:
    """One record per calendar year of the insured months ``first``..``end`` (month
    numbers), the last :data:`LAST_YEARS` years only (older years are in the
    participation's ``total_months``); returns the months left unpaid (欠缴). A resident
    pays one yearly amount (his 档次 ``level`` for 养老保险). Hot loop: rows go straight
    into the writer's buffer with a local id counter."""
    rng = ctx.rng
    append = ctx.writer.buffer("contribution_records").append
    next_id = ctx.ids.get("contribution_records", 0)
    this_year = ctx.as_of.year
    employee = p.scheme == "employee"
    er, pr = RATES[insurance]
    unpaid = 0
    last_year = end // 12
    for year in range(max(first // 12, last_year - LAST_YEARS + 1), last_year + 1):
        start = max(first, year * 12)
        months = min(end, year * 12 + 11) - start + 1
        arrears = year == this_year and rng.random() < 0.03
        if employee:
            employer_fen = base * er * months // 1000
            personal_fen = base * pr * months // 1000
            row_base = base
        else:
            employer_fen = row_base = 0
            personal_fen = level if insurance == "pension" else RESIDENT_MEDICAL_FEN
        unpaid += months if arrears else 0
        next_id += 1
        append(
            (
                next_id,
                p.id,
                insurance,
                employer if employee else None,
                year * 100 + start % 12 + 1,
                months,
                row_base,
                employer_fen,
                personal_fen,
                "arrears" if arrears else "paid",
                None if arrears else _paid_on(year, start % 12 + months),
            )
        )
    ctx.ids["contribution_records"] = next_id
    return unpaid


def _pension(
    ctx: Context,
    p: Person,
    months: int,
    base: int,
    level: int,
    since: dt.date,
    retired_on: dt.date | None,
) -> int | None:
    """The pension account (养老保险个人账户), opened (建账日期) the day the holder's
    insurance started (参保日期 ``since``); its balance is what the paid ``months`` put in:
    an employee's 8 % of the base, a resident's yearly 档次 with the government subsidy.
    Returns the monthly pension (fen) of a retiree."""
    rng = ctx.rng
    if p.scheme == "employee":
        balance = base * 80 * months // 1000
    else:
        balance = -(-months // 12) * (level + RESIDENT_SUBSIDY_FEN[level])
    benefit = None
    if retired_on is not None:
        benefit = (
            rng.randint(1_800, 6_500) if p.scheme == "employee" else rng.randint(150, 400)
        ) * 100
    ctx.writer.add(
        "pension_accounts",
        (
            ctx.next_id("pension_accounts"),
            p.id,
            balance,
            months,
            date_text(since),
            date_text(retired_on) if retired_on else None,
            benefit,
        ),
    )
    if benefit:
        year, month = ctx.as_of.year, ctx.as_of.month
        for _ in range(12):
            month -= 1
            if month == 0:
                year, month = year - 1, 12
            ctx.writer.add(
                "pension_payments",
                (
                    ctx.next_id("pension_payments"),
                    p.id,
                    year * 100 + month,
                    benefit,
                    date_text(dt.date(year, month, 10)),
                ),
            )
    return benefit


def _employment(ctx: Context, p: Person, employer: int, first: int, end: int | None) -> None:
    """1–3 spells covering the insured months ``first``..``end`` exactly, one after the
    other (the last at ``employer``, open while ``end`` is ``None``: still working)."""
    rng = ctx.rng
    last = end if end is not None else _month_index(ctx.as_of) - 1
    inner = range(first + 1, last + 1)
    spells = rng.randint(1, 3)
    starts = [first, *sorted(rng.sample(inner, min(spells - 1, len(inner))))]
    for n, start in enumerate(starts):
        final = n == len(starts) - 1
        if final:
            ended = None if end is None else _month_end(end)
        else:
            ended = _month_start(starts[n + 1]) - dt.timedelta(days=1)
        who = employer if final else rng.choice(ctx.all_employers)
        ctx.writer.add(
            "employment_records",
            (
                ctx.next_id("employment_records"),
                p.id,
                who,
                rng.choice(POSITIONS),
                date_text(_month_start(start)),
                date_text(ended) if ended else None,
            ),
        )


def benefit_months(paid_months: int) -> int:
    """失业保险条例 §17: paid 1–5 years → 12 months of 失业保险金, 5–10 years → 18,
    10 years and more → 24 (the most each band allows); under a year → none (§14)."""
    if paid_months < 12:
        return 0
    return 12 if paid_months < 60 else 18 if paid_months < 120 else 24


def _unemployment(ctx: Context, p: Person, left: dt.date, paid_months: int) -> None:
    """A claim registered within two months of leaving work (``left``, the insurance's
    last day), entitled as the contribution months allow."""
    rng = ctx.rng
    registered = min(left + dt.timedelta(days=rng.randint(5, 60)), ctx.as_of)
    entitlement = benefit_months(paid_months)
    monthly = rng.randint(1_700, 1_900) * 100
    if entitlement == 0:
        return
    # Months paid so far: paid on the 5th, so this month's only once the 5th has come.
    elapsed = (ctx.as_of.year - registered.year) * 12 + ctx.as_of.month - registered.month
    elapsed -= 1 if ctx.as_of.day < 5 else 0
    paid = min(entitlement, max(elapsed, 0))
    closed = paid >= entitlement
    claim_id = ctx.next_id("unemployment_claims")
    ctx.writer.add(
        "unemployment_claims",
        (
            claim_id,
            p.id,
            date_text(registered),
            entitlement,
            monthly,
            "closed" if closed else "open",
            # Closed when the entitlement ran out, by ``as_of`` at the latest (all paid).
            date_text(min(registered + dt.timedelta(days=entitlement * 30), ctx.as_of))
            if closed
            else None,
        ),
    )
    year, month = registered.year, registered.month
    for _ in range(paid):
        month += 1
        if month == 13:
            year, month = year + 1, 1
        ctx.writer.add(
            "unemployment_payments",
            (
                ctx.next_id("unemployment_payments"),
                claim_id,
                year * 100 + month,
                monthly,
                date_text(dt.date(year, month, 5)),
            ),
        )
