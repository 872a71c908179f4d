"""Concurrency enforced by the database (SCALING.md §0.2), shared by the counter use cases.

Two workstations acting on one card at once must never leave two active loss reports, lift
a replaced card, or produce a duplicate or missing form serial. The database does the
enforcing; this module holds the few tools every use case uses for it:

- :func:`begin_writer` sets ``SET LOCAL lock_timeout`` on PostgreSQL (a frozen workstation
  holding a row makes others wait at most ``settings.lock_timeout_ms``); SQLite writers
  already hold the write lock from ``BEGIN IMMEDIATE`` (``counter_app.db``).
  :func:`begin_writer_as` sets it in the statement that checks the acting account.
- :func:`lock_card` takes the card's row lock (``SELECT … FOR UPDATE``) before its state is
  read, so the state a use case decides on is the state it changes.
- :func:`cas_card_state` / :func:`cas_report_state` are compare-and-set updates: they change
  a row only from the expected state and say whether they did (a lost race shows as 0 rows).
- :func:`stored_submission` / :func:`remember_submission`: every submission carries an
  idempotency key; a retried submission whose commit acknowledgement was lost finds its
  stored result instead of being applied twice.

Every counter submission runs these, so their statements are built once at import (or once
per combination of expected states) and the hot ones run precompiled on the DB-API cursor
(``services/precompiled.py``): building and executing them through the ORM cost several
times what the database spends on them (docs/BENCHMARKS.md).
- :func:`run_submission` runs a unit of work with :func:`~counter_app.services.uow.run_retrying`
  (serialization failures, deadlocks, busy SQLite) and turns a unique violation on a natural
  key into one more attempt, in which the use case finds the existing record and answers
  "already done" with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from counter_app.models.base import Base
from counter_app.models.card import Card
from counter_app.models.loss import LossReport
from counter_app.models.office import Staff
from counter_app.models.security import IdempotencyKey
from counter_app.services.errors import ConcurrentChange, SubmissionKeyReused
from counter_app.services.precompiled import Precompiled
from counter_app.services.uow import run_retrying

T = TypeVar("T")
M = TypeVar("M", bound=Base)

#: Attempts of a unit of work that lost a race on a unique constraint.
UNIQUE_RACE_ATTEMPTS = 4


def states_in(column: ColumnElement[str], states: Iterable[str]) -> ColumnElement[bool]:
    """``column IN ('a', 'b')`` with the states written into the SQL: they are the models'
    own constants, and a statement without expanding parameters can be precompiled."""
    return column.in_([literal_column("'" + str(s).replace("'", "''") + "'") for s in states])


#: ``SET LOCAL lock_timeout`` of each timeout in use (one or two per process).
_LOCK_TIMEOUTS: dict[int, Precompiled] = {}
#: ``Session.info`` key: (the transaction, the lock timeout) already set in it.
_WRITER = "counter_app.concurrency.writer"


def begin_writer(session: Session, lock_timeout_ms: int) -> None:
    """Start the transaction with this workstation's lock timeout (PostgreSQL ``SET LOCAL``);
    nothing is sent when this transaction has it already (:func:`begin_writer_as`)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ms = int(lock_timeout_ms)
    if _writer_set(session, ms):
        return
    statement = _LOCK_TIMEOUTS.get(ms)
    if statement is None:
        statement = _LOCK_TIMEOUTS[ms] = Precompiled(text(f"SET LOCAL lock_timeout = {ms}"))
    statement.run(session, {})
    _mark_writer(session, ms)


def _writer_set(session: Session, ms: int) -> bool:
    mark = session.info.get(_WRITER)
    transaction = session.get_transaction()
    return transaction is not None and mark is not None and mark == (transaction, ms)


def _mark_writer(session: Session, ms: int) -> None:
    session.info[_WRITER] = (session.get_transaction(), ms)


_staff = Staff.__table__.c
_ACCOUNT = select(_staff.active).where(_staff.id == bindparam("staff_id"))
#: The acting account's check (the read of ``staff_active.active_in``); on PostgreSQL with
#: the writer's lock timeout set as ``SET LOCAL`` sets it (``set_config(…, is_local)``).
_ACCOUNT_AS_WRITER = {
    "postgresql": Precompiled(
        _ACCOUNT.add_columns(
            func.set_config("lock_timeout", bindparam("lock_timeout"), True).label("timeout")
        )
    ),
    "sqlite": Precompiled(_ACCOUNT),
}


