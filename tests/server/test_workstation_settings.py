"""A city workstation's settings file holds the server's address and its own certificate,
and nothing that opens the database or makes a card MAC: copying it gives no more than the
workstation's certificate allows through the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.remote.workstation_file import check_remote_settings, connect
from counter_app.server.cli import main as server_main
from counter_app.settings import SettingsError, load_settings
from reader.keys import TEST_KEYS


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Path, Path]:
    pki = tmp_path / "pki"
    assert server_main(["pki", "init", str(pki)]) == 0
    out = tmp_path / "ws.toml"
    assert (
        server_main(
            [
                "pki",
                "issue-workstation",
                str(pki),
                "WS-07",
                "--office",
                "500103-YB",
                "--server-url",
                "https://city.example:8443",
                "--settings-out",
                str(out),
            ]
        )
        == 0
    )
    return pki, out


def test_workstation_settings_file_holds_no_database_password_or_card_key(
    issued: tuple[Path, Path],
) -> None:
    pki, path = issued
    text = path.read_text(encoding="utf-8")
    settings = load_settings(path)
    assert settings.backend == "remote" and settings.server_url == "https://city.example:8443"
    assert settings.db_url == "" and settings.key_source == "server"
    assert settings.form_hmac_key == ""
    assert 'db_url = ""' in text.splitlines()
    for secret in (
        "postgresql",
        "sqlite",
        "://counter",
        "PRIVATE KEY",
        *(key.hex() for key in TEST_KEYS.values()),
        *(key.decode() for key in TEST_KEYS.values()),
    ):
        assert secret.lower() not in text.lower()
    # The private key is a separate file, readable by its owner only.
    assert oct(Path(settings.client_key).stat().st_mode & 0o777) == "0o600"
    assert Path(settings.client_cert).read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    check_remote_settings(settings, environ={})


@pytest.mark.parametrize(
    ("change", "env"),
    [
        ({"db_url": "postgresql+psycopg://counter:secret@db/counter"}, {}),
        ({}, {"COUNTER_DB_URL": "postgresql+psycopg://counter:secret@db/counter"}),
        ({"key_source": "test"}, {}),
        ({"key_source": "file:/etc/counter/keys.toml"}, {}),
        ({"form_hmac_key": "00" * 32}, {}),
        ({"server_url": "http://city.example:8080"}, {}),
    ],
)
def test_remote_settings_with_database_or_keys_are_refused(
    issued: tuple[Path, Path], change: dict[str, str], env: dict[str, str]
) -> None:
    settings = load_settings(issued[1]).replace(**change)
    with pytest.raises(SettingsError):
        check_remote_settings(settings, environ=env)


def test_connect_refuses_a_workstation_that_also_holds_the_database(
    issued: tuple[Path, Path],
) -> None:
    settings = load_settings(issued[1]).replace(db_url="sqlite:////tmp/x.sqlite3")
    with pytest.raises(SettingsError):
        connect(settings)
