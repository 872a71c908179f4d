"""Which database a ``counter-admin`` command works on — never a silent default.

The workstation in one-machine use falls back to its SQLite file in the user's data folder
(``Settings.database_url``); the admin command line does not: an operator on a city admin
host who forgot ``export COUNTER_DB_URL=…`` would otherwise get a fresh empty SQLite file,
"success" from ``db upgrade`` and "cannot connect" from everything else. Here:

- ``--db URL`` (where the command has it), else ``COUNTER_DB_URL``, else the settings
  file's ``db_url`` — the first one *given* is used; given but empty is refused;
- none given: refused, saying which settings were looked at (exit 2);
- ``--settings FILE`` that does not exist: refused (a typo must not mean "all defaults");
- a URL that is not SQLite or PostgreSQL, or not a URL at all: refused, saying what a
  database URL looks like (a counter-server ``https://`` address is a common mix-up);
- a SQLite file that does not exist, for a command that only reads or changes data:
  refused (only ``db upgrade`` and ``demo-data`` create one).

Each refusal is a :class:`~counter_app.settings.SettingsError` (``counter-admin`` prints it
and exits 2). Passwords in URLs are never printed (:func:`safe_url`).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from counter_app.settings import SettingsError, default_settings_path, load_settings

#: ``counter-admin`` commands that work on the database: command → its actions that do
#: (``None``: all of them). The others (card, idcard, form specimen/verify) need none.
DATABASE_COMMANDS: dict[str, frozenset[str] | None] = {
    "db": None,
    "demo-data": None,
    "office": None,
    "staff": None,
    "audit": None,
    "report": None,
    "loss": None,
    "hotline": None,
    "form": frozenset({"reprint"}),
}
#: Commands that may create a SQLite file that is not there yet.
CREATING_COMMANDS = frozenset({("db", "upgrade"), ("demo-data", None)})
#: Commands that report a missing SQLite file themselves: ``audit`` exits 3 ("could not
#: check", ``counter_app.cli.exit_codes``), not 2, so a cron job reads it as unchecked.
OWN_MISSING_FILE = frozenset({"audit"})

URL_SHAPE = (
    "数据库 URL 应为 postgresql://用户@主机[:端口]/库名（城市）或 sqlite:///文件路径（单机）"
)


@dataclass(frozen=True)
class Target:
    """A configured database: its URL and where it came from (for messages)."""

    url: str
    source: str


def settings_path(args: argparse.Namespace) -> Path:
    """The settings file the command reads: ``--settings``, else ``COUNTER_SETTINGS`` or
    the default path. An explicit ``--settings`` that does not exist is refused."""
    given = getattr(args, "settings", None)
    if given is not None:
        path = Path(given)
        if not str(given).strip() or not path.is_file():
            raise SettingsError(
                f"设置文件 {given or '（空）'} 不存在（--settings）。请核对路径；"
                "不用设置文件时去掉 --settings。"
            )
        return path
    return default_settings_path()


def configured(args: argparse.Namespace) -> Target | None:
    """The database the command was given, or None when none was. Refuses (SettingsError)
    a given but empty value and a missing ``--settings`` file; does not check the URL."""
    db = getattr(args, "db", None)
    if db is not None:
        if not str(db).strip():
            raise SettingsError(f"--db 为空。请给出数据库 URL：{URL_SHAPE}。")
        return Target(str(db).strip(), "--db")
    env = os.environ.get("COUNTER_DB_URL")
    if env is not None:
        if not env.strip():
            raise SettingsError(
                f"环境变量 COUNTER_DB_URL 已设置但为空。请设为数据库 URL（{URL_SHAPE}），"
                "或 unset COUNTER_DB_URL 后改用 --db。"
            )
        return Target(env.strip(), "COUNTER_DB_URL")
    path = settings_path(args)
    file_url = load_settings(path).db_url
    if file_url.strip():
        return Target(file_url.strip(), f"设置文件 {path} 的 db_url")
    return None


def admin_database_url(args: argparse.Namespace, *, creates: bool = False) -> str:
    """The database URL of an admin command, checked (see the module doc); ``creates``:
    the command may create a SQLite file that is missing (``db upgrade``, ``demo-data``)."""
    target = configured(args)
    if target is None:
        raise SettingsError(missing_message(args))
    check_url(target, creates=creates)
    return target.url


def missing_message(args: argparse.Namespace) -> str:
    path = getattr(args, "settings", None) or default_settings_path()
    return (
        "未设置数据库：没有 --db，没有环境变量 COUNTER_DB_URL，设置文件 "
        f"{path} 中也没有 db_url。请先 export COUNTER_DB_URL='postgresql://用户@主机/库名'"
        "（城市数据库），或用 --db 给出（单机库：--db sqlite:///文件路径）。"
    )


def check_url(target: Target, *, creates: bool = False) -> None:
    """Refuse (SettingsError) a URL that is not SQLite or PostgreSQL, and a SQLite file
    that is not there unless the command ``creates`` it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from counter_app.sqlite_url import sqlite_target

    where = f"（来自 {target.source}）"
    text = target.url
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme in ("http", "https"):
        raise SettingsError(
            f"{safe_url(text)} 是网址（如 counter-server 的地址），不是数据库 URL{where}。"
            f"{URL_SHAPE}。"
        )
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):
        raise SettingsError(f"数据库 URL 无法识别{where}。{URL_SHAPE}。") from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"不支持的数据库 {backend}{where}：只支持 PostgreSQL（城市）和 SQLite（单机）。"
            f"{URL_SHAPE}。"
        )
    if backend == "postgresql" and not parsed.database:
        raise SettingsError(f"数据库 URL 中没有库名{where}。{URL_SHAPE}。")
    if backend == "sqlite" and not creates:
        found = sqlite_target(parsed)
        path = found.file if found is not None else None
        if path is not None and not path.exists():
            raise SettingsError(
                f"数据库文件 {path} 不存在{where}。请核对路径；新建数据库请先运行 "
                "counter-admin db upgrade。"
            )


def check_command(args: argparse.Namespace) -> None:
    """What ``counter-admin`` checks before a command that works on the database runs
    (module doc). ``db check`` with no database given checks a scratch SQLite (the
    developer's ``alembic check``), so it is let through; the command says so."""
    command = getattr(args, "command", None)
    if getattr(args, "settings", None) is not None:
        settings_path(args)
    if command not in DATABASE_COMMANDS:
        return
    actions = DATABASE_COMMANDS[command]
    action = _action(args, command)
    if actions is not None and action not in actions:
        return
    if command == "db" and action == "check" and configured(args) is None:
        return
    creates = (command, action) in CREATING_COMMANDS or (command, None) in CREATING_COMMANDS
    if creates or command in OWN_MISSING_FILE:
        admin_database_url(args, creates=True)
    else:
        admin_database_url(args)


def _action(args: argparse.Namespace, command: str) -> str | None:
    for name in (f"{command.replace('-', '_')}_command", f"{command}_kind"):
        value = getattr(args, name, None)
        if value is not None:
            return str(value)
    return None


def safe_url(url: str) -> str:
    """``url`` with its password masked (``***``), or the scheme alone if it is no URL."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show nothing of it that could be a password
        return url.split("://", 1)[0] + "://…" if "://" in url else "（无法识别的 URL）"


def target_of(args: argparse.Namespace) -> str | None:
    """The configured database URL, or None — for messages after a failure; never raises."""
    try:
        target = configured(args)
    except Exception:
        return None
    return target.url if target else None
