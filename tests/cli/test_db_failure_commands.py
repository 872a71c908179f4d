"""Every ``counter-admin`` command that reaches the database says which failure it is and
names the database (user@host:port/db, never the password) — not the workstation's
无法连接数据库…已填写的内容仍保留, meant for a clerk with a form open — and a mistyped SQLite
path is refused by name, never created by looking. A wrong port or an unknown host needs no
server. (office, staff, db, loss, report: test_db_target.py, test_first_installation.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from counter_app import db
from counter_app.cli.main import main
from counter_app.services import form_reprints
from counter_app.services.errors import DatabaseUnavailable
from forms.data import FormKind
from forms.specimens import specimen
from forms.verification import DEMO_FORM_KEY, payload_for

REFUSED = "postgresql://admin:secret-pw@127.0.0.1:1/counter"
UNKNOWN_HOST = "postgresql://admin:secret-pw@nohost.invalid/counter"
FAILURES = [
    (REFUSED, "连接被拒绝", "admin@127.0.0.1:1/counter"),
    (UNKNOWN_HOST, "主机名无法解析", "admin@nohost.invalid:5432/counter"),
]
WORKSTATION = "已填写的内容仍保留"


@pytest.fixture
def demo_settings(tmp_path: Path) -> str:
    """A settings file in demo mode: the form commands use the demo form key."""
    path = tmp_path / "settings.toml"
    path.write_text('mode = "demo"\n', encoding="utf-8")
    return str(path)


def _says(err: str, says: str, names: str) -> None:
    assert says in err and names in err, err
    assert "secret-pw" not in err and WORKSTATION not in err and "Traceback" not in err, err


@pytest.mark.parametrize(("url", "says", "names"), FAILURES)
def test_hotline_report_loss_names_the_failure_and_says_nothing_was_reported(
    url: str,
    says: str,
    names: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))  # the caller's query password
    assert main(["hotline", "report-loss", "--ssn", "500103199001011234", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("未挂失: "), err
    _says(err, says, names)


@pytest.mark.parametrize(("url", "says", "names"), FAILURES)
def test_form_verify_names_the_failure_and_keeps_could_not_check(
    url: str, says: str, names: str, demo_settings: str, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = payload_for(specimen(FormKind.LOSS), DEMO_FORM_KEY)
    assert main(["--settings", demo_settings, "form", "verify", payload, "--db", url]) == 3
    err = capsys.readouterr().err
    assert "签名本身有效，但未能核对签发记录" in err and "--offline" in err, err
    _says(err, says, names)


def test_form_verify_of_a_missing_sqlite_file_names_it_and_creates_nothing(
    tmp_path: Path, demo_settings: str, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = payload_for(specimen(FormKind.LOSS), DEMO_FORM_KEY)
    for missing in (tmp_path / "counter.sqlite3", tmp_path / "typo" / "counter.sqlite3"):
        argv = ["--settings", demo_settings, "form", "verify", payload]
        assert main([*argv, "--db", f"sqlite:///{missing}"]) == 3
        err = capsys.readouterr().err
        assert f"数据库文件 {missing} 不存在" in err and "签名本身有效" in err, err
        assert not missing.exists()
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(("url", "says", "names"), FAILURES)
def test_form_reprint_names_the_failure(
    url: str,
    says: str,
    names: str,
    tmp_path: Path,
    demo_settings: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "reprint.pdf"
    argv = ["--settings", demo_settings, "form", "reprint", "S-1", "--reason", "遗失"]
    assert main([*argv, "--out", str(out), "--db", url]) == 1
    _says(capsys.readouterr().err, says, names)
    assert not out.exists()


def test_form_reprint_passes_the_services_database_unavailable_to_counter_admin(
    tmp_path: Path,
    demo_settings: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The service's DatabaseUnavailable (a unit of work's lost connection) is named like any
    # other connection failure, not printed as the workstation's sentence.
    engine = db.create_engine_for(REFUSED)
    try:
        with pytest.raises(OperationalError) as lost:
            engine.connect()
    finally:
        engine.dispose()

    def unavailable(*_args: object, **_kwargs: object) -> None:
        raise DatabaseUnavailable() from lost.value

    monkeypatch.setattr(form_reprints, "load_form_for_reprint", unavailable)
    out = tmp_path / "reprint.pdf"
    argv = ["--settings", demo_settings, "form", "reprint", "S-1", "--reason", "遗失"]
    assert main([*argv, "--out", str(out), "--db", REFUSED]) == 1
    _says(capsys.readouterr().err, "连接被拒绝", "admin@127.0.0.1:1/counter")


@pytest.mark.parametrize("action", [["verify"], ["seal"], ["checkpoint", "--day", "2020-01-01"]])
def test_Q7_audit_could_not_check_names_an_unknown_host(
    action: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", *action, "--db", UNKNOWN_HOST]) == 3
    err = capsys.readouterr().err
    assert err.startswith("错误: 无法校验"), err
    assert "URL 所指的数据库" not in err
    _says(err, "找不到数据库服务器 nohost.invalid", "admin@nohost.invalid:5432/counter")


def test_Q7_audit_verify_of_a_mistyped_sqlite_path_could_not_check_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "countr.sqlite3"  # the folder exists: SQLite would create the file
    for action in (["verify"], ["seal"]):
        assert main(["audit", *action, "--db", f"sqlite:///{missing}"]) == 3
        err = capsys.readouterr().err
        assert f"数据库文件 {missing} 不存在" in err, err
        assert not missing.exists()
