"""Demo histories across the five insurances and the other record categories (Q2–Q5):
participation, contributions, pension account and payments, the medical account
(``medical.py``), unemployment claims, work injury and work death, maternity, 低保/优抚,
qualifications and employment history. Amounts are integer fen.

Contribution records are one row per insurance and year for the last five years of a
working life (older years are summed into ``total_months``), which keeps 100,000 holders
well inside the demo-data time budget.
"""

from __future__ import annotations

import datetime as dt
import functools
import random

from counter_app.demo.bulk import date_text
from counter_app.demo.context import Context
from counter_app.demo.medical import write_medical_account
from counter_app.demo.names import person_name
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
QUALIFICATIONS = (
    "电工",
    "焊工",
    "育婴员",
    "养老护理员",
    "中式烹调师",
    "美发师",
    "汽车维修工",
    "企业人力资源管理师",
    "保安员",
    "茶艺师",
    "电子商务师",
    "钳工",
)
POSITIONS = ("操作工", "技术员", "文员", "销售", "司机", "厨师", "会计", "工程师", "保洁", "店长")
LAST_YEARS = 5


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


def write_history(ctx: Context, p: Person) -> None:
    """Every record category for ``p``, consistent with status and scheme."""
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
    start_year = min(start_year, end_year)
    if p.birth.year + 18 > ctx.as_of.year:
        start_year = end_year = ctx.as_of.year
    employer = None
    if p.scheme == "employee" and ctx.all_employers:
        local = ctx.employers_by_district.get(p.household) or ctx.all_employers
        employer = rng.choice(local)
    total_months = max(0, (end_year - start_year) * 12 + rng.randint(0, 11))
    insurances = list(RATES) if p.scheme == "employee" else ["pension", "medical"]
    active = p.status == "employed" or (p.status == "unemployed" and p.scheme == "resident")
    # 参保日期 is never after the demo's month (a holder who starts this year started by now).
    since = min(dt.date(start_year, rng.randint(1, 12), 1), ctx.as_of.replace(day=1))
    base = rng.randint(4_000, 20_000) * 100
    retired_on = retirement_date(p, end_year, ctx.as_of) if p.status == "retired" else None
    # A retiree's contributions end at retirement: 养老保险 too (the pension is paid from the
    # pension account, pension_payments); 医疗保险 stays in force (the account is credited).
    # An insurance that ended this year ended with the last month paid for (the month
    # before ``as_of``, as _contributions writes it), not on a 31 December still to come.
    this_month = ctx.as_of.replace(day=1)
    ended = max(min(dt.date(end_year, 12, 31), this_month - dt.timedelta(days=1)), since)
    last_months = 12
    if retired_on is not None:
        ended = max(retired_on - dt.timedelta(days=1), since)
        if retired_on.year == end_year:
            last_months = retired_on.month - 1
    for insurance in insurances:
        status = (
            "active"
            if active or (p.status == "retired" and insurance == "medical")
            else "terminated"
        )
        continuous = total_months if active else 0
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
                total_months,
                continuous,
            ),
        )
        if p.birth.year + 18 <= ctx.as_of.year:
            first = max(start_year, end_year - LAST_YEARS + 1)
            _contributions(ctx, p, insurance, employer, base, first, end_year, last_months)
    _pension(ctx, p, total_months, base, end_year, since)
    write_medical_account(ctx, p, base)
    if p.scheme == "employee" and employer is not None:
        _employment(ctx, p, employer, start_year, end_year)
        if p.status == "unemployed" and rng.random() < 0.35:
            _unemployment(ctx, p)
        if p.status in ("employed", "retired") and rng.random() < 0.015:
            _injury(ctx, p, employer, end_year)
        if (
            p.status == "employed"
            and p.gender == "2"
            and ctx.as_of.year - p.birth.year < 42
            and rng.random() < 0.08
        ):
            _maternity(ctx, p, employer)
    if p.status != "deceased" and ctx.as_of.year - p.birth.year >= 18:
        if rng.random() < 0.025:
            _allowance(ctx, p)
        if rng.random() < 0.008:
            _special_care(ctx, p)
        if rng.random() < 0.2:
            _qualification(ctx, p)


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
    first: int,
    last: int,
    last_months: int = 12,
) -> None:
    """One record per year ``first``..``last`` (this year: the months so far; ``last``:
    at most ``last_months``, a retiree's months before retirement). Hot loop: rows go
    straight into the writer's buffer with a local id counter."""
    rng = ctx.rng
    append = ctx.writer.buffer("contribution_records").append
    next_id = ctx.ids.get("contribution_records", 0)
    this_year, this_month = ctx.as_of.year, ctx.as_of.month
    employee = p.scheme == "employee"
    er, pr = RATES[insurance]
    for year in range(first, last + 1):
        months = this_month - 1 if year == this_year else 12
        if months <= 0:
            continue
        if employee:
            personal_fen = 0
        else:
            personal_fen = (
                rng.choice((200, 500, 1000, 2000)) if insurance == "pension" else 380
            ) * 100
        arrears = year == this_year and rng.random() < 0.03
        if year == last:  # cut after the draws: the shared stream stays as it was
            months = min(months, last_months)
            if months <= 0:
                continue
        if employee:
            employer_fen = base * er * months // 1000
            personal_fen = base * pr * months // 1000
            row_base = base
        else:
            employer_fen = row_base = 0
        next_id += 1
        append(
            (
                next_id,
                p.id,
                insurance,
                employer if employee else None,
                year * 100 + 1,
                months,
                row_base,
                employer_fen,
                personal_fen,
                "arrears" if arrears else "paid",
                None if arrears else _paid_on(year, months),
            )
        )
    ctx.ids["contribution_records"] = next_id