def begin_writer_as(session: Session, lock_timeout_ms: int, staff_id: int) -> bool:
    """:func:`begin_writer` and the acting account's check (RULES S1–S3: a disabled account
    is refused at its next call, ``staff_active``) in the transaction's first statement.

    True while account ``staff_id`` exists and is active; on False the caller refuses and
    rolls back (the lock timeout may not be set then)."""
    dialect = session.get_bind().dialect.name
    ms = int(lock_timeout_ms)
    row = _ACCOUNT_AS_WRITER[dialect].first(
        session, {"staff_id": staff_id, "lock_timeout": str(ms)}
    )
    if row is None:
        return False
    if dialect == "postgresql":
        _mark_writer(session, ms)
    return bool(row.active)


_LOCK_CARD = (
    select(Card)
    .where(Card.id == bindparam("card_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def lock_card(session: Session, card_id: int) -> Card | None:
    """The card row, locked until the end of the transaction and freshly read."""
    return session.execute(_LOCK_CARD, {"card_id": card_id}).scalar_one_or_none()


_cards = Card.__table__.c
#: ``cards.state := :state`` from each combination of expected states in use.
_CARD_CAS: dict[tuple[str, ...], Precompiled] = {}


def cas_card_state(
    session: Session, card_id: int, expected: Collection[str], new: str, now: dt.datetime
) -> bool:
    """``cards.state := new`` only if it is one of ``expected``; True when it changed."""
    states = tuple(str(s) for s in expected)
    statement = _CARD_CAS.get(states)
    if statement is None:
        statement = _CARD_CAS[states] = Precompiled(
            update(cast(Table, Card.__table__)).where(
                _cards.id == bindparam("card_id"), states_in(_cards.state, states)
            ),
            column_keys=("state", "state_changed_at"),
        )
    values = {"card_id": card_id, "state": str(new), "state_changed_at": now}
    changed = statement.run(session, values) == 1
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


_reports = LossReport.__table__.c
#: The compare-and-set update of each (expected states, columns set) in use.
_REPORT_CAS: dict[tuple[tuple[str, ...], tuple[str, ...]], Precompiled] = {}


def cas_report_state(
    session: Session, report_id: int, expected: Collection[str], **values: object
) -> bool:
    """Update a loss report only from one of the ``expected`` states; True when it changed."""
    shape = (tuple(str(s) for s in expected), tuple(values))
    statement = _REPORT_CAS.get(shape)
    if statement is None:
        statement = _REPORT_CAS[shape] = Precompiled(
            update(cast(Table, LossReport.__table__)).where(
                _reports.id == bindparam("report_id"), states_in(_reports.state, shape[0])
            ),
            column_keys=shape[1],
        )
    plain = {k: v.value if isinstance(v, Enum) else v for k, v in values.items()}
    changed = statement.run(session, {"report_id": report_id, **plain}) == 1
    if changed:
        _mirror(session, LossReport, report_id, values)
    return changed


_keys = IdempotencyKey.__table__.c
_STORED_ACTION = Precompiled(select(_keys.action).where(_keys.key == bindparam("key")))


def stored_submission(session: Session, key: str, action: str) -> IdempotencyKey | None:
    """The stored submission under ``key``, if this key was already applied.

    Asked once per submission, nearly always of a new key: a precompiled probe, and the
    ORM row only for a key that was found."""
    stored_action = _STORED_ACTION.scalar(session, {"key": key})
    if stored_action is None:
        return None
    if stored_action != action:
        raise SubmissionKeyReused()
    return session.get(IdempotencyKey, key)


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


_REMEMBER = Precompiled(
    insert(cast(Table, IdempotencyKey.__table__)),
    column_keys=("key", "action", "staff_id", "created_at", "result_ref"),
)


def remember_submission(
    session: Session,
    key: str,
    action: str,
    staff_id: int | None,
    produced: Base | SubmissionRef,
    now: dt.datetime,
) -> None:
    """Record the submission under ``key`` in the same transaction as its effect, with the
    row it ``produced`` (:class:`SubmissionRef`; an ORM row must be flushed).

    A concurrent submission of the same key fails on the primary key and, retried, finds
    this row (:func:`stored_submission`). Every value is the service's own (a checked key,
    an action name, a ``table:id``): written with one precompiled ``INSERT``."""
    ref = produced if isinstance(produced, SubmissionRef) else SubmissionRef.of(produced)
    _REMEMBER.run(
        session,
        {
            "key": key,
            "action": str(action),
            "staff_id": staff_id,
            "created_at": now,
            "result_ref": str(ref),
        },
    )


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
