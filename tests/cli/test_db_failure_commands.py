"""Every ``counter-admin`` command that reaches the database says which failure it is and
names the database (user@host:port/db, never the password) — not the workstation's
无法连接数据库…已填写的内容仍保留, meant for a clerk with a form open — and a mistyped SQLite
path is refused by name, never created by looking. A wrong port or an unknown host needs no
server. (office, staff, db, loss, report: test_db_target.py, test_first_installation.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from counter_app.cli.main import main

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
