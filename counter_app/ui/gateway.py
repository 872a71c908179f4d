"""The UI's door to the services: one object that binds the ``ServiceContext``.

Every method is a plain call into ``counter_app.services`` (it runs on a pool thread via
``TaskRunner``, never on the GUI thread). The service modules are looked up by name when
first used, so a workstation whose build lacks one shows its refusal (``ServiceMissing``)
on that action only. Tests pass a fake with the same methods (cosmicpython's fakes).

Drawing (form PDFs, report PDFs) goes to the runner's helper process when one is running
(``TaskRunner.call_in_process``): reportlab is pure Python and its CJK font tables fill the
heap, so in the GUI process it competes with the GUI thread for the GIL. Without a helper
process (tests, scripts) it draws right here, on the calling pool thread.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import ServiceError

if TYPE_CHECKING:
    from counter_app.ui.tasks import TaskRunner


class ServiceMissing(ServiceError):
    reason = "service_missing"
    message = "此项业务功能尚未安装在本工作站。请联系系统管理员。"


class ServiceGateway:
    """Binds ``ctx`` (and the workstation id) to the service functions."""

    def __init__(self, ctx: ServiceContext, runner: TaskRunner | None = None) -> None:
        self.ctx = ctx
        #: Whose helper process draws PDFs (None: draw in this process).
        self.runner = runner

    # -- lookup ------------------------------------------------------------------------

    def function(self, module: str, name: str) -> Callable[..., Any]:
        try:
            mod = importlib.import_module(f"counter_app.services.{module}")
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("counter_app.services"):
                raise ServiceMissing(f"{ServiceMissing.message}（services.{module}）") from error
            raise
        func = getattr(mod, name, None)
        if func is None:
            raise ServiceMissing(f"{ServiceMissing.message}（services.{module}.{name}）")
        return func  # type: ignore[no-any-return]

    def available(self, module: str, name: str) -> bool:
        try:
            self.function(module, name)
        except ServiceMissing:
            return False
        return True

    def call(self, module: str, name: str, *args: Any, **kwargs: Any) -> Any:
        """``services.<module>.<name>(ctx, *args, **kwargs)``."""
        return self.function(module, name)(self.ctx, *args, **kwargs)

    # -- the calls the main screens make -------------------------------------------------

    def login(self, staff_no: str, password: str) -> Any:
        workstation = self.ctx.settings.workstation_id
        return self.call("staff_login", "login", staff_no, password, workstation)

    def logout(self, actor: Actor) -> None:
        if self.available("staff_login", "logout"):
            self.call("staff_login", "logout", actor)

    def find_holders(self, actor: Actor, text: str) -> list[Any]:
        return list(self.call("search", "find_holders", actor, text))

    def open_card_session(self, actor: Actor, card_client: Any, pin: Any) -> Any:
        return self.call("sessions", "open_card_session", actor, card_client, pin)

    def open_id_session(self, actor: Actor, holder_id: Any, document: Any, reason: str) -> Any:
        return self.call("sessions", "open_id_session", actor, holder_id, document, reason)

    def end_session(self, actor: Actor, session: Any) -> Any:
        return self.call("sessions", "end_session", actor, session)

    def card_removed(self, session: Any) -> None:
        """The session's card left the reader: the service ends a card session."""
        self.call("sessions", "card_removed", session)

    def access_summary(self, actor: Actor, session: Any) -> Any:
        """The access slip's data of a session the card's removal already ended
        (``end_session`` is safe to call again: it closes nothing twice)."""
        return self.call("sessions", "end_session", actor, session, "card_removed")

    # -- workflows ---------------------------------------------------------------------

    def four_eyes_required(self) -> bool:
        """Setting ``four_eyes``: a supervisor approves resets and lifts (no I/O)."""
        return bool(self.ctx.settings.four_eyes)

    def render_form(self, form: Any) -> bytes:
        """The PDF of plain form data (``forms.data``), with this deployment's form key —
        drawn in the helper process when one runs. Pool thread only (it blocks)."""
        if self._offload():
            from counter_app.ui.offprocess import render_form

            assert self.runner is not None
            return bytes(self.runner.call_in_process(render_form, form, self.ctx.settings))
        return bytes(self.function("forms", "render")(form, self.ctx.settings))

    def issue_access_slip(self, actor: Actor, session: Any) -> Any:
        """The ended session's access slip, issued once as a registered form (Q7)."""
        return self.call("access_slips", "issue_access_slip", actor, session)

    def make_report(
        self, actor: Actor, request: Any, fmt: str, progress: Callable[[int, int, str], None]
    ) -> bytes:
        """A supervisor's report (``services.reporting``: permission, audit, the queries on
        this pool thread); the PDF drawn in the helper process when one runs."""
        last = [0, 1]

        def relay(done: int, total: int, message: str) -> None:
            last[:] = [done, total]
            progress(done, total, message)

        report = self.call("reporting", "build_report", actor, request, fmt, relay)
        if fmt == "pdf" and self._offload():
            from counter_app.ui.offprocess import render_report

            assert self.runner is not None
            data = self.runner.call_in_process(render_report, report, fmt)
        else:
            data = self.function("reporting", "render_report")(report, fmt)
        progress(last[1], last[1], "完成")
        return bytes(data)

    def _offload(self) -> bool:
        return self.runner is not None and self.runner.process is not None

    def reveal_ssn(self, actor: Actor, session: Any) -> str:
        """The full ID number, on the clerk's explicit request (audited by the service)."""
        return str(self.call("records", "reveal_ssn", actor, session))

    def overview(self, actor: Actor, session: Any) -> Any:
        return self.call("records", "overview", actor, session)

    def category(self, actor: Actor, session: Any, category: Any) -> Any:
        return self.call("records", "category", actor, session, category)

    def category_member(self, key: str, position: int) -> Any:
        """The ``records.Category`` member for a tab: by name, by value, else by position."""
        mod = importlib.import_module("counter_app.services.records")
        enum = getattr(mod, "Category", None)
        if enum is None:
            return key
        for member in enum:
            if member.name.lower() == key or str(member.value).lower() == key:
                return member
        members = list(enum)
        return members[position] if position < len(members) else key
