"""The daily report's CSV says what its PDF says of the audit chain: a day without its
seal reads 缺失 (该日未写入日终封存…) and a day without events 无 in both — the CSV had
empty cells there, which a spreadsheet reader takes for "not applicable" (new clerk's
trial). On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import Engine

from reports.csv_out import render_csv
from reports.daily_rows import DailyReport
from reports.pdf import render_pdf
from reports.runner import DailyRequest, build, read_only_connection
from reports.timeframe import SHANGHAI
from tests.reports.seed import DAY, NOW, Seeded


def _report(engine: Engine, **chain: Any) -> DailyReport:
    with read_only_connection(engine) as conn:
        report = build(conn, DailyRequest(DAY), now=NOW)
    assert isinstance(report, DailyReport)
    # Generated a month later: the seal can no longer be on its way.
    later = dt.datetime.combine(DAY + dt.timedelta(days=30), dt.time(9), SHANGHAI)
    head = dataclasses.replace(report.chain, **chain)
    return dataclasses.replace(report, chain=head, generated_at=later.astimezone(dt.UTC))


def _csv_cells(report: DailyReport) -> dict[tuple[str, str], str]:
    """(项目, 指标) -> 数值 of the CSV's 审计链 lines."""
    rows = csv.reader(io.StringIO(render_csv(report).decode("utf-8-sig")))
    return {(r[1], r[3]): r[4] for r in rows if r and r[0] == "审计链"}


def _pdf_text(report: DailyReport) -> str:
    pages = PdfReader(io.BytesIO(render_pdf(report))).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def test_csv_says_the_missing_seal_and_no_event_as_the_pdf_does(
    engine: Engine, seeded: Seeded
) -> None:
    report = _report(
        engine, checkpoint_seq=None, checkpoint_hash=None, last_seq=None, last_hash=None
    )
    facts = dict(report.rendered().facts)
    seal, last = facts["审计日终封存"], facts["当日最后审计事件"]
    assert seal.startswith("缺失") and last == "无"
    pdf = _pdf_text(report)
    assert "缺失" in pdf and "该日未写入日终封存" in pdf
    cells = _csv_cells(report)
    assert cells[("审计日终封存", "封存编号")] == seal
    assert cells[("审计日终封存", "哈希")] == seal
    assert cells[("当日最后事件", "序号")] == last
    assert cells[("当日最后事件", "哈希")] == last
    assert all(value for value in cells.values())  # no empty cell in the chain's lines


def test_csv_keeps_the_numbers_of_a_sealed_day(engine: Engine, seeded: Seeded) -> None:
    assert seeded.checkpoint is not None
    report = _report(engine)
    seal_id, seal_hash = seeded.checkpoint
    cells = _csv_cells(report)
    assert cells[("审计日终封存", "封存编号")] == str(seal_id)
    assert cells[("审计日终封存", "哈希")] == seal_hash
    assert cells[("当日最后事件", "序号")] == str(report.chain.last_seq)
    assert cells[("当日最后事件", "哈希")] == report.chain.last_hash
