"""Before a one-time staff password is changed, no work (RULES S1–S3: an initial or reset
password must be changed first; ``PasswordChangeRequired``).

:data:`WHILE_MUST_CHANGE` is the one list of the calls such an account may make — its own
password change, logout, the heartbeat that locks a window whose session ended, and whether
four eyes are required (the change dialog asks it). Both compositions refuse everything
else with the same error:

- ``counter-server`` in its dispatcher (``server.rpc``), from the caller its token and the
  database name;
- the in-process services (embedded workstation, demo) through :class:`PasswordGate`, so a
  screen that forgets to ask for the new password first still cannot work.

``login`` is not gated: it is how the account gets the chance to change the password.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select

from counter_app.api.interface import CounterServices
from counter_app.models.office import Staff
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import PasswordChangeRequired

#: Allowed before an initial or reset password is changed (both compositions).
WHILE_MUST_CHANGE = frozenset({"logout", "change_own_password", "heartbeat", "four_eyes_required"})
#: Never gated: the call that tells the workstation a change is due.
UNGATED = WHILE_MUST_CHANGE | {"login"}


class PasswordGate:
    """Who is working at this in-process workstation, and whether they may work yet.

    The account's flag in the database decides (as the server's authenticator reads it on
    every call): a password reset by an administrator while the clerk is logged in stops
    work at the next call. A call that names no actor (a catalogue search, a form's PDF) is
    the workstation's logged-in staff member's: the last :meth:`logged_in`, until their
    :meth:`logged_out`."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._current: int | None = None

    def logged_in(self, staff_id: int) -> None:
        self._current = staff_id

    def logged_out(self, staff_id: int) -> None:
        if self._current == staff_id:
            self._current = None

    def check(self, actor: Actor | None) -> None:
        """Raise ``PasswordChangeRequired`` when the caller's password must be changed."""
        staff_id = actor.staff_id if actor is not None else self._current
        if staff_id is not None and self._must_change(staff_id):
            raise PasswordChangeRequired()

    def _must_change(self, staff_id: int) -> bool:
        with self._ctx.read_uow() as uow:
            flag = uow.session.scalar(
                select(Staff.must_change_password).where(Staff.id == staff_id)
            )
        return bool(flag)


Services = TypeVar("Services")


def _gated(func: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(func)
    takes_actor = "actor" in signature.parameters

    @functools.wraps(func)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        gate: PasswordGate | None = self.password_gate
        if gate is not None:
            actor = (
                signature.bind(self, *args, **kwargs).arguments.get("actor")
                if takes_actor
                else None
            )
            gate.check(actor if isinstance(actor, Actor) else None)
        return func(self, *args, **kwargs)

    return call


def gate_interface_methods(cls: type[Services]) -> type[Services]:
    """Class decorator: every abstract method of ``CounterServices`` that ``cls`` implements,
    except :data:`UNGATED`, first asks ``self.password_gate`` (``None``: no gate — the
    server, whose dispatcher refuses from the token's caller)."""
    for name in gated_methods(CounterServices):
        setattr(cls, name, _gated(getattr(cls, name)))
    return cls


def gated_methods(interface: type) -> frozenset[str]:
    """The interface methods refused while a password change is due."""
    return frozenset(getattr(interface, "__abstractmethods__", ())) - UNGATED
