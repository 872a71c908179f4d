"""The holder's web/12333 login with the query password (RULES Q3, L1, P8).

One place decides whether a typed query password lets the caller in:

- the password is verified against its argon2 hash only (never stored, logged, audited);
  wrong ones count toward a lockout (settings ``service_password_lockout_*``);
- **P8**: a password set at a counter (``must_change``) is *one-time*: it expires
  ``service_password_one_time_hours`` after it was set (:class:`ServicePasswordExpired`),
  and the login that uses it must set the holder's own new password
  (:class:`ServicePasswordMustChange` without one). Setting the new one replaces the hash,
  so the one-time value never works again.

:func:`change_service_password` is the web/12333 "change my query password" menu;
``phone_reports.report_loss_by_phone`` calls :func:`login` inside its own transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.holder import Holder
from counter_app.models.security import Outcome, PasswordEvent, PasswordEventKind, ServicePassword
from counter_app.services.concurrency import begin_writer, run_submission
from counter_app.services.context import ServiceContext
from counter_app.services.errors import (
    PhoneIdentificationFailed,
    ServiceError,
    ServicePasswordLocked,
)
from counter_app.services.password_hashing import hash_password, verify_password
from counter_app.settings import Settings
from counter_app.validation.idnumber import normalise_id_number

#: A query password is keyed on a phone keypad: digits only, this many.
MIN_DIGITS, MAX_DIGITS = 6, 8


class ServicePasswordExpired(ServiceError):
    """RULES P8: the one-time query password set at a counter is past its validity."""

    reason = "service_password_expired"
    message = (
        "一次性查询密码已过有效期，不能再使用。请持有效身份证件到经办机构窗口重新办理查询密码重置。"
    )


class ServicePasswordMustChange(ServiceError):
    """RULES P8: the one-time query password must be replaced at this login."""

    reason = "service_password_must_change"
    message = "您使用的是一次性查询密码，须先设置新的查询密码（6–8 位数字）后才能继续办理。"


class WeakServicePassword(ServiceError):
    """RULES P8 with P7's rule: the new query password is refused."""

    reason = "weak_service_password"
    message = "新查询密码须为 6–8 位数字，且不能为 123456、相同数字或连续数字。请重新设置。"


def check_new_service_password(new: str, old: str) -> None:
    """Digits only, 6–8 of them, not the old one, not weak (P7: 123456, equal digits, a
    straight run)."""
    if not (new.isascii() and new.isdigit() and MIN_DIGITS <= len(new) <= MAX_DIGITS):
        raise WeakServicePassword()
    steps = {int(b) - int(a) for a, b in zip(new, new[1:], strict=False)}
    if new == old or new.startswith("123456") or steps in ({0}, {1}, {-1}):
        raise WeakServicePassword()


def login(
    session: Session,
    settings: Settings,
    holder_id: int,
    password: str,
    now: dt.datetime,
    new_password: str | None = None,
    *,
    channel: str = "phone",
) -> bool:
    """In the caller's transaction: let the holder in with ``password`` or raise.

    ``PhoneIdentificationFailed`` (wrong — counted, and the count committed even though the
    caller's work is refused), ``ServicePasswordLocked``, ``ServicePasswordExpired``,
    ``ServicePasswordMustChange`` (a one-time password without ``new_password``) or
    ``WeakServicePassword``. With a one-time password and an acceptable ``new_password`` the
    new one replaces it in this transaction (recorded as a password event of ``channel``).
    Returns True when the password was changed."""
    row = session.get(ServicePassword, holder_id, with_for_update=True)
    if row is None:
        verify_password(None, password)  # the same time as a real check
        raise PhoneIdentificationFailed()
    if row.locked_until is not None and _aware(row.locked_until) > now:
        raise ServicePasswordLocked()
    if not verify_password(row.password_hash, password):
        row.failed_attempts += 1
        if row.failed_attempts >= settings.service_password_lockout_failures:
            row.failed_attempts = 0
            minutes = settings.service_password_lockout_minutes
            row.locked_until = now + dt.timedelta(minutes=minutes)
        session.commit()  # the failure counts even though the caller's work is refused
        raise PhoneIdentificationFailed() from None
    row.failed_attempts = 0
    row.locked_until = None
    if not row.must_change:
        return False
    valid = dt.timedelta(hours=settings.service_password_one_time_hours)
    if _aware(row.set_at) + valid <= now:
        raise ServicePasswordExpired()
    if new_password is None:
        raise ServicePasswordMustChange()
    check_new_service_password(new_password, password)
    _replace(session, row, new_password, now, channel)
    return True


def change_service_password(
    ctx: ServiceContext, ssn: str, old: str, new: str, *, channel: str = "web"
) -> None:
    """The holder changes their query password on the website or at 12333 (P8: a one-time
    password is replaced this way, once, before it expires). Wrong ID number and wrong
    password get the same answer (``PhoneIdentificationFailed``)."""
    number = normalise_id_number(ssn)

    def work() -> None:
        with ctx.uow() as uow:
            session = uow.session
            begin_writer(session, ctx.settings.lock_timeout_ms)
            now = ctx.now()
            holder_id = session.scalar(select(Holder.id).where(Holder.ssn == number))
            if holder_id is None:
                verify_password(None, old)  # the same time as a real check
                raise PhoneIdentificationFailed()
            if not login(session, ctx.settings, holder_id, old, now, new, channel=channel):
                check_new_service_password(new, old)  # an ordinary change
                row = session.get(ServicePassword, holder_id)
                assert row is not None
                _replace(session, row, new, now, channel)
            uow.commit()

    run_submission(work)


def _replace(
    session: Session, row: ServicePassword, new: str, now: dt.datetime, channel: str
) -> None:
    row.password_hash = hash_password(new)
    row.must_change = False
    row.set_at = now
    row.set_by_staff_id = None
    session.add(
        PasswordEvent(
            at=now,
            kind=PasswordEventKind.SERVICE_PASSWORD_CHANGE,
            channel=channel,
            holder_id=row.holder_id,
            outcome=Outcome.SUCCESS,
        )
    )


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
