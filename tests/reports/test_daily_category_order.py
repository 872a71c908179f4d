"""业务日报's 查询记录 lines come in the fixed order of RULES Q2's categories (卡基本信息,
公共数据, 就业与失业, 社会保险, 医疗保险, 低保和优抚, 生命与健康数据), then the other look-ups,
the same order every day — before they came in the order of the stored English names
(医疗保险 before 社会保险), on the screen, in the PDF and in the CSV alike."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine

from reports import actions
from reports.csv_out import render_csv
from reports.daily_rows import DailyReport
from reports.runner import DailyRequest, build, read_only_connection
from tests.reports.seed import DAY, NOW, Seeded

#: RULES Q2, as written there.
Q2 = (
    "卡基本信息",
    "公共数据",
    "就业与失业",
    "社会保险",
    "医疗保险",
    "低保和优抚",
    "生命与健康数据",
)


def _daily(engine: Engine) -> DailyReport:
    with read_only_connection(engine) as conn:
        report = build(conn, DailyRequest(DAY), now=NOW)
    assert isinstance(report, DailyReport)
    return report


def _in_q2_order(labels: list[str]) -> None:
    q2 = [label for label in labels if label in Q2]
    assert q2 == sorted(q2, key=Q2.index), labels
    # Q2's categories first, the other look-ups after them.
    assert labels[: len(q2)] == q2, labels


def test_Q2_daily_report_lists_query_categories_in_Q2_order(engine: Engine, seeded: Seeded) -> None:
    report = _daily(engine)
    views = [op for op in report.operations if op.action == actions.RECORD_VIEW]
    labels = [actions.category_label(op.category) if op.category else "" for op in views]
    # The seeded day has 社会保险 and 医疗保险, whose stored names sort the other way.
    assert "社会保险" in labels and "医疗保险" in labels and "卡状态与历史" in labels, labels
    _in_q2_order(labels)
    assert labels.index("社会保险") < labels.index("医疗保险") < labels.index("卡状态与历史")
    # The CSV (and the PDF, drawn from the same rows) keeps the order.
    rows = list(csv.reader(io.StringIO(render_csv(report).decode("utf-8-sig"))))
    in_csv = [r[2] for r in rows if r[:2] == ["业务量", "查询记录"] and r[3] == "合计"]
    assert in_csv == labels


def test_Q2_category_order_is_fixed_for_any_set_of_categories() -> None:
    """Unknown categories after the known ones, 未分类 (none) last."""
    names = ["overview", "zzz_new", "medical", None, "public", "pension", "card_basic"]
    ordered = sorted(names, key=actions.category_sort_key)
    assert ordered == ["card_basic", "public", "medical", "pension", "overview", "zzz_new", None]
    assert [actions.category_label(c) for c in ordered[:3]] == [
        "卡基本信息",
        "公共数据",
        "医疗保险",
    ]
