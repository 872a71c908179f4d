"""Reports against one seeded day, on SQLite and PostgreSQL: every figure equals a count
computed here, in Python, from the rows the seed wrote (RULES S3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, text

from reports import actions
from reports.csv_out import render_csv
from reports.daily_rows import DailyReport
from reports.pdf import render_pdf
from reports.runner import (
    AccessRequest,
    DailyRequest,
    LapsingRequest,
    StaffRequest,
    build,
    produce,
    read_only_connection,
)
from tests.reports.seed import DAY, DAY_END, DAY_START, NOW, STAFF, Ev, Seeded

OFFICE_A = "500103-YB"


def percentile_cont(values: list[float], p: float) -> float | None:
    """The textbook definition (PostgreSQL's percentile_cont), independent of reports/."""
    if not values:
        return None
    ordered = sorted(values)
    pos = p * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo])


def expected_key(e: Ev) -> tuple[str, str | None]:
    base = e.action.removesuffix(".refused")
    key = {"view_records": "record.view"}.get(base, base)
    if key == "loss.written" and e.details and e.details["confirmed_phone_report"]:
        key = "loss.phone_confirmed"
    return key, (e.category if key == "record.view" else None)


def day_events(
    seeded: Seeded, office_id: int | None = None, staff_id: int | None = None
) -> list[Ev]:
    return [
        e
        for e in seeded.events
        if seeded.in_day(e.at)
        and (office_id is None or e.office_id == office_id)
        and (staff_id is None or e.staff_id == staff_id)
    ]


def daily(engine: Engine, **kw: str) -> DailyReport:
    with read_only_connection(engine) as conn:
        report = build(conn, DailyRequest(DAY, **kw), now=NOW)
    assert isinstance(report, DailyReport)
    return report


@pytest.mark.parametrize("scope", [{}, {"office_code": OFFICE_A}, {"staff_no": "YB500104-01"}])
def test_daily_operations_match_audit_trail(
    engine: Engine, seeded: Seeded, scope: dict[str, str]
) -> None:
    office_id = 1 if "office_code" in scope else None
    staff_id = 3 if "staff_no" in scope else None
    report = daily(engine, **scope)
    evs = day_events(seeded, office_id, staff_id)
    assert evs, "the seed must put events in scope"
    want: Counter[tuple[str, str | None, str]] = Counter((*expected_key(e), e.outcome) for e in evs)
    got: Counter[tuple[str, str | None, str]] = Counter()
    for op in report.operations:
        for outcome in ("success", "refused", "failed"):
            if getattr(op, outcome):
                got[(op.action, op.category, outcome)] += getattr(op, outcome)
    # Opening a holder's records is listed, with its refusals (RULES Q7: an ID document
    # that is not the holder's); a session's end is bookkeeping.
    bookkeeping = {"session.end"}
    assert got == Counter({k: v for k, v in want.items() if k[0] not in bookkeeping})
    # every operation listed, in order, even when zero
    keys = [op.action for op in report.operations]
    assert [k for k in dict.fromkeys(keys) if k in {o.key for o in actions.OPERATIONS}] == [
        o.key for o in actions.OPERATIONS
    ]


def test_daily_refusals_hours_staff_offices(engine: Engine, seeded: Seeded) -> None:
    report = daily(engine)
    evs = day_events(seeded)
    refusals = Counter((e.action, e.reason) for e in evs if e.outcome == "refused")
    assert {(r.action, r.reason): r.count for r in report.refusals} == dict(refusals)
    assert sum(r.count for r in report.refusals) == 9

    op_names = set(actions.OPERATION_ACTIONS_ALL)
    hours = Counter(
        (e.at - DAY_START) // dt.timedelta(hours=1) for e in evs if e.action in op_names
    )
    assert report.hourly == tuple(hours.get(h, 0) for h in range(24))
    assert report.hourly[0] >= 1  # the event exactly at midnight counts

    success_ops = set(actions.OPERATION_ACTIONS)
    for actor in report.by_staff:
        sid = next((s[0] for s in STAFF if s[1] == actor.code), None)
        mine = [e for e in evs if e.staff_id == sid]
        assert actor.events == len(mine)
        assert actor.operations == sum(
            e.action in success_ops and e.outcome == "success" for e in mine
        )
        assert actor.record_views == sum(
            e.action == "record.view" and e.outcome == "success" for e in mine
        )
        assert actor.refused == sum(e.outcome == "refused" for e in mine)
    assert sum(a.events for a in report.by_office) == len(evs)
    no_office = next(a for a in report.by_office if a.code == "(无机构)")
    assert no_office.events == sum(e.office_id is None for e in evs)


