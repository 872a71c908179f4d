"""``counter-server run`` refuses to start on a fatal configuration problem — with one
Chinese line naming the setting or file and exit status 2 — instead of saying "listening"
and failing every request (test card keys in production, a database it cannot log in to,
no form key, no PKI folder). ``/health`` answers 503 ``{"ok": false}`` while the database
does not, with one log line, never a traceback per probe (docs/DEPLOYMENT.md §2)."""

from __future__ import annotations

import logging
import secrets
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from counter_app.remote.transport import client_ssl_context
from counter_app.server import runner
from counter_app.server.cli import main as server_main
from counter_app.server.pki import Pki
from tests.server.conftest import start_city

UNREACHABLE_DB = "postgresql+psycopg://counter_srv:s3cretpw@127.0.0.1:1/counter"
FILE_KEYS = "[keys]\n" + "".join(
    f'{name} = "{secrets.token_hex(16)}"\n' for name in ("reload", "unblock", "maint")
)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What reached ``runner.serve`` (nothing must, when the start is refused)."""
    calls: list[Any] = []
    monkeypatch.setattr(runner, "serve", calls.append)
    return calls


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    Pki(tmp_path / "pki").init(("localhost", "127.0.0.1"))
    (tmp_path / "token.secret").write_text(secrets.token_hex(32) + "\n", encoding="ascii")
    (tmp_path / "keys.toml").write_text(FILE_KEYS, encoding="ascii")
    return tmp_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(
    folder: Path, *, pki_dir: str = "pki", port: int | None = None, **settings: str
) -> Path:
    values = {
        "mode": "production",
        "db_url": UNREACHABLE_DB,
        "key_source": f"file:{folder / 'keys.toml'}",
        "form_hmac_key": secrets.token_hex(32),
        "office_code": "500103-YB",
        "workstation_id": "SERVER",
        **settings,
    }
    body = "".join(f'{k} = "{v}"\n' for k, v in values.items())
    path = folder / "server.toml"
    path.write_text(
        body + f'\n[server]\npki_dir = "{pki_dir}"\ntoken_secret_file = "token.secret"\n'
        f"port = {port or _free_port()}\n",
        encoding="utf-8",
    )
    return path


def _refused(
    config: Path, served: list[Any], capsys: pytest.CaptureFixture[str], *words: str
) -> str:
    assert server_main(["run", "--config", str(config)]) == 2
    assert served == []
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


def test_test_card_keys_in_production_refuse_the_start(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(_config(folder, key_source="test"), served, capsys, "key_source", "测试密钥")


def test_missing_key_file_refuses_the_start(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(folder, key_source=f"file:{folder / 'nokeys.toml'}")
    _refused(config, served, capsys, "key_source", "nokeys.toml")


def test_empty_form_key_in_production_refuses_the_start(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(_config(folder, form_hmac_key=""), served, capsys, "form_hmac_key")


def test_missing_pki_dir_refuses_the_start_naming_it(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(_config(folder, pki_dir="nopki"), served, capsys, "nopki", "pki_dir")


def test_missing_crl_refuses_the_start_naming_it(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "pki" / "crl.pem").unlink()
    _refused(_config(folder), served, capsys, "crl.pem")


def test_server_key_of_another_certificate_refuses_the_start(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    other = Pki(folder / "other")
    other.init(("localhost",))
    (folder / "pki" / "server.key").write_bytes(other.server_key.read_bytes())
    _refused(_config(folder), served, capsys, "server.key", "不配对")


def test_unreachable_database_refuses_the_start_without_its_password(
    folder: Path, served: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(_config(folder), served, capsys, "db_url", "counter_srv@127.0.0.1:1/counter")
    assert "s3cretpw" not in err and "连不上数据库" in err


def test_no_database_url_refuses_the_start(
    folder: Path,
    served: list[Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COUNTER_DB_URL", raising=False)
    _refused(_config(folder, db_url=""), served, capsys, "db_url")


def test_a_good_configuration_reaches_serve(
    folder: Path,
    served: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # SQLite stands in for the database here: only the start's checks are under test.
    monkeypatch.delenv("COUNTER_DB_URL", raising=False)
    config = _config(folder, db_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert server_main(["run", "--config", str(config)]) == 0
    assert len(served) == 1


def test_missing_database_refuses_the_start(
    folder: Path,
    served: list[Any],
    capsys: pytest.CaptureFixture[str],
    pg_server: Any,
) -> None:
    from sqlalchemy import make_url

    url = make_url(pg_server.create_database()).set(database="no_such_db")
    config = _config(folder, db_url=url.render_as_string(hide_password=False))
    _refused(config, served, capsys, "数据库不存在", "no_such_db")


def test_health_answers_503_without_traceback_and_logs_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pki = Pki(tmp_path / "pki")
    pki.init(("localhost", "127.0.0.1"))
    pki.issue_workstation("WS-H", "500103-YB")
    city = start_city(pki, UNREACHABLE_DB)
    context = client_ssl_context(
        pki.workstation_cert("WS-H"), pki.workstation_key("WS-H"), pki.ca_cert
    )
    try:
        with caplog.at_level(logging.INFO), httpx.Client(verify=context, timeout=30) as client:
            answers = [client.get(city.base_url + "/health") for _ in range(3)]
    finally:
        city.server.stop()
        city.release()  # type: ignore[attr-defined]
    assert [a.status_code for a in answers] == [503, 503, 503]
    assert answers[0].json() == {"ok": False, "database": False}
    assert "Traceback" not in answers[0].text
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    message = records[0].getMessage()
    assert records[0].exc_info is None and "连不上数据库" in message
    assert "s3cretpw" not in message


def test_expired_server_certificate_refuses_the_start(
    folder: Path,
    served: list[Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    from counter_app.server import pki as pki_module

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=pki_module.LEAF_DAYS + 1)
    monkeypatch.setattr(pki_module, "_now", lambda: long_ago)
    Pki(folder / "pki").reissue_server(("localhost",))
    monkeypatch.undo()
    monkeypatch.setattr(runner, "serve", served.append)
    _refused(_config(folder), served, capsys, "server.crt", "过期", "reissue-server")


@pytest.mark.parametrize(
    ("driver_text", "sqlstate", "kind"),
    [
        ('FATAL:  password authentication failed for user "counter_srv"', None, "用户名或密码错误"),
        ("", "28P01", "用户名或密码错误"),
        ('FATAL:  database "nothing" does not exist', None, "数据库不存在"),
        ('FATAL:  role "nobody" does not exist', None, "没有该用户"),
        ("connection refused", None, "连不上数据库服务器"),
    ],
)
def test_database_refusal_is_named_by_kind_without_driver_text(
    driver_text: str, sqlstate: str | None, kind: str
) -> None:
    from counter_app.server.preflight import database_refusal, database_target

    class DriverError(Exception):
        pass

    cause = DriverError(driver_text)
    cause.sqlstate = sqlstate  # type: ignore[attr-defined]
    wrapped = RuntimeError("wrapper")
    wrapped.__cause__ = cause
    target = database_target("postgresql+psycopg://counter_srv:pw@db.example:5432/counter")
    message = database_refusal(wrapped, target)
    assert kind in message and "counter_srv@db.example:5432/counter" in message
    assert "FATAL" not in message and "pw@" not in message


def test_port_in_use_refuses_the_start(
    folder: Path,
    served: list[Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("COUNTER_DB_URL", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        config = _config(folder, port=port, db_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
        _refused(config, served, capsys, f"端口 {port} 已被占用", "port")


def test_health_logs_once_when_the_database_goes_and_once_when_it_is_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from counter_app.services.errors import DatabaseUnavailable

    pki = Pki(tmp_path / "pki")
    pki.init(("localhost", "127.0.0.1"))
    pki.issue_workstation("WS-H", "500103-YB")
    city = start_city(pki, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    ctx = city.parts.services.ctx
    context = client_ssl_context(
        pki.workstation_cert("WS-H"), pki.workstation_key("WS-H"), pki.ca_cert
    )

    def gone() -> Any:
        raise DatabaseUnavailable()

    codes: list[int] = []
    try:
        with caplog.at_level(logging.INFO), httpx.Client(verify=context, timeout=30) as client:
            codes.append(client.get(city.base_url + "/health").status_code)
            monkeypatch.setattr(ctx, "read_uow", gone)
            codes += [client.get(city.base_url + "/health").status_code for _ in range(3)]
            monkeypatch.undo()
            codes += [client.get(city.base_url + "/health").status_code for _ in range(2)]
    finally:
        city.server.stop()
        city.release()  # type: ignore[attr-defined]
    assert codes == [200, 503, 503, 503, 200, 200]
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("health:")]
    assert len(said) == 2, said
    assert "503" in said[0] and "answers again" in said[1]
