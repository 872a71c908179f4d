"""Which database ``counter-admin`` works on, and what it says when it cannot: never a
silent SQLite file in the home folder, never the workstation's sentence, never 内部错误 for
a URL typed wrong, never the password. (PostgreSQL logins: test_first_installation.py.)"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from counter_app import db
from counter_app.cli.main import main


def _data_folder() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "counter-app"


@pytest.mark.parametrize(
    "argv",
    [
        ["db", "upgrade"],
        ["db", "current"],
        ["audit", "verify"],
        ["staff", "list"],
        ["office", "list"],
        ["loss", "lapse"],
    ],
)
def test_no_database_named_is_refused_without_creating_one(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # tests/conftest.py: no COUNTER_DB_URL, a settings file that does not exist.
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误: 未设置数据库") and "COUNTER_DB_URL" in err, err
    assert "已填写的内容仍保留" not in err
    assert not _data_folder().exists()


def test_a_settings_file_that_is_not_there_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.toml"
    assert main(["--settings", str(missing), "staff", "list"]) == 2
    assert f"设置文件 {missing} 不存在" in capsys.readouterr().err
    assert not _data_folder().exists()


def test_an_empty_database_setting_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", "--db", ""]) == 2
    assert "--db 为空" in capsys.readouterr().err
    monkeypatch.setenv("COUNTER_DB_URL", " ")
    assert main(["db", "current"]) == 2
    assert "COUNTER_DB_URL 已设置但为空" in capsys.readouterr().err
    assert not _data_folder().exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://x@y/z", "不支持的数据库 mysql"),
        ("not a url", "数据库 URL 无法识别"),
        ("https://127.0.0.1:18485", "是网址（如 counter-server 的地址），不是数据库 URL"),
        ("postgresql://counter_owner:secret-pw@dbhost", "数据库 URL 中没有库名"),
    ],
)
def test_a_url_that_is_no_database_url_is_a_usage_error(
    url: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "current", "--db", url]) == 2
    err = capsys.readouterr().err
    assert says in err and "postgresql://用户@主机" in err, err
    assert "内部错误" not in err and "secret-pw" not in err


def test_a_missing_sqlite_file_is_not_created_by_a_reading_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo.sqlite3"
    url = f"sqlite:///{path}"
    for argv in (
        ["db", "current", "--db", url],
        ["office", "list", "--db", url],
        ["staff", "--db", url, "list"],
    ):
        assert main(argv) == 2, argv
        assert f"数据库文件 {path} 不存在" in capsys.readouterr().err
    assert not path.exists()
    assert main(["db", "upgrade", "--db", f"sqlite:///{path}"]) == 0  # upgrade creates it
    assert path.exists()


def test_a_database_without_the_tables_says_to_migrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    assert main(["office", "list", "--db", f"sqlite:///{path}"]) == 1
    err = capsys.readouterr().err
    assert "没有本系统的表" in err and "counter-admin db upgrade" in err, err


def test_db_check_checks_the_database_of_COUNTER_DB_URL(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db.upgrade(url, "0003_form_contents")
    monkeypatch.setenv("COUNTER_DB_URL", url)
    assert main(["db", "check"]) == 1  # before: "no drift", on a scratch database
    out, err = capsys.readouterr()
    assert f"检查 {url}（来自 COUNTER_DB_URL）" in out
    assert "数据库不在最新版本 (0003_form_contents" in err
    db.upgrade(url)
    assert main(["db", "check"]) == 0
    assert "no drift" in capsys.readouterr().out


def test_db_check_with_no_database_named_says_it_checked_a_scratch_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["db", "check"]) == 0
    assert "检查的是由迁移新建的临时 SQLite 库" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "says", "names"),
    [
        (
            "postgresql://admin:secret-pw@127.0.0.1:1/counter",
            "连接被拒绝",
            "admin@127.0.0.1:1/counter",
        ),
        ("postgresql://admin:secret-pw@nohost.invalid/counter", "主机名无法解析", "nohost.invalid"),
    ],
)
def test_an_unreachable_server_is_named_without_the_password(
    url: str, says: str, names: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["office", "list", "--db", url], ["db", "current", "--db", url]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert says in err and names in err, err
        assert "secret-pw" not in err and "已填写的内容仍保留" not in err


def test_an_unknown_revision_is_named_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["db", "upgrade", "--db", url, "0004_database_defences"]) == 0
    capsys.readouterr()
    for argv in (["db", "downgrade", "0099", "--db", url], ["db", "upgrade", "--db", url, "9"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "没有迁移版本" in err and "0004_database_defences" in err, err
        assert "内部错误" not in err
    assert db.current_revision(url) == "0004_database_defences"
    assert main(["db", "downgrade", "-1", "--db", url]) == 0  # alembic's relative step
    assert db.current_revision(url) == "0003_form_contents"
