"""One endpoint per interface method: decode the arguments, put the authenticated actor in
place of whatever the client sent, call the in-process implementation (the server's own
``ServiceContext``), encode the result.

Which methods travel is decided here, from ``CounterServices`` itself:

- every abstract method of the interface, except ``login`` (its own endpoint: the
  workstation id comes from the certificate) and the card operations listed in
  :data:`CARD_METHODS` — they drive the card reader, which sits on the workstation; the
  workstation calls their server halves instead (``card_steps.CARD_STEPS``, ``card.*``:
  the rule step before the card, the record step after, docs/ARCHITECTURE.md);
- :data:`EXTRA_METHODS`: staff calls the workstation makes outside the interface.

A progress callback (``make_report``) does not travel: the server passes none.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from counter_app.api.inprocess import InProcessServices
from counter_app.api.interface import CounterServices
from counter_app.api.password_gate import WHILE_MUST_CHANGE
from counter_app.remote.codec import CodecError, decode, encode
from counter_app.remote.protocol import NotAvailableRemotely, ServerFault
from counter_app.server.auth import Caller
from counter_app.server.card_steps import CARD_STEPS
from counter_app.server.keys import KeyService
from counter_app.services import staff_login
from counter_app.services.errors import NotPermitted, PasswordChangeRequired, ServiceError
from counter_app.services.sessions import HolderSession
from counter_app.validation.errors import ValidationError

log = logging.getLogger("counter_server.rpc")

#: Interface methods that take the workstation's card client (the card is on the counter).
CARD_METHODS = frozenset(
    {
        "open_card_session",
        "change_pin",
        "reset_pin",
        "unblock_pin",
        "verify_after_unblock",
        "lift_loss_report",
    }
)
#: Not sent as arguments: a callback, a card client, a PIN pad.
LOCAL_ONLY_PARAMS = frozenset({"progress", "client", "pinpad"})


def _change_own_password(ctx: Any, actor: Any, old: str, new: str) -> None:
    staff_login.change_own_password(ctx, actor, old, new)


def _heartbeat(ctx: Any, actor: Any) -> None:
    staff_login.heartbeat(ctx, actor)


#: name -> function(ctx, actor, *args): staff calls outside ``CounterServices``.
EXTRA_METHODS: dict[str, Callable[..., Any]] = {
    "change_own_password": _change_own_password,
    "heartbeat": _heartbeat,
}


def interface_methods() -> frozenset[str]:
    """The interface methods a workstation may call through ``/v1/call``."""
    names = {name for name in getattr(CounterServices, "__abstractmethods__", ())}
    return frozenset(names - {"login"} - CARD_METHODS)


class Dispatcher:
    def __init__(self, services: InProcessServices, keys: KeyService | None = None) -> None:
        self.services = services
        self.keys = keys
        self.methods = interface_methods()

    def call(self, caller: Caller, method: str, body: Any) -> Any:
        """The encoded result of ``method``, or a ``ServiceError`` raised."""
        if method in CARD_METHODS:
            raise NotAvailableRemotely()
        if (
            method not in self.methods
            and method not in EXTRA_METHODS
            and (method not in CARD_STEPS or self.keys is None)
        ):
            raise ServerFault(f"{ServerFault.message}（未知调用 {method[:40]}）")
        if caller.must_change_password and method not in WHILE_MUST_CHANGE:
            raise PasswordChangeRequired()
        try:
            args = decode(body.get("args", [])) if isinstance(body, dict) else None
            kwargs = decode(body.get("kwargs", {"$map": []})) if isinstance(body, dict) else None
        except CodecError as exc:
            log.warning("undecodable arguments for %s: %s", method, exc)
            raise ServerFault() from exc
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise ServerFault()
        if method in CARD_STEPS:  # the server's half of a card operation (card_steps.py)
            self._check_sessions(caller, args)
            step = CARD_STEPS[method]
            return encode(step(self.services.ctx, caller, self.keys, *args, **kwargs))
        if method in EXTRA_METHODS:
            func = EXTRA_METHODS[method]
            return encode(func(self.services.ctx, caller.actor, *args, **kwargs))
        bound = getattr(self.services, method)
        try:
            arguments = inspect.signature(bound).bind(*args, **kwargs)
        except TypeError as exc:
            log.warning("bad arguments for %s: %s", method, exc)
            raise ServerFault() from exc
        if "actor" in arguments.signature.parameters:
            # The client's idea of who is acting is ignored (issue: audit from the server's
            # view): the actor is the one the token and the database say.
            arguments.arguments["actor"] = caller.actor
        for name in LOCAL_ONLY_PARAMS & set(arguments.signature.parameters):
            arguments.arguments.pop(name, None)
        self._check_sessions(caller, arguments.arguments.values())
        return encode(bound(*arguments.args, **arguments.kwargs))

    @staticmethod
    def _check_sessions(caller: Caller, values: Any) -> None:
        """A holder session passed by the client must be this staff member's (the services
        check the row for calls that take the actor; ``card_removed`` takes none)."""
        for value in values:
            if isinstance(value, HolderSession) and value.staff_id != caller.actor.staff_id:
                raise NotPermitted()


def run_call(dispatcher: Dispatcher, caller: Caller, method: str, body: Any) -> Any:
    """``dispatcher.call`` with every non-business failure turned into ``ServerFault``
    (logged here with its traceback; the client sees only the Chinese message)."""
    try:
        return dispatcher.call(caller, method, body)
    except (ServiceError, ValidationError):
        raise
    except Exception as exc:
        log.exception("call %s failed", method)
        raise ServerFault() from exc