@pytest.mark.parametrize("office", [None, OFFICE_A])
def test_daily_service_times_are_percentiles(
    engine: Engine, seeded: Seeded, office: str | None
) -> None:
    report = daily(engine, **({"office_code": office} if office else {}))
    durations = [
        (c - o).total_seconds()
        for _s, off, o, c in seeded.sessions
        if c is not None and DAY_START <= c < DAY_END and (office is None or off == 1)
    ]
    assert report.service.sessions == len(durations)
    assert report.service.median_s == pytest.approx(percentile_cont(durations, 0.5), abs=0.01)
    assert report.service.p90_s == pytest.approx(percentile_cont(durations, 0.9), abs=0.01)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_percentiles_equal_postgres_percentile_cont(engine: Engine, seeded: Seeded) -> None:
    report = daily(engine)
    with engine.connect() as conn:
        median, p90 = conn.execute(
            text(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s), "
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY s) FROM (SELECT EXTRACT(EPOCH FROM "
                "closed_at - opened_at) AS s FROM holder_sessions WHERE closed_at >= :a AND "
                "closed_at < :b) x"
            ),
            {"a": DAY_START, "b": DAY_END},
        ).one()
    assert report.service.median_s == pytest.approx(float(median), abs=0.001)
    assert report.service.p90_s == pytest.approx(float(p90), abs=0.001)


def test_daily_forms_serials_gaps_reprints(engine: Engine, seeded: Seeded) -> None:
    report = daily(engine)
    today = [f for f in seeded.forms if DAY_START <= f["issued_at"] < DAY_END]
    reprinted = [
        f
        for f in seeded.forms
        if f["reprint_count"] > 0 and DAY_START <= f["last_printed_at"] < DAY_END
    ]
    assert {k.kind: k.issued for k in report.form_kinds if k.issued} == dict(
        Counter(f["kind"] for f in today)
    )
    assert {k.kind: k.reprinted for k in report.form_kinds if k.reprinted} == dict(
        Counter(f["kind"] for f in reprinted)
    )
    assert sorted(r.serial for r in report.reprints) == sorted(f["serial"] for f in reprinted)
    ranges = {
        (s.office_code, s.first_serial, s.last_serial, s.issued) for s in report.serial_ranges
    }
    assert ("500103-YB", "500103-YB-2025-000006", "500103-YB-2025-000012", 5) in ranges
    assert ("500104-YB", "500104-YB-2025-000001", "500104-YB-2025-000003", 3) in ranges
    gaps = {(g.office_code, g.after + 1, g.before - 1) for g in report.serial_gaps}
    assert gaps == {("500103-YB", 8, 8), ("500103-YB", 11, 11), ("500000-KZX", 3, 3)}


def test_daily_prints_the_chain_checkpoint(engine: Engine, seeded: Seeded) -> None:
    report = daily(engine)
    assert seeded.checkpoint is not None
    assert (report.chain.checkpoint_seq, report.chain.checkpoint_hash) == seeded.checkpoint
    assert report.chain.last_seq == sum(1 for e in seeded.events if e.at < DAY_END)
    pdf = render_pdf(report)
    # A labelled prefix of the seal's hash (the CSV carries all of it).
    assert f"(前 12 位) {seeded.checkpoint[1][:12]}" in pdf_text(pdf)


