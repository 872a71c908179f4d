"""``counter-admin staff`` (RULES S3): answers that say what was done — an unknown office,
an account already disabled or never locked —, enable, move and rename audited like the
other account changes, a staff number naming another district refused at ``add``, and
``--db`` before or after the action."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from counter_app import db
from counter_app.cli.main import main
from counter_app.models import Office, Staff
from counter_app.models.audit import AuditEvent


def _run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["staff", *argv, "--db", url])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "\x1b" not in out + err
    return code, out, err


def _scalar(url: str, query: Any) -> Any:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar()
    finally:
        engine.dispose()


def _events(url: str, action: str, outcome: str = "success") -> int:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AuditEvent.seq).where(
                    AuditEvent.action == action, AuditEvent.outcome == outcome
                )
            )
            return len(rows.all())
    finally:
        engine.dispose()


def _office_of(url: str, staff_no: str) -> str:
    query = (
        select(Office.code)
        .join(Staff, Staff.office_id == Office.id)
        .where(Staff.staff_no == staff_no)
    )
    return str(_scalar(url, query))


def test_db_may_stand_before_or_after_the_action(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["staff", "list", "--db", sqlite_demo_url, "--office", "500103-YB"]) == 0
    after = capsys.readouterr().out
    assert main(["staff", "--db", sqlite_demo_url, "list", "--office", "500103-YB"]) == 0
    assert capsys.readouterr().out == after and "YB500103-01" in after


def test_staff_list_of_an_unknown_office_says_so(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, sqlite_demo_url, "list", "--office", "999999-XX")
    assert code == 1 and out == ""
    assert "没有编码为 999999-XX 的经办机构" in err
    code, out, err = _run(capsys, sqlite_demo_url, "list", "--office", "")
    assert code == 2 and "未填写「机构代码」" in err and out == ""
    code, out, err = _run(capsys, sqlite_demo_url, "list", "--office", "500103-YB\x1b[2J")
    assert code == 2 and "第10个字符不能填写" in err


def test_staff_list_of_an_office_without_accounts_reads_no_records(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = db.create_engine_for(sqlite_demo_url)
    try:
        with db.session_factory(engine)() as session:
            session.add(
                Office(
                    code="500103-CK02",
                    name="渝中区第二经办窗口",
                    kind="service_window",
                    district_code="500103",
                )
            )
            session.commit()
    finally:
        engine.dispose()
    code, out, _ = _run(capsys, sqlite_demo_url, "list", "--office", "500103-CK02")
    assert code == 0 and out == "无记录\n"


def test_S3_disable_twice_and_unlock_unlocked_say_nothing_was_done(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, sqlite_demo_url, "disable", "YB500103-02")
    assert code == 0 and "已停用 YB500103-02" in out
    code, out, _ = _run(capsys, sqlite_demo_url, "disable", "YB500103-02")
    assert code == 0 and "YB500103-02 已是停用状态，未作改动" in out
    assert _events(sqlite_demo_url, "staff.disable") == 1
    code, out, _ = _run(capsys, sqlite_demo_url, "unlock", "YB500103-01")
    assert code == 0 and "YB500103-01 未被锁定，未作改动" in out
    assert _events(sqlite_demo_url, "staff.unlock") == 0


def test_S3_enable_undoes_a_disable(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, sqlite_demo_url, "disable", "YB500103-02")
    code, out, _ = _run(capsys, sqlite_demo_url, "enable", "YB500103-02")
    assert code == 0 and "已重新启用 YB500103-02" in out
    assert _scalar(sqlite_demo_url, select(Staff.active).where(Staff.staff_no == "YB500103-02"))
    code, out, _ = _run(capsys, sqlite_demo_url, "enable", "YB500103-02")
    assert code == 0 and "未被停用，未作改动" in out
    assert _events(sqlite_demo_url, "staff.enable") == 1


def test_S3_a_staff_number_of_another_district_is_refused_at_add(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["add", "YB500105-07", "--name", "新经办", "--office", "500103-YB"]
    code, _, err = _run(capsys, sqlite_demo_url, *argv, "--role", "subcenter_staff")
    assert code == 1 and "区县代码 500105 与机构 500103-YB" in err
    assert _scalar(sqlite_demo_url, select(Staff.id).where(Staff.staff_no == "YB500105-07")) is None
    argv = ["add", "YB500103-07", "--name", "新经办", "--office", "500103-YB"]
    code, out, _ = _run(capsys, sqlite_demo_url, *argv, "--role", "subcenter_staff")
    assert code == 0 and "已新增 YB500103-07" in out


def test_S3_move_an_account_to_another_office(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A supervisor may work at any kind of office: within the district, then across.
    code, out, _ = _run(capsys, sqlite_demo_url, "move", "YB500103-03", "--office", "500103-CK01")
    assert code == 0 and "已将 YB500103-03 从 500103-YB 调到 500103-CK01" in out
    assert "注意" not in out and _office_of(sqlite_demo_url, "YB500103-03") == "500103-CK01"
    code, out, _ = _run(capsys, sqlite_demo_url, "move", "YB500105-03", "--office", "500103-YB")
    assert code == 0 and "区县代码 500105 与新机构不同" in out
    assert _office_of(sqlite_demo_url, "YB500105-03") == "500103-YB"
    assert _events(sqlite_demo_url, "staff.move") == 2
    code, out, _ = _run(capsys, sqlite_demo_url, "move", "YB500105-03", "--office", "500103-YB")
    assert code == 0 and "已属于 500103-YB，未作改动" in out
    assert _events(sqlite_demo_url, "staff.move") == 2


def test_S3_move_is_refused_to_an_office_the_role_does_not_belong_to(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, sqlite_demo_url, "move", "CK500103-01", "--office", "500103-YB")
    assert code == 1 and "岗位不属于此类机构" in err
    assert _office_of(sqlite_demo_url, "CK500103-01") == "500103-CK01"
    assert _events(sqlite_demo_url, "staff.move.refused", "refused") == 1
    code, _, err = _run(capsys, sqlite_demo_url, "move", "CK500103-01", "--office", "999999-XX")
    assert code == 1 and "没有该机构代码" in err


def test_S3_rename_corrects_the_name(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, sqlite_demo_url, "rename", "YB500103-01", "--name", "王芳")
    assert code == 0 and "已将 YB500103-01 的姓名改为 王芳" in out
    code, out, _ = _run(capsys, sqlite_demo_url, "rename", "YB500103-01", "--name", "王芳")
    assert code == 0 and "未作改动" in out
    assert _events(sqlite_demo_url, "staff.rename") == 1
    code, _, err = _run(capsys, sqlite_demo_url, "rename", "YB500103-01", "--name", "王\x07芳")
    assert code == 2 and "「姓名」第2个字符" in err
    name = _scalar(sqlite_demo_url, select(Staff.name).where(Staff.staff_no == "YB500103-01"))
    assert name == "王芳"


def test_S3_enable_move_and_rename_commit_with_their_audit_event(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """On PostgreSQL a change of ``staff.active`` commits only with a ``staff.*`` event in
    the same transaction (revision 0008): each command's change and event go together."""
    for argv in (
        ["disable", "YB500103-02"],
        ["enable", "YB500103-02"],
        ["move", "YB500103-03", "--office", "500103-CK01"],
        ["rename", "YB500103-01", "--name", "王芳"],
    ):
        code, _, err = _run(capsys, demo_url, *argv)
        assert code == 0, (argv, err)
    assert _scalar(demo_url, select(Staff.active).where(Staff.staff_no == "YB500103-02"))
    assert _office_of(demo_url, "YB500103-03") == "500103-CK01"
    for action in ("staff.disable", "staff.enable", "staff.move", "staff.rename"):
        assert _events(demo_url, action) == 1, action
