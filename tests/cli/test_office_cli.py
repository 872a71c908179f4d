"""``counter-admin office``: a fresh database gets its offices (RULES S1–S2) and then its
first staff account (S3), each office audited; every field is checked first, in Chinese,
and a refused command writes nothing. Both back ends (``migrated_url``: an empty database
at head)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from counter_app import db
from counter_app.cli.main import main
from counter_app.models import Office
from counter_app.models.audit import AuditEvent


def _offices(url: str) -> list[tuple[str, str, str, str | None]]:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Office.code, Office.name, Office.kind, Office.district_code).order_by(
                    Office.code
                )
            ).all()
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def _events(url: str, action: str) -> list[tuple[str | None, dict[str, object] | None]]:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AuditEvent.workstation, AuditEvent.details)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.seq)
            ).all()
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def test_S2_a_fresh_database_gets_an_office_then_its_first_admin(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _offices(migrated_url) == []
    assert main(["office", "list", "--db", migrated_url]) == 0
    assert "无记录" in capsys.readouterr().out
    # Without an office, the first account cannot be made (what a new city met).
    add_admin = [
        "staff", "--db", migrated_url, "add", "KZX500000-05",
        "--name", "系统管理员", "--office", "500000-KZX", "--role", "admin",
    ]  # fmt: skip
    assert main(add_admin) == 1
    assert "尚未登记任何机构" in capsys.readouterr().err  # not "核对机构代码": it was right

    code = main(
        ["office", "add", "500000-KZX", "--name", "重庆市社会保障卡服务中心",
         "--kind", "card_center", "--db", migrated_url]
    )  # fmt: skip
    assert code == 0
    assert "已新增机构 500000-KZX" in capsys.readouterr().out
    assert _offices(migrated_url) == [
        ("500000-KZX", "重庆市社会保障卡服务中心", "card_center", None)
    ]
    assert _events(migrated_url, "office.add") == [
        ("cli", {"office_code": "500000-KZX", "kind": "card_center", "district_code": None})
    ]

    assert main(add_admin) == 0
    assert "初始密码" in capsys.readouterr().out
    assert main(["office", "list", "--db", migrated_url]) == 0
    listed = capsys.readouterr().out
    assert (
        "500000-KZX\t重庆市社会保障卡服务中心\t社会保障卡服务中心\t全市\t启用\t工作人员 1 人"
        in listed
    )


def test_S2_a_district_office_names_its_district(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["office", "add", "500103-ck01", "--name", " 渝中区社会保险经办窗口 ",
         "--kind", "service_window", "--district", "500103", "--phone", "023-12333",
         "--address", "重庆市渝中区中山三路", "--db", migrated_url]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "（经办机构窗口，渝中区）" in capsys.readouterr().out
    assert _offices(migrated_url) == [
        ("500103-CK01", "渝中区社会保险经办窗口", "service_window", "500103")
    ]


REFUSED = [
    # (code, kind, district, name, what the message says)
    ("500103-YB", "boss", "500103", "某机构", "机构类型只能是"),
    ("500103-YB", "district_subcenter", None, "渝中区医疗保险分中心", "须填写所属区县代码"),
    ("500999-YB", "district_subcenter", "500999", "某分中心", "不是重庆市现行的区县代码"),
    ("500000-KZX", "card_center", "500103", "卡服务中心", "不填区县代码"),
    ("500103-CK01", "district_subcenter", "500103", "渝中区医疗保险分中心", "应为 500103-YB"),
    ("500104-YB", "district_subcenter", "500103", "渝中区医疗保险分中心", "应为 500103-YB"),
    ("500103-CK1", "service_window", "500103", "渝中区窗口", "CK 后为两位序号"),
    ("500103-YB", "district_subcenter", "500103", "", "未填写「机构名称」"),
    ("500103-YB", "district_subcenter", "500103", "渝中\x1b[31m", "第3个字符不能填写"),
    ("500103-YB", "district_subcenter", "500103", "名" * 31, "最多30个字"),
    ("500103-\u202eYB", "district_subcenter", "500103", "渝中区医疗保险分中心", "机构代码"),
]


@pytest.mark.parametrize(("code", "kind", "district", "name", "says"), REFUSED)
def test_S2_an_office_that_cannot_be_is_refused_in_chinese_and_nothing_written(
    migrated_url: str,
    capsys: pytest.CaptureFixture[str],
    code: str,
    kind: str,
    district: str | None,
    name: str,
    says: str,
) -> None:
    argv = ["office", "add", code, "--name", name, "--kind", kind, "--db", migrated_url]
    if district is not None:
        argv += ["--district", district]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("错误: ") and says in err, err
    assert "\x1b" not in err and "Traceback" not in err
    assert _offices(migrated_url) == []
    assert _events(migrated_url, "office.add") == []


def test_S2_an_office_code_is_registered_once(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["office", "add", "500103-YB", "--name", "渝中区医疗保险分中心",
            "--kind", "district_subcenter", "--district", "500103",
            "--db", migrated_url]  # fmt: skip
    assert main(argv) == 0
    capsys.readouterr()
    argv[4] = "另一个名称"
    assert main(argv) == 1
    assert "500103-YB 已登记" in capsys.readouterr().err
    assert [o[1] for o in _offices(migrated_url)] == ["渝中区医疗保险分中心"]
    assert len(_events(migrated_url, "office.add")) == 1


def test_S2_import_writes_every_office_or_none(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "code,name,kind,district,address,phone\n"
    good = (
        "500000-KZX,重庆市社会保障卡服务中心,card_center,,重庆市渝中区中山三路,023-12333\n"
        "500105-YB,江北区医疗保险分中心,district_subcenter,500105,,\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(header + good + "500105-CK01,江北区窗口,service_window,500106,,\n", "utf-8")
    assert main(["office", "import", str(bad), "--db", migrated_url]) == 2
    err = capsys.readouterr().err
    assert "第 4 行" in err and "500106-CK01" in err, err
    assert _offices(migrated_url) == []

    twice = tmp_path / "twice.csv"
    twice.write_text(header + good + good, "utf-8")
    assert main(["office", "import", str(twice), "--db", migrated_url]) == 1
    assert "出现了不止一次" in capsys.readouterr().err
    assert _offices(migrated_url) == []

    ok = tmp_path / "offices.csv"
    ok.write_text("\ufeff" + header + good + "\n", "utf-8")  # as Excel saves it: a BOM
    assert main(["office", "import", str(ok), "--db", migrated_url]) == 0
    assert "共新增 2 个机构" in capsys.readouterr().out
    assert [o[0] for o in _offices(migrated_url)] == ["500000-KZX", "500105-YB"]
    assert len(_events(migrated_url, "office.add")) == 2

    assert main(["office", "import", str(tmp_path / "none.csv"), "--db", migrated_url]) == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_office_commands_need_a_database_named(capsys: pytest.CaptureFixture[str]) -> None:
    # No --db, no COUNTER_DB_URL, no db_url in the settings file (tests/conftest.py).
    assert main(["office", "list"]) == 2
    assert "未设置数据库" in capsys.readouterr().err
    assert not (Path(os.environ["XDG_DATA_HOME"]) / "counter-app").exists()  # no stray SQLite