def _pension(
    ctx: Context, p: Person, months: int, base: int, end_year: int, since: dt.date
) -> None:
    """The pension account (养老保险个人账户), opened (建账日期) the day the holder's
    insurance started (参保日期 ``since``), never before it."""
    rng = ctx.rng
    if p.scheme == "employee":
        balance = base * 80 * months // 1000
    else:
        balance = rng.randint(10, 200) * 10_000
    retired_on = benefit = None
    if p.status == "retired":
        retired_on = retirement_date(p, end_year, ctx.as_of)
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


def _employment(ctx: Context, p: Person, employer: int, start: int, end: int) -> None:
    rng = ctx.rng
    spells = rng.randint(1, 3)
    years = sorted(rng.sample(range(start, end + 1), min(spells, end - start + 1)))
    if not years or years[0] != start:
        years = [start, *years[1:]]
    # Nothing after the demo's day: a spell of this year began by the month before
    # ``as_of`` at the latest, and one that ended did so by then.
    latest = ctx.as_of.replace(day=1) - dt.timedelta(days=1)
    for n, year in enumerate(years):
        last = n == len(years) - 1
        started = min(dt.date(year, 3, 1), latest)
        ended = (
            None
            if last and p.status == "employed"
            else max(min(dt.date(years[n + 1] if not last else end, 6, 30), latest), started)
        )
        who = employer if last else rng.choice(ctx.all_employers)
        ctx.writer.add(
            "employment_records",
            (
                ctx.next_id("employment_records"),
                p.id,
                who,
                rng.choice(POSITIONS),
                date_text(started),
                date_text(ended) if ended else None,
            ),
        )


def _unemployment(ctx: Context, p: Person) -> None:
    rng = ctx.rng
    registered = ctx.as_of - dt.timedelta(days=rng.randint(20, 540))
    entitlement = rng.choice((12, 18, 24))
    monthly = rng.randint(1_700, 1_900) * 100
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


