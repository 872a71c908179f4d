"""Driver errors that bad input causes, as typed service errors with Chinese messages.

One place (the unit of work calls :func:`input_error_for` when a block ends with an error):
- PostgreSQL refuses NUL in text (``DataError``, SQLSTATE 22021), over-long values (22001),
  malformed values (other class 22 codes) — :class:`InvalidInput`;
- psycopg and sqlite3 cannot encode a lone surrogate (``UnicodeEncodeError``: "surrogates
  not allowed") — :class:`InvalidInput`;
- a unique constraint that a clerk's input hits (a staff number already in use) —
  :class:`DuplicateEntry` naming what is duplicated.

The driver's own text never reaches the message (it may quote the value: an ID number, a
name); the original stays chained as ``__cause__`` for a developer's debugger, and engines
hide bound parameters (``counter_app.db``). Lost connections and conflicts are not handled
here (``uow.py`` maps those).
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from counter_app.services.errors import ServiceError


class InvalidInput(ServiceError):
    """The database refused a value as typed (control character, too long, not text)."""

    reason = "invalid_input"
    message = (
        "所填内容含有无法保存的字符（如看不见的控制字符）或过长，未保存。请检查并重新输入后重试。"
    )


class DuplicateEntry(ServiceError):
    """A unique value typed by a clerk is already in use."""

    reason = "duplicate"
    message = "该编号已被使用，未保存。请核对后改用其他编号。"


# Unique constraints a clerk's typed value can hit, by name (naming convention
# ``uq_<table>_<column>``) or by the column the SQLite message names.
_DUPLICATES: dict[str, str] = {
    "staff.staff_no": "该工号已被其他工作人员使用，账户未创建。请核对工号或改用其他工号。",
    "uq_staff_staff_no": "该工号已被其他工作人员使用，账户未创建。请核对工号或改用其他工号。",
    "offices.code": "该机构代码已存在，未保存。请核对机构代码。",
    "uq_offices_code": "该机构代码已存在，未保存。请核对机构代码。",
}


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) if orig is not None else None


def _constraint(error: sa_exc.IntegrityError) -> str | None:
    orig = error.orig
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if isinstance(name, str):
        return name
    text = str(orig)  # sqlite3: "UNIQUE constraint failed: staff.staff_no" (no values)
    if "UNIQUE constraint failed:" in text:
        return text.split("UNIQUE constraint failed:", 1)[1].strip().split(",")[0].strip()
    return None


def input_error_for(error: BaseException) -> ServiceError | None:
    """The typed error for a driver error caused by input, or None to leave it as it is."""
    if isinstance(error, UnicodeEncodeError) and "surrogate" in (error.reason or ""):
        return InvalidInput()
    if isinstance(error, sa_exc.StatementError) and isinstance(error.orig, UnicodeEncodeError):
        return InvalidInput()
    if isinstance(error, sa_exc.DataError):
        return InvalidInput()
    if isinstance(error, sa_exc.DBAPIError) and (_sqlstate(error) or "").startswith("22"):
        return InvalidInput()
    if isinstance(error, sa_exc.IntegrityError):
        name = _constraint(error)
        if name in _DUPLICATES:
            return DuplicateEntry(_DUPLICATES[name])
    if type(error) is ValueError and "NUL" in str(error):
        # sqlite3 and psycopg refuse NUL in some statement texts with a plain ValueError
        return InvalidInput()
    return None
