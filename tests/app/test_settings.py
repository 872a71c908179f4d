"""Settings: declared once, typed, with defaults; COUNTER_DB_URL wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.settings import (
    Settings,
    SettingsError,
    dump_settings,
    load_settings,
)


def test_missing_file_gives_documented_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "absent.toml")
    assert s.phone_report_validity_days == 15  # RULES L2 (policy) default
    assert s.pin_retry_limit == 3  # RULES P6 (policy) default
    assert s.mode == "production"
    assert s.database_url().startswith("sqlite:///")


def test_file_values_are_read_and_env_db_url_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'db_url = "sqlite:///x.db"\nphone_report_validity_days = 30\n', encoding="utf-8"
    )
    s = load_settings(path)
    assert s.phone_report_validity_days == 30
    assert s.database_url() == "sqlite:///x.db"
    monkeypatch.setenv("COUNTER_DB_URL", "postgresql+psycopg://u@h/db")
    assert s.database_url() == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('phone_report_validity_days = "15"\n', "phone_report_validity_days"),
        ("four_eyes = 1\n", "four_eyes"),
        ('mode = "staging"\n', "mode"),
        ("no_such_setting = 1\n", "no_such_setting"),
        ("db_url = \n", "格式错误"),
    ],
)
def test_bad_settings_are_refused_naming_the_entry(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert needle in str(err.value)


def test_dump_then_load_round_trips(tmp_path: Path) -> None:
    original = Settings(
        mode="demo",
        office_code="500103-YB",
        keypad_shuffle=True,
        lock_timeout_ms=1234,
        db_url='sqlite:///c:\\path "q".db',
    )
    path = tmp_path / "s.toml"
    path.write_text(dump_settings(original), encoding="utf-8")
    assert load_settings(path) == original