def test_lapsing_report(engine: Engine, seeded: Seeded) -> None:
    with read_only_connection(engine) as conn:
        report = build(conn, LapsingRequest(days=2), now=NOW)
    horizon = NOW + dt.timedelta(days=2)
    # RULES L2: about to lapse = deadline still ahead (the past-deadline ones have lapsed).
    want = sorted(
        (r["deadline_at"], r["holder_id"])
        for r in seeded.loss
        if r["state"] == "open" and NOW < r["deadline_at"] <= horizon
    )
    assert [(r.deadline_at, r.holder_name) for r in report.rows] == [  # type: ignore[attr-defined]
        (d, f"参保人{h:02d}") for d, h in want
    ]
    by_district = Counter(seeded.holders[h - 1]["household_district"] for _d, h in want)
    assert {d.district_code: d.reports for d in report.districts} == dict(  # type: ignore[attr-defined]
        by_district
    )
    for row in report.rows:  # type: ignore[attr-defined]
        assert "*" in row.masked_ssn and "****" in row.masked_phone
    with read_only_connection(engine) as conn:
        narrow = build(conn, LapsingRequest(days=2, office_code="500104-YB"), now=NOW)
    assert {r.district_code for r in narrow.rows} <= {"500104"}  # type: ignore[attr-defined]
    assert len(narrow.rows) == by_district["500104"]  # type: ignore[attr-defined]


def test_access_log_lists_every_event_of_the_holder(engine: Engine, seeded: Seeded) -> None:
    ssn = seeded.holders[0]["ssn"]
    with read_only_connection(engine) as conn:
        report = build(conn, AccessRequest(ssn), now=NOW)
    mine = [e for e in seeded.events if e.holder_id == 1]
    assert [(r.at, r.action, r.category, r.reason) for r in report.rows] == [  # type: ignore[attr-defined]
        (e.at, e.action, e.category, e.reason) for e in mine
    ]
    csv_rows = read_csv(render_csv(report))
    assert len(csv_rows) == len(mine)
    with read_only_connection(engine) as conn:
        one_day = build(conn, AccessRequest(ssn, DAY, DAY), now=NOW)
    assert len(one_day.rows) == sum(seeded.in_day(e.at) for e in mine)  # type: ignore[attr-defined]
    text_ = pdf_text(render_pdf(report))
    assert ssn not in text_ and ssn[:3] + "*" * 11 + ssn[-4:] in text_


def test_staff_activity(engine: Engine, seeded: Seeded) -> None:
    with read_only_connection(engine) as conn:
        report = build(conn, StaffRequest(DAY, DAY), now=NOW)
    evs = day_events(seeded)
    logins = [x for x in seeded.logins if DAY_START <= x[0] < DAY_END]
    for s in report.summary:  # type: ignore[attr-defined]
        sid = next(x[0] for x in STAFF if x[1] == s.staff_no)
        assert s.events == sum(e.staff_id == sid for e in evs)
        assert s.refused == sum(e.staff_id == sid and e.outcome == "refused" for e in evs)
        assert s.failed_logins == sum(x[1] == sid and x[3] != "success" for x in logins)
        assert s.logins == sum(x[1] == sid and x[3] == "success" for x in logins)
    assert len(report.failed_logins) == sum(x[3] != "success" for x in logins)  # type: ignore[attr-defined]
    assert len(report.refusals) == sum(  # type: ignore[attr-defined]
        e.outcome == "refused" and e.staff_id is not None for e in evs
    )
    rows = read_csv(render_csv(report))
    assert len(rows) == sum(e.staff_id is not None for e in evs) + len(logins)
    with read_only_connection(engine) as conn:
        office = build(conn, StaffRequest(DAY, DAY, office_code=OFFICE_A), now=NOW)
    assert {s.staff_no for s in office.summary} == {"YB500103-01", "YB500103-02"}  # type: ignore[attr-defined]


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with the UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    "request_",
    [
        DailyRequest(DAY),
        DailyRequest(DAY, office_code=OFFICE_A),
        LapsingRequest(3),
        StaffRequest(DAY, DAY),
    ],
    ids=["daily", "daily-office", "lapsing", "staff"],
)
def test_csv_has_bom_and_columns(engine: Engine, seeded: Seeded, request_: object) -> None:
    data = produce(engine, request_, "csv", now=NOW)  # type: ignore[arg-type]
    with read_only_connection(engine) as conn:
        columns = list(build(conn, request_, now=NOW).csv_columns())  # type: ignore[arg-type]
    rows = read_csv(data)
    assert list(rows[0].keys()) == columns
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(columns)


