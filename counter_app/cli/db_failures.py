"""What ``counter-admin`` says when the database refuses or cannot be reached — in the
operator's words, naming the database (user@host:port/db, never the password).

The workstation's sentence (无法连接数据库…请稍后重试；已填写的内容仍保留) is for a clerk
with a form open; an operator at the command line needs to know *which* of these it is,
because only the first is helped by waiting:

- the server cannot be reached (refused, timed out, unknown host);
- it refused the login (wrong password, no such user, no ``pg_hba.conf`` entry);
- the database named does not exist, or has no tables yet (not migrated);
- a database defence refused the change: a privilege (42501) or the audit triggers of
  revision 0008 (a state or staff change without its audit event in the transaction).

libpq reports connection failures as text only (no SQLSTATE), so they are recognised by
the words of libpq and the server (English, the default ``lc_messages``); anything not
recognised gets the general sentence, still naming the database. Never the driver's text.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

_USER = re.compile(r'for user "([^"]*)"')
_DATABASE = re.compile(r'database "([^"]*)" does not exist')
_ROLE = re.compile(r'role "([^"]*)" does not exist')
_HOST = re.compile(r"resolve host '([^']*)'|translate host name \"([^\"]*)\"")

#: The HINTs of revision 0008's triggers (migrations/versions/0008_server_role.py).
_AUDIT_TRIGGER_HINTS = (
    "staff role, password and active changes are audited",
    "every card or loss-report state change is audited in its transaction",
)


def database_refusal(error: BaseException, url: str | None = None) -> str | None:
    """The operator's message for a database failure in ``error`` (or its cause), or None
    when it is none of those this module knows."""
    driver = _driver_error(error)
    if driver is None:
        return None
    where = _where(url, driver.orig)
    text = _first_line(driver.orig)
    state = _sqlstate(driver.orig)
    if state == "42501" or "permission denied" in text.lower():
        return _privilege(driver.orig, url)
    if state in ("42P01", "3F000") or "no such table" in text:
        return (
            f"数据库 {where} 中没有本系统的表（尚未迁移，或 URL 指错了数据库）。"
            "请核对 URL；新库请先以数据库所有者账户运行 counter-admin db upgrade。"
        )
    if state is not None:  # the server answered: not a connection problem
        return None
    return _connection(text, where, url)


def _connection(text: str, where: str, url: str | None) -> str | None:
    lowered = text.lower()
    host = _host(url)
    if "password authentication failed" in lowered:
        if "@" not in where:
            where = f"{_group(_USER, text) or '?'}@{where}"
        return (
            f"数据库拒绝登录：用户名或密码错误（{where}）。"
            "请核对 URL 中的用户名和密码；重试不会有帮助。"
        )
    if "no password supplied" in lowered:
        return f"数据库要求密码，但 URL 中没有密码（{where}）。请在 URL 中写上密码后重试。"
    if "pg_hba.conf" in lowered:
        return (
            f"数据库服务器不允许从本机以此用户登录（{where}；pg_hba.conf 中没有对应的条目）。"
            "请联系数据库管理员，或改在获准的主机上运行。"
        )
    missing_db = _group(_DATABASE, text)
    if missing_db is not None:
        return f"数据库 {missing_db} 不存在（{where}）。请核对 URL 中的库名。"
    missing_role = _group(_ROLE, text)
    if missing_role is not None:
        return f"数据库中没有用户 {missing_role}（{where}）。请核对 URL 中的用户名。"
    unknown_host = _group(_HOST, text)
    if unknown_host is not None or "name or service not known" in lowered:
        return (
            f"找不到数据库服务器 {unknown_host or host or ''}：主机名无法解析（{where}）。"
            "请核对 URL 中的主机名。"
        )
    if "connection refused" in lowered or "no such file or directory" in lowered:
        return (
            f"连不上数据库服务器（{where}）：连接被拒绝，服务未运行或端口不对。"
            "请核对 URL 中的主机和端口，或请数据库管理员确认服务已启动。"
        )
    if "timeout" in lowered or "timed out" in lowered:
        return (
            f"连接数据库服务器超时（{where}）：网络不通或被防火墙拦截。"
            "请检查网络后重试，或联系网络管理员。"
        )
    if "ssl" in lowered or "certificate" in lowered:
        return (
            f"与数据库服务器的加密连接失败（{where}）：证书或 sslmode 设置不符。"
            "请核对 URL 中的 sslmode 和证书设置。"
        )
    if "unable to open database file" in lowered:
        return f"无法打开数据库文件（{where}）。请核对路径和文件权限。"
    if "not a database" in lowered:
        return f"文件不是 SQLite 数据库（{where}）。请核对 URL 中的文件路径。"
    if "connection" in lowered or "server closed" in lowered or "terminating" in lowered:
        return f"与数据库的连接失败或中断（{where}）。命令未完成；请检查数据库服务器后重新运行。"
    return None


def _privilege(orig: Any, url: str | None) -> str:
    hint = getattr(getattr(orig, "diag", None), "message_hint", None) or ""
    user = _user(url) or "当前账户"
    if hint in _AUDIT_TRIGGER_HINTS:
        return (
            "数据库的审计触发器拒绝了这次修改：工作人员账户（岗位、密码、启用状态）或卡、挂失"
            "状态的变更，须在同一事务中写入审计记录（迁移 0008，见 docs/DEPLOYMENT.md §4）。"
            "业务命令都会写审计记录；demo-data 直接写演示数据，在 PostgreSQL 上只能以超级用户"
            "运行，且只用于测试库。"
        )
    return (
        f"数据库账户 {user} 没有此操作所需的权限（例如应用账户不能建表或清空表）。"
        "建表、迁移须用数据库所有者（迁移）账户的 URL；所有者账户也被拒绝时，"
        "请按 docs/DEPLOYMENT.md §4 核对角色设置。"
    )


def _driver_error(error: BaseException) -> sa_exc.DBAPIError | None:
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, sa_exc.DBAPIError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _first_line(orig: Any) -> str:
    args = getattr(orig, "args", ())
    return str(args[0]) if args else str(orig)


def _sqlstate(orig: Any) -> str | None:
    state = getattr(orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    if match is None:
        return None
    return next((g for g in match.groups() if g is not None), None)


def _parsed(url: str | None) -> Any:
    if not url:
        return None
    try:
        return make_url(url)
    except Exception:
        return None


def _user(url: str | None) -> str | None:
    parsed = _parsed(url)
    return parsed.username if parsed is not None else None


def _host(url: str | None) -> str | None:
    parsed = _parsed(url)
    if parsed is None:
        return None
    return parsed.host or parsed.query.get("host")  # type: ignore[no-any-return]


def _where(url: str | None, orig: Any) -> str:
    """``user@host:port/db`` of ``url`` (never the password), or of the failed connection
    the driver reports; "URL 所指的数据库" when neither says."""
    parsed = _parsed(url)
    if parsed is not None and parsed.get_backend_name() == "sqlite":
        return f"SQLite 文件 {parsed.database or '（内存）'}"
    if parsed is not None:
        host = parsed.host or parsed.query.get("host") or "localhost"
        user = f"{parsed.username}@" if parsed.username else ""
        port = parsed.port or parsed.query.get("port") or 5432
        return f"{user}{host}:{port}/{parsed.database or ''}"
    pgconn = getattr(orig, "pgconn", None)
    if pgconn is not None:
        try:
            user, host, port, db = (
                (v or b"").decode() for v in (pgconn.user, pgconn.host, pgconn.port, pgconn.db)
            )
        except Exception:
            return "URL 所指的数据库"
        return f"{user}@{host}:{port}/{db}"
    return "URL 所指的数据库"
