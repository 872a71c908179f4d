"""Every setting of the workstation, declared once with its type and default.

Settings come from a TOML file (``COUNTER_SETTINGS`` names it; otherwise
``$XDG_CONFIG_HOME/counter-app/settings.toml``) and, for the database, from
``COUNTER_DB_URL``, which wins over the file. Values marked *(policy)* in RULES.md are
settings here, never constants in code.

This module imports no Qt and opens no connection: reading settings has no side effects.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Mode = Literal["production", "demo", "test"]


def user_data_dir() -> Path:
    """The per-user data folder (demo database, generated forms)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "counter-app"


def user_config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "counter-app"


#: The actions (``services.permissions.Action`` values) whose use case makes an ID check:
#: the names ``idcard_manual_forbidden`` may list.
ID_CHECK_ACTIONS = (
    "view_records",
    "change_pin",
    "reset_pin",
    "unblock_pin",
    "reset_service_password",
    "written_loss_report",
    "lift_loss_report",
    "replacement_application",
)


def default_settings_path() -> Path:
    env = os.environ.get("COUNTER_SETTINGS")
    return Path(env) if env else user_config_dir() / "settings.toml"


#: RULES L2: a phone report is "about to lapse" when due within this many days — the one
#: horizon of the status-bar count, the list and the supervisors' report (``report lapsing``,
#: 即将失效的电话挂失) unless the settings file says otherwise.
LAPSING_WARNING_DAYS = 2


@dataclass(frozen=True)
class Settings:
    """The workstation's configuration. Defaults are the embedded single-machine set-up."""

    #: ``production`` refuses the CARD.md test keys; ``demo`` and ``test`` allow them.
    mode: Mode = "production"
    #: Any SQLAlchemy URL of SQLite or PostgreSQL (psycopg 3). ``COUNTER_DB_URL`` wins.
    db_url: str = ""
    #: The office this workstation belongs to (offices.code), e.g. ``500103-YB``.
    office_code: str = ""
    #: This workstation's id, recorded on every audit event.
    workstation_id: str = "WS-01"
    #: PC/SC reader name; empty: the first reader holding a card. ``emulator``: in-process.
    reader_name: str = ""
    #: RULES L2 (policy): days a phone (12333) loss report stays in force without a written one.
    phone_report_validity_days: int = 15
    #: RULES L2: lapsing phone reports are listed when due within this many days.
    lapsing_warning_days: int = LAPSING_WARNING_DAYS
    #: RULES P6 (policy): the card's PIN retry limit, written to new cards.
    pin_retry_limit: int = 3
    #: Where the issuer's card keys come from: ``test`` (CARD.md test keys, demo/test only),
    #: ``file:/path/keys.toml`` (software keys), ``psam:READER`` (a PSAM; not built yet).
    key_source: str = "test"
    #: Where the services run: ``inprocess`` (this machine's database) or ``remote`` (a
    #: city's ``counter-server``; then no database URL and no card key on this machine).
    backend: str = "inprocess"
    #: ``remote``: the server's URL (``https://host:8443``), this workstation's client
    #: certificate and key (PEM files) and the city CA that signed the server's certificate.
    server_url: str = ""
    client_cert: str = ""
    client_key: str = ""
    server_ca: str = ""
    #: Minutes of inactivity before the screen locks.
    idle_lock_minutes: int = 5
    #: Holder keypad: shuffle the digit keys.
    keypad_shuffle: bool = False
    #: Allow the on-screen holder keypad when the reader has no PIN pad.
    allow_software_keypad: bool = True
    #: Hex key for the HMAC verification code printed on forms (QR). Demo/test have a default.
    form_hmac_key: str = ""
    #: Supervisor approval (four-eyes) for forgotten-password resets and lifting loss reports.
    four_eyes: bool = True
    #: Failed staff logins before the account locks.
    staff_lockout_failures: int = 5
    #: Minutes a locked staff account stays locked.
    staff_lockout_minutes: int = 30
    #: Wrong web/12333 query passwords (RULES Q3, L1) before that password locks.
    service_password_lockout_failures: int = 5
    #: Minutes a locked query password stays locked.
    service_password_lockout_minutes: int = 30
    #: RULES P8 (policy): hours a one-time query password set at a counter stays usable.
    service_password_one_time_hours: int = 72
    #: Database lock wait, milliseconds; a frozen workstation never blocks others longer.
    lock_timeout_ms: int = 5000
    #: RULES E2 (policy): seconds the holder has to rate a case before 未评价 is recorded.
    rating_timeout_seconds: int = 60
    #: RULES E3 (policy): working days a poor rating's follow-up (整改) has.
    followup_working_days: int = 15
    #: Local days off on top of the national calendar (comma-separated YYYY-MM-DD).
    local_holidays: str = ""
    #: Local working days on top of the national calendar (comma-separated YYYY-MM-DD).
    local_workdays: str = ""
    #: User-interface language: ``zh_CN`` (default) or ``en``.
    language: str = "zh_CN"
    #: Serial port of the resident ID card reader (IDCARD.md); empty: scan the serial ports.
    idcard_port: str = ""
    #: ID card photo decoder: ``demo`` (the emulator's pattern) or ``module:factory``.
    idcard_decoder: str = "demo"
    #: Actions (permission names, comma-separated, e.g. ``reset_pin,lift_loss_report``) whose ID
    #: check must read the chip: typing the number by hand is refused for them.
    idcard_manual_forbidden: str = ""
    #: Where this settings file was read from (not a setting itself).
    source: str = field(default="", compare=False)

    def database_url(self) -> str:
        """``COUNTER_DB_URL`` if set, else the file's value, else the user's SQLite file."""
        env = os.environ.get("COUNTER_DB_URL")
        if env:
            return env
        if self.db_url:
            return self.db_url
        name = "demo.sqlite3" if self.mode == "demo" else "counter.sqlite3"
        return f"sqlite:///{user_data_dir() / name}"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


