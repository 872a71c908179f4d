"""保存为 CSV of a report (RULES S3): the dialog opens in the user's documents folder (not
the program's folder, where a trial found it on the source tree), suggests a name with the
report's day and scope (业务日报-2026-12-08-500103.csv: each day's file no longer replaces
the one before), and every label of it is Chinese ("Look in:" / "Files of type:" were
English: Qt's own catalogue lacks them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtWidgets import QFileDialog

from counter_app.ui.printing import documents_folder
from counter_app.ui.supervisor import csv_file_name, csv_save_dialog
from reports.runner import AccessRequest, DailyRequest, LapsingRequest, StaffRequest
from tests.gui.test_supervisor import counter, demo_url  # noqa: F401 - fixtures by name

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 12, 8)


def test_S3_csv_names_say_the_report_its_days_and_its_scope() -> None:
    day = dt.date(2026, 12, 7)
    assert csv_file_name("业务日报", DailyRequest(day, "500103"), TODAY) == (
        "业务日报-2026-12-07-500103.csv"
    )
    city = csv_file_name("业务日报", DailyRequest(day, None), TODAY)
    assert city == "业务日报-2026-12-07-全市.csv"
    staff = StaffRequest(dt.date(2026, 12, 1), day, "500103")
    assert csv_file_name("工作人员操作情况", staff, TODAY) == (
        "工作人员操作情况-2026-12-01至2026-12-07-500103.csv"
    )
    assert csv_file_name("即将失效的电话挂失", LapsingRequest(3, None), TODAY) == (
        "即将失效的电话挂失-2026-12-08-全市.csv"
    )
    ssn = "500103196803150310"
    named = csv_file_name("参保人信息查询记录", AccessRequest(ssn), TODAY)
    assert named == "参保人信息查询记录-2026-12-08.csv" and ssn not in named


def test_S3_csv_dialog_opens_in_documents_with_chinese_labels(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the program's folder
    dialog = csv_save_dialog(None, "业务日报-2026-12-07-500103.csv")
    qtbot.addWidget(dialog)
    assert Path(dialog.directory().absolutePath()).resolve() == Path(documents_folder()).resolve()
    assert Path(dialog.directory().absolutePath()).resolve() != tmp_path.resolve()
    assert dialog.windowTitle() == "保存为 CSV"
    assert dialog.nameFilters() == ["CSV (*.csv)"] and dialog.defaultSuffix() == "csv"
    assert dialog.acceptMode() is QFileDialog.AcceptMode.AcceptSave
    chosen = dialog.selectedFiles()
    assert chosen and Path(chosen[0]).name == "业务日报-2026-12-07-500103.csv"
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == "查找范围："
    assert dialog.labelText(QFileDialog.DialogLabel.FileType) == "文件类型："


def test_S3_daily_csv_is_offered_under_its_day_and_office(
    qtbot: Any,
    counter: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    win = counter("YB500103-03")
    dialog = win.reports_menu.open_report("daily")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(1)  # CSV
    dialog.day.setDate(dialog.day.date().addDays(-1))
    day = dialog.day.value()
    offered: list[str] = []

    def choose(name: str) -> str:
        offered.append(name)
        return str(tmp_path / name)

    dialog.choose_csv_path = choose
    dialog.start()
    assert offered == [f"业务日报-{day.isoformat()}-{win.actor.office_code}.csv"]
    assert dialog.saved_to == str(tmp_path / offered[0])