def _injury(ctx: Context, p: Person, employer: int, end_year: int) -> None:
    rng = ctx.rng
    year = rng.randint(max(end_year - 10, p.birth.year + 18), end_year)
    # Injured at least 90 days before ``as_of``: recognised and paid (90 days on) by then.
    injured = min(
        dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        ctx.as_of - dt.timedelta(days=90),
    )
    year = injured.year
    grade = rng.choices(
        [None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [15, 1, 1, 2, 3, 4, 6, 10, 14, 18, 26]
    )[0]
    case_id = ctx.next_id("injury_cases")
    ctx.writer.add(
        "injury_cases",
        (
            case_id,
            f"GS{year}{case_id:08d}",
            p.id,
            employer,
            date_text(injured),
            date_text(injured + dt.timedelta(days=rng.randint(20, 60))),
            1 if rng.random() < 0.1 else 0,
            rng.choice(
                (
                    "机械伤害致手部骨折",
                    "高处坠落致腰椎损伤",
                    "交通事故致下肢骨折",
                    "职业性噪声聋",
                    "烫伤",
                    "矽肺",
                )
            ),
            grade,
            "open" if grade is None else "assessed",
        ),
    )
    paid = injured + dt.timedelta(days=90)
    ctx.writer.add(
        "injury_benefits",
        (
            ctx.next_id("injury_benefits"),
            case_id,
            "medical",
            None,
            rng.randint(3_000, 80_000) * 100,
            date_text(paid),
        ),
    )
    if grade is not None:
        ctx.writer.add(
            "injury_benefits",
            (
                ctx.next_id("injury_benefits"),
                case_id,
                "lump_sum",
                None,
                (11 - grade) * rng.randint(8_000, 12_000) * 100,
                date_text(paid),
            ),
        )
        if grade <= 6:
            ctx.writer.add(
                "injury_benefits",
                (
                    ctx.next_id("injury_benefits"),
                    case_id,
                    "monthly_allowance",
                    ctx.as_of.year * 100 + max(ctx.as_of.month - 1, 1),
                    (11 - grade) * 40_000,
                    date_text(ctx.as_of.replace(day=1)),
                ),
            )


def write_death_case(ctx: Context, p: Person, employer: int | None) -> None:
    """A work death (工亡) of ``p`` (already marked deceased) with survivors."""
    rng = ctx.rng
    died = ctx.as_of - dt.timedelta(days=rng.randint(30, 2000))
    case_id = ctx.next_id("death_cases")
    ctx.writer.add(
        "death_cases",
        (
            case_id,
            f"GW{died.year}{case_id:08d}",
            p.id,
            employer,
            date_text(died),
            rng.randint(40_000, 60_000) * 100,
            rng.randint(900_000, 1_000_000) * 100,
        ),
    )
    kin = random.Random(case_id)  # names from a stream of their own: the rest stays as it was
    for relation in rng.sample(("spouse", "child", "parent"), rng.randint(1, 3)):
        ctx.writer.add(
            "survivor_benefits",
            (
                ctx.next_id("survivor_benefits"),
                case_id,
                _survivor_name(kin, p, relation),
                relation,
                None,
                rng.randint(1_500, 3_000) * 100,
                date_text(died + dt.timedelta(days=30)),
                None,
            ),
        )


def _survivor_name(rng: random.Random, p: Person, relation: str) -> str:
    """A spouse has a surname of their own; a child or parent shares the deceased's."""
    if relation == "spouse":
        return person_name(rng, "2" if p.gender == "1" else "1")
    return p.name[0] + person_name(rng, rng.choice("12"))[1:]


def _maternity(ctx: Context, p: Person, employer: int) -> None:
    rng = ctx.rng
    # Paid 60 days after the birth, which is therefore at least 60 days (+30) back: a
    # benefit the demo lists as paid was paid by ``as_of``. (The same draw as before.)
    born = ctx.as_of - dt.timedelta(days=rng.randint(30, 1500) + 60)
    for kind, amount in (
        ("medical", rng.randint(3_000, 8_000)),
        ("allowance", rng.randint(15_000, 40_000)),
    ):
        ctx.writer.add(
            "maternity_benefits",
            (
                ctx.next_id("maternity_benefits"),
                p.id,
                employer,
                kind,
                date_text(born),
                amount * 100,
                date_text(born + dt.timedelta(days=60)),
            ),
        )


def _allowance(ctx: Context, p: Person, *, still_paid: bool = False) -> None:
    """A 低保 allowance; one in five ended a month ago, unless ``still_paid`` (the fixed
    holder the README presents as a 低保 recipient). The draws are the same either way."""
    rng = ctx.rng
    since = ctx.as_of - dt.timedelta(days=rng.randint(60, 2500))
    ended = rng.random() < 0.2 and not still_paid
    ctx.writer.add(
        "living_allowances",
        (
            ctx.next_id("living_allowances"),
            p.id,
            p.household,
            "urban" if p.household <= "500120" else "rural",
            rng.randint(1, 5),
            rng.randint(300, 800) * 100,
            date_text(since),
            date_text(ctx.as_of - dt.timedelta(days=30)) if ended else None,
            "ended" if ended else "active",
        ),
    )


def _special_care(ctx: Context, p: Person) -> None:
    rng = ctx.rng
    category = rng.choice(("veteran", "disabled_serviceman", "martyr_family", "serviceman_family"))
    grade = rng.randint(1, 10) if category == "disabled_serviceman" else None
    ctx.writer.add(
        "special_care",
        (
            ctx.next_id("special_care"),
            p.id,
            category,
            grade,
            rng.randint(500, 4000) * 100,
            date_text(ctx.as_of - dt.timedelta(days=rng.randint(100, 5000))),
            None,
        ),
    )


def _qualification(ctx: Context, p: Person) -> None:
    rng = ctx.rng
    qid = ctx.next_id("qualifications")
    issued = ctx.as_of - dt.timedelta(days=rng.randint(30, 4000))
    ctx.writer.add(
        "qualifications",
        (
            qid,
            p.id,
            rng.choice(QUALIFICATIONS),
            rng.choices([1, 2, 3, 4, 5], [1, 3, 6, 8, 8])[0],
            f"{issued.year}50{qid:010d}",
            date_text(issued),
            "重庆市职业技能鉴定指导中心",
        ),
    )