def test_daily_csv_figures(engine: Engine, seeded: Seeded) -> None:
    rows = read_csv(produce(engine, DailyRequest(DAY), "csv", now=NOW))
    assert list(rows[0]) == ["区块", "项目", "明细", "指标", "数值"]
    evs = day_events(seeded)
    medical = sum(
        e.action == "record.view" and e.category == "medical" and e.outcome == "success"
        for e in evs
    )
    got = next(
        r["数值"]
        for r in rows
        if r["区块"] == "业务量" and r["明细"] == "医疗保险" and r["指标"] == "成功"
    )
    assert int(got) == medical


def test_daily_pdf_text_has_the_figures(engine: Engine, seeded: Seeded) -> None:
    progress: list[tuple[int, int, str]] = []
    pdf = produce(
        engine,
        DailyRequest(DAY, office_code=OFFICE_A),
        "pdf",
        now=NOW,
        progress=lambda d, t, m: progress.append((d, t, m)),
    )
    text_ = pdf_text(pdf)
    report = daily(engine, office_code=OFFICE_A)
    assert "社会保障卡业务日报 2025-03-04" in text_
    assert "渝中区医疗保险分中心" in text_
    assert "500103-YB-2025-000006" in text_ and "000008" in text_
    views = sum(op.success for op in report.operations if op.action == "record.view")
    staff_line = next(line for line in text_.splitlines() if line.startswith("YB500103-01"))
    mine = day_events(seeded, staff_id=1)
    assert str(len(mine)) in staff_line.split()
    assert views > 0
    assert progress[-1][0] == progress[-1][1] and len(progress) >= 5
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)


def test_unknown_codes_are_report_errors(engine: Engine, seeded: Seeded) -> None:
    from reports.model import ReportError

    with pytest.raises(ReportError, match="500199-YB"):
        produce(engine, DailyRequest(DAY, office_code="500199-YB"), "pdf")
    with pytest.raises(ReportError, match=r"\*"):
        produce(engine, AccessRequest("500103199001011234"), "csv")


def test_cli_writes_every_report(
    report_url: str,
    engine: Engine,
    seeded: Seeded,
    tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pathlib import Path

    from counter_app.cli.main import main

    out = Path(str(tmp_path))
    runs = [
        ["daily", "--date", DAY.isoformat(), "--office", OFFICE_A, "--out", str(out / "d.pdf")],
        ["daily", "--date", DAY.isoformat(), "--format", "csv", "--out", str(out / "d.txt")],
        ["lapsing", "--days", "3", "--out", str(out / "l.csv")],
        [
            "access",
            "--ssn",
            seeded.holders[0]["ssn"],
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--out",
            str(out / "a.pdf"),
        ],
        [
            "staff",
            "--from",
            "2025-03-04",
            "--to",
            "2025-03-04",
            "--staff",
            "YB500103-01",
            "--out",
            str(out / "s.csv"),
        ],
    ]
    for args in runs:
        assert main(["report", *args, "--db", report_url]) == 0, args
    assert (out / "d.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "d.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (
        main(
            ["report", "daily", "--office", "nope", "--out", str(out / "x.pdf"), "--db", report_url]
        )
        == 1
    )
    assert "nope" in capsys.readouterr().err


def test_reports_import_no_qt_nor_services() -> None:
    import subprocess
    import sys

    code = (
        "import sys, reports.runner, reports.pdf, reports.csv_out; "
        "bad = [m for m in sys.modules if m.startswith(('PyQt6', 'counter_app.ui', "
        "'counter_app.services'))]; print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
