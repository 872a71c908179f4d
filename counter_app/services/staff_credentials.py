"""Staff credentials: password hashing, the account as login sees it, lockout counting.

What staff login (``staff_login``), account administration (``staff_accounts``) and the
supervisor's four-eyes approval (``approvals``) share (RULES S1–S3):

- Passwords are hashed and verified by ``password_hashing`` (argon2id, OWASP parameters);
  a hash made with other parameters is re-hashed at the next successful login, so raising
  the policy upgrades every account; an unknown account costs one verification too.
- Password attempts are counted **in the database**, under the account's row lock and
  before the hash is verified (:func:`reserve_attempt`), so every workstation of the city
  counts together and concurrent guesses cannot outrun the count; at
  ``settings.staff_lockout_failures`` the account locks for ``staff_lockout_minutes``.
  A right password clears the count (:func:`clear_attempts`).

No password is ever logged, audited, stored in clear or put into an exception text.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.office import Office, Staff
from counter_app.services.context import ServiceContext
from counter_app.services.errors import WeakStaffPassword

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class Account:
    id: int
    staff_no: str
    name: str
    role: str
    active: bool
    password_hash: str
    must_change: bool
    failed_logins: int
    locked_until: dt.datetime | None
    office_id: int
    office_code: str
    office_name: str
    office_kind: str
    district_code: str | None


def load_account(db: Session, staff_no: str, *, for_update: bool = False) -> Account | None:
    """The account of ``staff_no``; ``for_update`` takes its row lock (``SELECT … FOR
    UPDATE OF staff`` on PostgreSQL; on SQLite every writing unit of work already holds the
    database's write lock from ``BEGIN IMMEDIATE``)."""
    query = (
        select(
            Staff.id,
            Staff.staff_no,
            Staff.name,
            Staff.role,
            Staff.active,
            Staff.password_hash,
            Staff.must_change_password,
            Staff.failed_logins,
            Staff.locked_until,
            Office.id,
            Office.code,
            Office.name,
            Office.kind,
            Office.district_code,
        )
        .join(Office, Office.id == Staff.office_id)
        .where(Staff.staff_no == staff_no)
    )
    if for_update:
        query = query.with_for_update(of=Staff)
    row = db.execute(query).first()
    if row is None:
        return None
    values: tuple[Any, ...] = tuple(row)
    return Account(*values)


def is_locked(account: Account, now: dt.datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def reserve_attempt(ctx: ServiceContext, db: Session, staff_id: int, now: dt.datetime) -> bool:
    """Count one password attempt **before** its hash is verified, under the account's row
    lock (the caller loaded it with ``for_update=True`` in this transaction, and checked it
    is not locked). At the limit the account locks at once, so however many attempts arrive
    together, at most ``staff_lockout_failures`` of them get their password verified before
    the lockout; a success then clears the count (:func:`clear_attempts`). True if this
    attempt locked the account."""
    failures = db.scalar(select(Staff.failed_logins).where(Staff.id == staff_id)) or 0
    failures += 1
    if failures >= ctx.settings.staff_lockout_failures:
        until = now + dt.timedelta(minutes=ctx.settings.staff_lockout_minutes)
        db.execute(
            update(Staff).where(Staff.id == staff_id).values(locked_until=until, failed_logins=0)
        )
        return True
    db.execute(update(Staff).where(Staff.id == staff_id).values(failed_logins=failures))
    return False


def clear_attempts(db: Session, staff_id: int) -> None:
    """The password was right: the attempts counted so far (and a lock that the last one
    allowed set) no longer stand."""
    db.execute(update(Staff).where(Staff.id == staff_id).values(failed_logins=0, locked_until=None))


#: A staff number as accounts have them (``YB500103-01``): ASCII letters, digits, hyphens.
_STAFF_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


def recorded_staff_no(typed: str, existing_account: bool) -> str:
    """What a login event keeps of the typed staff number: the number itself only when it
    is a well-formed staff number of an existing account; otherwise ``unknown:`` and its
    length class — a password typed into the staff-number box is never stored (nor shown
    by the staff activity report, which prints this column, nor audited)."""
    if existing_account and _STAFF_NO.fullmatch(typed):
        return typed
    n = len(typed)
    length_class = "0" if n == 0 else "1-8" if n <= 8 else "9-16" if n <= 16 else "17+"
    return f"unknown:{length_class}"


#: Different characters a new staff password needs at least (``aaaaaaaaaa`` is refused).
MIN_DISTINCT_CHARACTERS = 4

#: What the clerk reads beside the new password, one sentence per refusal of the policy.
TOO_SHORT = f"新密码太短：至少 {MIN_PASSWORD_LENGTH} 个字符。请重新设置。"
SAME_AS_OLD = "新密码不能与原密码相同。请重新设置。"
SAME_AS_STAFF_NO = "新密码不能与工号相同。请重新设置。"
TOO_SIMPLE = f"新密码太简单：至少要用 {MIN_DISTINCT_CHARACTERS} 个不同的字符。请重新设置。"


def check_new_password(staff_no: str, old: str, new: str) -> None:
    """Refuse a new staff password the policy does not take, with :class:`WeakStaffPassword`
    saying which rule it breaks (never the password itself)."""
    if len(new) < MIN_PASSWORD_LENGTH:
        raise WeakStaffPassword(TOO_SHORT)
    if new == old:
        raise WeakStaffPassword(SAME_AS_OLD)
    if new.strip().upper() == staff_no.upper():
        raise WeakStaffPassword(SAME_AS_STAFF_NO)
    if len(set(new)) < MIN_DISTINCT_CHARACTERS:
        raise WeakStaffPassword(TOO_SIMPLE)


@dataclass(frozen=True)
class InitialPassword:
    """A staff member's initial or reset password: shown once to whoever set it up, to be
    changed at the first login. ``repr``/``str`` hide it, so a log line never shows it."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "<InitialPassword (hidden)>"


def one_time_password() -> str:
    """A random initial password (must be changed at first login)."""
    return secrets.token_urlsafe(9)
