"""The composition root (counter_app.compose; docs/ARCHITECTURE.md "The composition root"):
one function builds settings → engine → ServiceContext → key provider → card client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from counter_app.cli.main import main as counter_admin
from counter_app.compose import compose, settings_from
from counter_app.settings import Settings
from reader.emulator.inprocess import InProcessTransport


def test_compose_builds_one_engine_and_context_and_closes_it(tmp_path: Path) -> None:
    settings = Settings(mode="test", db_url=f"sqlite:///{tmp_path / 'c.sqlite3'}")
    app = compose(settings)
    assert app.engine is not None
    assert app.ctx.settings is settings
    with app.ctx.uow() as uow:
        assert uow.session.execute(text("select 1")).scalar() == 1
    assert app.key_provider is not None  # test mode: the CARD.md test keys
    client = app.card_client(InProcessTransport())
    assert client is not None
    app.close()
    assert app.closers == []


def test_production_with_test_keys_has_no_key_provider_and_says_why(tmp_path: Path) -> None:
    settings = Settings(
        mode="production", key_source="test", db_url=f"sqlite:///{tmp_path / 'c.sqlite3'}"
    )
    with compose(settings) as app:
        assert app.key_provider is None
        assert app.key_problem  # a Chinese sentence for the keyed actions' refusal


def test_a_given_session_factory_builds_no_engine(tmp_path: Path) -> None:
    settings = Settings(mode="test")
    no_database = sessionmaker()
    with compose(settings, session_factory=no_database, load_keys=False) as app:
        assert app.engine is None
        assert app.key_provider is None


def test_settings_flag_is_passed_on_not_written_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """counter-admin --settings FILE: the file is read, and COUNTER_SETTINGS is untouched."""
    db_file = tmp_path / "from-flag.sqlite3"
    settings_file = tmp_path / "s.toml"
    settings_file.write_text(f'mode = "test"\ndb_url = "sqlite:///{db_file}"\n', encoding="utf-8")
    monkeypatch.delenv("COUNTER_DB_URL", raising=False)
    before = os.environ.get("COUNTER_SETTINGS")
    assert counter_admin(["--settings", str(settings_file), "db", "upgrade"]) == 0
    assert os.environ.get("COUNTER_SETTINGS") == before
    assert db_file.exists()
    assert settings_from(settings_file).db_url == f"sqlite:///{db_file}"


def test_importing_the_services_computes_no_password_hash() -> None:
    """No import-time work: importing every password user does not run argon2."""
    code = (
        "import argon2\n"
        "calls = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "def counting(self, *a, **k):\n"
        "    calls.append(1)\n"
        "    return real(self, *a, **k)\n"
        "argon2.PasswordHasher.hash = counting\n"
        "import counter_app.compose, counter_app.services.phone_reports\n"
        "import counter_app.services.service_login, counter_app.services.staff_login\n"
        "print(len(calls))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == "0"
