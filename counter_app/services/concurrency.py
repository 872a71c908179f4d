"""Concurrency enforced by the database (SCALING.md §0.2), shared by the counter use cases.

Two workstations acting on one card at once must never leave two active loss reports, lift
a replaced card, or produce a duplicate or missing form serial. The database does the
enforcing; this module holds the few tools every use case uses for it:

- :func:`begin_writer` sets ``SET LOCAL lock_timeout`` on PostgreSQL (a frozen workstation
  holding a row makes others wait at most ``settings.lock_timeout_ms``); SQLite writers
  already hold the write lock from ``BEGIN IMMEDIATE`` (``counter_app.db``).
- :func:`lock_card` takes the card's row lock (``SELECT … FOR UPDATE``) before its state is
  read, so the state a use case decides on is the state it changes.
- :func:`cas_card_state` / :func:`cas_report_state` are compare-and-set updates: they change
  a row only from the expected state and say whether they did (a lost race shows as 0 rows).
- :func:`stored_submission` / :func:`remember_submission`: every submission carries an
  idempotency key; a retried submission whose commit acknowledgement was lost finds its
  stored result instead of being applied twice.
- :func:`run_submission` runs a unit of work with :func:`~counter_app.services.uow.run_retrying`
  (serialization failures, deadlocks, busy SQLite) and turns a unique violation on a natural
  key into one more attempt, in which the use case finds the existing record and answers
  "already done" with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from counter_app.models.base import Base
from counter_app.models.card import Card
from counter_app.models.loss import LossReport
from counter_app.models.security import IdempotencyKey
from counter_app.services.errors import ConcurrentChange, SubmissionKeyReused
from counter_app.services.uow import run_retrying

T = TypeVar("T")
M = TypeVar("M", bound=Base)

#: Attempts of a unit of work that lost a race on a unique constraint.
UNIQUE_RACE_ATTEMPTS = 4


def begin_writer(session: Session, lock_timeout_ms: int) -> None:
    """Start the transaction with this workstation's lock timeout (PostgreSQL ``SET LOCAL``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}"))


def lock_card(session: Session, card_id: int) -> Card | None:
    """The card row, locked until the end of the transaction and freshly read."""
    return session.execute(
        select(Card)
        .where(Card.id == card_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def cas_card_state(
    session: Session, card_id: int, expected: Collection[str], new: str, now: dt.datetime
) -> bool:
    """``cards.state := new`` only if it is one of ``expected``; True when it changed."""
    result = session.execute(
        update(Card)
        .where(Card.id == card_id, Card.state.in_(list(expected)))
        .values(state=new, state_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    changed = bool(getattr(result, "rowcount", 0) == 1)
    if changed:
        _mirror(session, Card, card_id, {"state": new, "state_changed_at": now})
    return changed


def _mirror(session: Session, model: type[Base], key: int, values: dict[str, object]) -> None:
    """A compare-and-set ``UPDATE`` changed row ``key``: its object, if the session holds
    it, takes the new values as loaded state — exactly what a reload would read, without
    the reload (nor the reload of every other object an ``expire_all`` would cause)."""
    held = session.identity_map.get(identity_key(model, key))
    if held is not None:
        for name, value in values.items():
            # As loaded: a state column holds its plain string, not the enum it was set from.
            plain = value.value if isinstance(value, Enum) else value
            set_committed_value(held, name, plain)


def cas_report_state(
    session: Session, report_id: int, expected: Collection[str], **values: object
) -> bool:
    """Update a loss report only from one of the ``expected`` states; True when it changed."""
    result = session.execute(
        update(LossReport)
        .where(LossReport.id == report_id, LossReport.state.in_(list(expected)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = bool(getattr(result, "rowcount", 0) == 1)
    if changed:
        _mirror(session, LossReport, report_id, values)
    return changed


def stored_submission(session: Session, key: str, action: str) -> IdempotencyKey | None:
    """The stored submission under ``key``, if this key was already applied."""
    row = session.get(IdempotencyKey, key)
    if row is not None and row.action != action:
        raise SubmissionKeyReused()
    return row


@dataclass(frozen=True)
class SubmissionRef:
    """The row a remembered submission produced: its table and primary key. Stored in
    ``idempotency_keys.result_ref`` as ``table:id``; only this class writes or reads that."""

    table: str
    row_id: int

    @classmethod
    def of(cls, row: Base) -> SubmissionRef:
        row_id = getattr(row, "id", None)
        if not isinstance(row_id, int):
            raise ValueError("a submission's row must be flushed (it needs its id)")
        return cls(row.__tablename__, row_id)

    @classmethod
    def parse(cls, stored: str | None) -> SubmissionRef | None:
        table, _, row_id = (stored or "").partition(":")
        return cls(table, int(row_id)) if table and row_id.isdigit() else None

    def __str__(self) -> str:
        return f"{self.table}:{self.row_id}"


def remember_submission(
    session: Session,
    key: str,
    action: str,
    staff_id: int | None,
    produced: Base,
    now: dt.datetime,
) -> None:
    """Record the submission under ``key`` in the same transaction as its effect, with the
    row it ``produced`` (:class:`SubmissionRef`).

    A concurrent submission of the same key fails on the primary key and, retried, finds
    this row (:func:`stored_submission`)."""
    ref = str(SubmissionRef.of(produced))
    session.add(
        IdempotencyKey(key=key, action=action, staff_id=staff_id, created_at=now, result_ref=ref)
    )
    session.flush()


def submitted_row(session: Session, stored: IdempotencyKey, model: type[M]) -> M:
    """The row that the remembered submission ``stored`` produced, of table ``model``."""
    ref = SubmissionRef.parse(stored.result_ref)
    if ref is None or ref.table != model.__tablename__:
        raise ValueError(f"submission {stored.action} did not produce a {model.__tablename__} row")
    row = session.get(model, ref.row_id)
    if row is None:
        raise ValueError(f"the row of submission {stored.action} is gone")
    return row


def check_key(key: str) -> str:
    """An idempotency key as given by the UI: 8–64 printable ASCII characters."""
    if not 8 <= len(key) <= 64 or not key.isascii() or not key.isprintable():
        raise ValueError("idempotency key must be 8-64 printable ASCII characters")
    return key


def is_unique_violation(error: BaseException) -> bool:
    if not isinstance(error, sa_exc.IntegrityError):
        return False
    state = getattr(getattr(error, "orig", None), "sqlstate", None)
    if state is not None:
        return str(state) == "23505"
    return "unique constraint" in str(getattr(error, "orig", error)).lower()


def run_submission(work: Callable[[], T]) -> T:
    """Run ``work`` (one unit of work) with retries; a lost unique race is retried too.

    In the retry the use case sees the committed winner and answers with it ("already
    done", or the domain refusal that shows the existing record)."""
    for attempt in range(1, UNIQUE_RACE_ATTEMPTS + 1):
        try:
            return run_retrying(work)
        except sa_exc.IntegrityError as error:
            if is_unique_violation(error) and attempt < UNIQUE_RACE_ATTEMPTS:
                continue
            if is_unique_violation(error):
                raise ConcurrentChange() from error
            raise
    raise AssertionError("unreachable")
