"""Who is acting, where, and with which collaborators: passed into every service call.

Built once at start-up by the composition root (the GUI's ``app.py`` or the CLI) and passed
in; no module-level engine, no global application object (docs/ARCHITECTURE.md "The
composition root").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from counter_app import db
from counter_app.services.permissions import Action, OfficeKind, Role, allowed, refusal_reason
from counter_app.services.uow import LookupUnit, SessionFactory, UnitOfWork
from counter_app.settings import Settings
from reader.keys import KeyProvider


@dataclass(frozen=True)
class Actor:
    """The logged-in staff member at this workstation (RULES S1, S2)."""

    staff_id: int
    staff_no: str
    name: str
    role: Role
    office_id: int
    office_code: str
    office_name: str
    office_kind: OfficeKind
    #: 6-digit district code of the office; None for the city card service center (S2).
    district_code: str | None
    workstation_id: str

    def may(self, action: Action) -> bool:
        return allowed(self.role, self.office_kind, action)

    def why_not(self, action: Action) -> str:
        return refusal_reason(self.role, self.office_kind, action)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    """The collaborators every use case needs, built once at start-up."""

    session_factory: SessionFactory
    settings: Settings
    key_provider: KeyProvider | None = None
    clock: Callable[[], datetime] = field(default=utcnow)
    #: Sessions for pure reads; derived from ``session_factory`` when not given.
    read_session_factory: SessionFactory | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def lookup(self) -> LookupUnit:
        """The unit of work of an audited lookup (a record view, a holder search): its reads
        and its audit event in one transaction on a Core connection, without an ORM session
        (``uow.LookupUnit``)."""
        return LookupUnit(self.session_factory)

    def read_uow(self) -> UnitOfWork:
        """A unit of work for reads that write nothing, not even an audit event (public
        catalogues): on SQLite a deferred transaction that never takes, nor queues for,
        the write lock held by a window registering a loss report. Anything audited —
        every holder look-up — uses :meth:`uow`, so that its audit event is in the same
        transaction as the read (RULES Q7)."""
        if self.read_session_factory is None:
            self.read_session_factory = (
                db.read_only_factory(self.session_factory) or self.session_factory
            )
        return UnitOfWork(self.read_session_factory)

    def now(self) -> datetime:
        return self.clock()
