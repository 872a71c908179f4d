"""``counter-admin`` ends a bad command with a Chinese message, never a traceback.

A traceback prints the driver's text and the statement's parameters: for ``staff add`` with
a duplicate staff number that was the new account's argon2 hash. Every refusal here must be
one line on stderr, exit code non-zero, and nothing of the driver's text.
"""

from __future__ import annotations

import pytest

from counter_app import db
from counter_app.cli.main import main
from counter_app.models import Office, Staff
from counter_app.services.permissions import OfficeKind


def _seed(url: str) -> None:
    engine = db.create_engine_for(url)
    try:
        with db.session_factory(engine)() as s:
            office = Office(
                code="500103-YB",
                name="渝中区医疗保险分中心",
                kind=OfficeKind.DISTRICT_SUBCENTER.value,
                district_code="500103",
            )
            s.add(office)
            s.flush()
            s.add(
                Staff(
                    staff_no="YB500103-01",
                    name="甲",
                    office_id=office.id,
                    role="subcenter_staff",
                    password_hash="x",
                    must_change_password=False,
                )
            )
            s.commit()
    finally:
        engine.dispose()


def _assert_clean_refusal(capsys: pytest.CaptureFixture[str], code: int) -> str:
    out, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in out + err
    assert "argon2" not in out + err and "IntegrityError" not in err and "psycopg" not in err
    assert err.startswith("错误: ")
    return err


def test_duplicate_staff_number_is_a_message_without_the_hash(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(migrated_url)
    code = main(
        [
            "staff",
            "--db",
            migrated_url,
            "add",
            "YB500103-01",
            "--name",
            "乙",
            "--office",
            "500103-YB",
            "--role",
            "subcenter_staff",
        ]
    )
    err = _assert_clean_refusal(capsys, code)
    assert "工号已被" in err


@pytest.mark.parametrize(
    ("staff_no", "name", "expected"),
    [
        ("YB500103-02\u202e", "乙", "工号"),
        ("", "乙", "工号"),
        ("YB 02", "乙", "工号"),
        ("YB500103-02", "乙\x00", "姓名"),
        ("YB500103-02", "\u200b乙", "第1个字符"),
        ("YB500103-02", "乙" * 26, "最多25个字"),
        ("YB500103-02", "乙'; DROP TABLE staff;--", "姓名"),
    ],
)
def test_staff_add_validates_number_and_name(
    migrated_url: str,
    capsys: pytest.CaptureFixture[str],
    staff_no: str,
    name: str,
    expected: str,
) -> None:
    _seed(migrated_url)
    code = main(
        [
            "staff",
            "--db",
            migrated_url,
            "add",
            staff_no,
            "--name",
            name,
            "--office",
            "500103-YB",
            "--role",
            "subcenter_staff",
        ]
    )
    err = _assert_clean_refusal(capsys, code)
    assert expected in err
    engine = db.create_engine_for(migrated_url)
    try:
        with engine.connect() as conn:
            assert len(conn.execute(Staff.__table__.select()).all()) == 1  # nothing added
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_demo_data_as_the_application_role_ends_with_a_message(
    app_login_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The application's role may not create or empty tables (tests/security/conftest.py).
    code = main(["demo-data", "--db", app_login_url, "--holders", "5"])
    err = _assert_clean_refusal(capsys, code)
    assert "权限" in err, err
