"""Every generated demo holder's history holds together — what a clerk reads to a holder
must not contradict itself (RULES Q2–Q5 show these records; the figures are demo data).

A new clerk's trial read: a 低保 holder drawing a ¥5,772/月 employee pension; a retiree
insured and paying two months after he left his employer, 累计缴费 equal to the employment
span; 24 months of 失业保险金 on 117 months of contributions; a resident pension account
opened after its first contribution, its balance unrelated to the contributions; a work
death survivor's parent paid more than the spouse. These tests check each invariant over
a whole generated database (``conftest.py``), not only the named showcase holders."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from counter_app.demo.accounts import fixed_holder
from tests.demo.conftest import AS_OF, DemoDb, day, month_index, period_index

#: 低保 lines of the demo (¥ per person and month, in fen): a holder's own pension must lie
#: under them — the 低保 tops a household's income up to the line.
DIBAO_LINE_FEN = {"urban": 79_000, "rural": 62_000}


# ------------------------------------------------------------------ 低保 (Q5 社会救助)


def test_Q5_dibao_goes_only_to_holders_without_an_employee_pension_or_wage(
    demo_db: DemoDb,
) -> None:
    rows = demo_db.rows(
        "SELECT h.id, h.name, h.status, a.area, a.household_size, a.monthly_fen, "
        "p.monthly_benefit_fen FROM living_allowances a JOIN holders h ON h.id = a.holder_id "
        "LEFT JOIN pension_accounts p ON p.holder_id = h.id"
    )
    assert len(rows) >= 20, "the demo has too few 低保 holders to show"
    employee = {
        holder
        for (holder,) in demo_db.rows(
            "SELECT DISTINCT holder_id FROM insurance_participations WHERE scheme = 'employee'"
        )
    }
    for holder, name, status, area, size, monthly, pension in rows:
        assert holder not in employee, (name, "职工参保")
        assert status != "employed", (name, status)
        line = DIBAO_LINE_FEN[area]
        assert pension is None or pension < line, (name, pension)
        # The allowance tops the household up to the line, never beyond it.
        assert 0 < monthly <= size * line - (pension or 0), (name, size, monthly, pension)


def test_Q5_the_showcase_dibao_holder_is_a_resident_with_a_small_pension(
    demo_db: DemoDb,
) -> None:
    ssn = fixed_holder("dibao").ssn
    ((status, pension, schemes),) = demo_db.rows(
        "SELECT h.status, p.monthly_benefit_fen, (SELECT GROUP_CONCAT(DISTINCT i.scheme) "
        "FROM insurance_participations i WHERE i.holder_id = h.id) FROM holders h "
        "JOIN pension_accounts p ON p.holder_id = h.id WHERE h.ssn = :ssn",
        ssn=ssn,
    )
    assert schemes == "resident" and status == "retired"
    assert pension is not None and pension < DIBAO_LINE_FEN["rural"]


# ------------------------------------------- one history: employment, insurance, records


def _participations(demo_db: DemoDb) -> list[tuple[Any, ...]]:
    return demo_db.rows(
        "SELECT i.holder_id, i.insurance, i.scheme, i.status, i.since, i.until, "
        "i.total_months, h.status FROM insurance_participations i "
        "JOIN holders h ON h.id = i.holder_id"
    )


def _records(demo_db: DemoDb) -> dict[tuple[int, str], list[tuple[int, int, str, int]]]:
    out: dict[tuple[int, str], list[tuple[int, int, str, int]]] = defaultdict(list)
    for holder, insurance, period, months, status, personal in demo_db.rows(
        "SELECT holder_id, insurance, period, months, status, personal_fen "
        "FROM contribution_records"
    ):
        out[(holder, insurance)].append((period_index(period), months, status, personal))
    return out


def test_C4_contributions_lie_within_the_insured_span(demo_db: DemoDb) -> None:
    """No record before 参保日期 or after the insurance ended; 累计缴费月数 is the months
    from 参保日期 to the last record that were paid for; one still paid for by a holder at
    work has its records up to the month before today (no silent gap at the end)."""
    records = _records(demo_db)
    last_month = month_index(AS_OF) - 1
    checked = 0
    for holder, insurance, _scheme, status, since, until, total, h_status in _participations(
        demo_db
    ):
        first = month_index(day(since))  # type: ignore[arg-type]
        end_day = day(until)
        last = last_month if status == "active" else month_index(end_day)  # type: ignore[arg-type]
        own = records.get((holder, insurance), [])
        for start, months, _paid, _fen in own:
            assert first <= start and start + months - 1 <= last, (holder, insurance, start)
        if not own:
            continue
        unpaid = sum(m for _s, m, paid, _f in own if paid != "paid")
        latest = max(start + months - 1 for start, months, _p, _f in own)
        assert total == latest - first + 1 - unpaid, (holder, insurance, total)
        if status == "active" and h_status != "retired":
            assert latest == last_month, (holder, insurance, latest)
        checked += 1
    assert checked > 1000


def test_C4_employment_history_covers_exactly_the_insured_span(demo_db: DemoDb) -> None:
    """An employee's 工作经历 starts on 参保日期 and ends when his insurance ended (or is
    open while he works): no month insured without an employer, none employed uninsured."""
    spells: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for holder, started, ended in demo_db.rows(
        "SELECT holder_id, started_on, ended_on FROM employment_records ORDER BY started_on"
    ):
        spells[holder].append((day(started), day(ended)))
    checked = 0
    for holder, insurance, scheme, status, since, until, _t, h_status in _participations(demo_db):
        if scheme != "employee" or insurance != "unemployment" or holder not in spells:
            continue
        own = spells[holder]
        assert own[0][0] == day(since), (holder, own, since)
        for (_, ended), (started, _) in zip(own, own[1:], strict=False):
            assert ended is not None and started is not None
            assert (started - ended).days == 1, (holder, own)  # no gap, no overlap
        if status == "active":
            assert own[-1][1] is None and h_status == "employed", (holder, own)
        else:
            assert own[-1][1] == day(until), (holder, own, until)
        checked += 1
    assert checked > 500


def test_C4_the_pension_account_counts_the_participation_s_months(demo_db: DemoDb) -> None:
    rows = demo_db.rows(
        "SELECT a.holder_id, a.contribution_months, i.total_months FROM pension_accounts a "
        "JOIN insurance_participations i ON i.holder_id = a.holder_id "
        "AND i.insurance = 'pension'"
    )
    assert len(rows) > 1000
    for holder, account_months, total in rows:
        assert account_months == total, (holder, account_months, total)


# ---------------------------------------------------------------- 失业保险金 (Q4)


def _cap(months: int) -> int:
    """失业保险条例 §17: paid 1–5 years → at most 12 months, 5–10 → 18, 10 and more → 24;
    under a year (§14) → none."""
    if months < 12:
        return 0
    return 12 if months < 60 else 18 if months < 120 else 24


def test_Q4_unemployment_benefit_months_follow_the_contribution_years(demo_db: DemoDb) -> None:
    rows = demo_db.rows(
        "SELECT c.holder_id, c.entitlement_months, c.registered_on, i.total_months, i.until "
        "FROM unemployment_claims c JOIN insurance_participations i "
        "ON i.holder_id = c.holder_id AND i.insurance = 'unemployment'"
    )
    assert len(rows) >= 20
    for holder, entitlement, registered, months, until in rows:
        assert 0 < entitlement <= _cap(months), (holder, entitlement, months)
        # Registered unemployed after the insurance (and the job) ended.
        assert until is not None and day(registered) > day(until), (holder, registered, until)  # type: ignore[operator]


# ------------------------------------------------------ the pension account (Q4)


def test_Q4_pension_account_opened_on_the_participation_day_before_any_record(
    demo_db: DemoDb,
) -> None:
    records = _records(demo_db)
    rows = demo_db.rows(
        "SELECT a.holder_id, a.opened_on, i.since FROM pension_accounts a "
        "JOIN insurance_participations i ON i.holder_id = a.holder_id "
        "AND i.insurance = 'pension'"
    )
    for holder, opened, since in rows:
        assert day(opened) == day(since), (holder, opened, since)
        opened_month = month_index(day(opened))  # type: ignore[arg-type]
        for start, _m, _p, _f in records.get((holder, "pension"), []):
            assert start >= opened_month, (holder, opened, start)


#: The resident pension's yearly levels (档次) the demo uses, and the most a year's
#: government subsidy adds (¥ in fen): a balance beyond what the paid months can hold is
#: unrelated to the contributions.
RESIDENT_MAX_YEAR_FEN = 200_000 + 12_000


def test_Q4_pension_balance_follows_the_contributions(demo_db: DemoDb) -> None:
    records = _records(demo_db)
    rows = demo_db.rows(
        "SELECT a.holder_id, a.balance_fen, a.contribution_months, i.scheme "
        "FROM pension_accounts a JOIN insurance_participations i "
        "ON i.holder_id = a.holder_id AND i.insurance = 'pension'"
    )
    residents = 0
    for holder, balance, months, scheme in rows:
        own = records.get((holder, "pension"), [])
        paid = sum(f for _s, _m, status, f in own if status == "paid")
        assert balance >= paid, (holder, balance, paid)
        if scheme == "resident":
            residents += 1
            years = -(-months // 12)
            assert balance <= years * RESIDENT_MAX_YEAR_FEN, (holder, balance, months)
    assert residents > 100


# ------------------------------------------------ 工亡 survivors (工伤保险条例 §39)


def test_Q5_work_death_survivor_pensions_follow_the_rates(demo_db: DemoDb) -> None:
    """Spouse 40 % of the deceased's wage, every other dependant 30 % (an orphan +10 %): a
    spouse is paid more than a parent or child, at 4 : 3."""
    cases: dict[int, dict[str, int]] = defaultdict(dict)
    for case, relation, monthly in demo_db.rows(
        "SELECT death_case_id, relation, monthly_fen FROM survivor_benefits"
    ):
        cases[case][relation] = monthly
    assert cases
    for case, paid in cases.items():
        spouse = paid.get("spouse")
        for relation, monthly in paid.items():
            if spouse is not None and relation != "spouse":
                assert monthly * 4 == spouse * 3, (case, paid)
        # An orphan (no spouse survives) is paid 40 %, as much as a spouse would be.
        if spouse is None and "child" in paid and "parent" in paid:
            assert paid["child"] * 3 == paid["parent"] * 4, (case, paid)


def test_Q5_a_work_death_ends_the_insurance_and_the_job_at_that_employer(
    demo_db: DemoDb,
) -> None:
    """Nobody is insured or employed after his work death, and the 工亡 case names the
    employer he last worked for."""
    rows = demo_db.rows(
        "SELECT d.holder_id, d.death_date, d.employer_id, i.until, e.employer_id, e.ended_on "
        "FROM death_cases d JOIN insurance_participations i ON i.holder_id = d.holder_id "
        "AND i.insurance = 'work_injury' JOIN employment_records e ON e.holder_id = d.holder_id "
        "AND e.started_on = (SELECT MAX(started_on) FROM employment_records x "
        "WHERE x.holder_id = d.holder_id)"
    )
    assert rows
    for holder, died, employer, until, last_employer, left in rows:
        died_on = day(died)
        assert died_on is not None and until is not None
        assert month_index(day(until)) == month_index(died_on), (holder, died, until)  # type: ignore[arg-type]
        assert day(left) == day(until) and employer == last_employer, (holder, employer)