class SettingsError(ValueError):
    """The settings file cannot be used; the message says which entry and why."""


_FIELDS = {f.name: f for f in dataclasses.fields(Settings) if f.name != "source"}


def _check(name: str, value: Any) -> Any:
    default = _FIELDS[name].default
    expected = type(default)
    if expected is bool and not isinstance(value, bool):
        raise SettingsError(f"设置项 {name} 应为 true/false，实际为 {value!r}")
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise SettingsError(f"设置项 {name} 应为整数，实际为 {value!r}")
    if expected is str and not isinstance(value, str):
        raise SettingsError(f"设置项 {name} 应为文本，实际为 {value!r}")
    if name == "backend" and value not in ("inprocess", "remote"):
        raise SettingsError(f"设置项 backend 只能是 inprocess/remote，实际为 {value!r}")
    if name == "mode" and value not in ("production", "demo", "test"):
        raise SettingsError(f"设置项 mode 只能是 production/demo/test，实际为 {value!r}")
    if name == "idcard_manual_forbidden":
        # a misspelt action would silently allow typed numbers where the chip is required
        unknown = [
            p.strip() for p in value.split(",") if p.strip() and p.strip() not in ID_CHECK_ACTIONS
        ]
        if unknown:
            raise SettingsError(
                f"设置项 idcard_manual_forbidden 中有未知业务: {', '.join(unknown)}"
                f"（可用: {', '.join(ID_CHECK_ACTIONS)}）"
            )
    return value


def parse_settings(data: dict[str, Any], source: str = "") -> Settings:
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise SettingsError(f"设置文件 {source} 中有未知设置项: {', '.join(unknown)}")
    return Settings(**{k: _check(k, v) for k, v in data.items()}, source=source)


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read the settings file (missing file: all defaults), then apply ``overrides``."""
    path = path or default_settings_path()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"设置文件 {path} 格式错误: {exc}。请修正该文件后重试。") from exc
    data.update(overrides)
    return parse_settings(data, source=str(path))


def dump_settings(settings: Settings) -> str:
    """The TOML text of ``settings`` (every value; strings quoted)."""
    lines = []
    for name in _FIELDS:
        value = getattr(settings, name)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        else:
            text = '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"{name} = {text}")
    return "\n".join(lines) + "\n"
