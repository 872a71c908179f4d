"""Staff credentials: password hashing, the account as login sees it, lockout counting.

What staff login (``staff_login``), account administration (``staff_accounts``) and the
supervisor's four-eyes approval (``approvals``) share (issue 8):

- Passwords are argon2id hashes (argon2-cffi) with at least the OWASP parameters
  (m ≥ 19 MiB, t ≥ 2, p = 1: :data:`HASH_POLICY`); a hash made with other parameters is
  re-hashed at the next successful login, so raising the policy upgrades every account.
- :func:`verify_password` costs one argon2 verification even for an unknown account (a
  dummy hash), so the time does not tell an unknown staff number apart.
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
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.models.office import Office, Staff
from counter_app.services.context import ServiceContext
from counter_app.services.errors import WeakStaffPassword


@dataclass(frozen=True)
class HashPolicy:
    """argon2id parameters for staff passwords (OWASP: m ≥ 19 MiB, t ≥ 2, p = 1)."""

    time_cost: int = 2
    memory_cost_kib: int = 19 * 1024
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return _hasher(self)


#: The policy in force. Raise it here; existing hashes are upgraded at each next login.
HASH_POLICY = HashPolicy()

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=8)
def _hasher(policy: HashPolicy) -> PasswordHasher:
    return PasswordHasher(
        time_cost=policy.time_cost,
        memory_cost=policy.memory_cost_kib,
        parallelism=policy.parallelism,
        type=Type.ID,
    )


@lru_cache(maxsize=8)
def _dummy_hash(policy: HashPolicy) -> str:
    """A hash of a random secret: verified for unknown users so they cost the same time."""
    return policy.hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str, policy: HashPolicy | None = None) -> str:
    """An argon2id hash of ``password`` under ``policy`` (default: :data:`HASH_POLICY`)."""
    return (policy or HASH_POLICY).hasher().hash(password)


def needs_rehash(password_hash: str, policy: HashPolicy | None = None) -> bool:
    """True when ``password_hash`` was not made with exactly the policy's parameters."""
    policy = policy or HASH_POLICY
    try:
        params = extract_parameters(password_hash)
    except InvalidHashError:
        return True
    return (
        params.type is not Type.ID
        or params.time_cost != policy.time_cost
        or params.memory_cost != policy.memory_cost_kib
        or params.parallelism != policy.parallelism
    )


def verify_password(password_hash: str | None, password: str) -> bool:
    """One argon2 verification; a missing hash still costs one (the dummy)."""
    target = password_hash or _dummy_hash(HASH_POLICY)
    try:
        ok = HASH_POLICY.hasher().verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeEncodeError):
        return False  # UnicodeEncodeError: a lone surrogate typed, never a password
    return bool(ok) and password_hash is not None


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
        select(Staff.id, Staff.staff_no, Staff.name, Staff.role, Staff.active,
               Staff.password_hash, Staff.must_change_password, Staff.failed_logins,
               Staff.locked_until, Office.id, Office.code, Office.name, Office.kind,
               Office.district_code)
        .join(Office, Office.id == Staff.office_id)
        .where(Staff.staff_no == staff_no)
    )  # fmt: skip
    if for_update:
        query = query.with_for_update(of=Staff)
    row = db.execute(query).first()
    if row is None:
        return None
    values: tuple[Any, ...] = tuple(row)
    return Account(*values)


def is_locked(account: Account, now: dt.datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def reserve_attempt(
    ctx: ServiceContext, db: Session, staff_id: int, now: dt.datetime
) -> bool:
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
            update(Staff).where(Staff.id == staff_id)
            .values(locked_until=until, failed_logins=0)
        )  # fmt: skip
        return True
    db.execute(update(Staff).where(Staff.id == staff_id).values(failed_logins=failures))
    return False


def clear_attempts(db: Session, staff_id: int) -> None:
    """The password was right: the attempts counted so far (and a lock that the last one
    allowed set) no longer stand."""
    db.execute(update(Staff).where(Staff.id == staff_id)
               .values(failed_logins=0, locked_until=None))  # fmt: skip


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


def check_new_password(staff_no: str, old: str, new: str) -> None:
    if len(new) < MIN_PASSWORD_LENGTH or new == old or new.strip().upper() == staff_no.upper():
        raise WeakStaffPassword()
    if len(set(new)) < 4:
        raise WeakStaffPassword()


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
