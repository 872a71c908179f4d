"""``InProcessServices``: the interface served by ``counter_app.services`` in this process
(the embedded workstation, the demo, the end-to-end tests).

Each method is one call into the service of the same name with the bound
``ServiceContext``. Drawing (form PDFs, report PDFs) goes through ``draw`` — the GUI passes
``TaskRunner.call_in_process``, which runs it in the helper process when one runs: reportlab
is pure Python and its CJK font tables fill the heap, so in the GUI process it would compete
with the GUI thread for the GIL. Without ``draw`` (scripts, tests) it draws on the calling
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from counter_app.api.interface import CounterServices
from counter_app.api.password_gate import PasswordGate, gate_interface_methods
from counter_app.api.types import SupervisorApproval
from counter_app.services import (
    access_slips,
    approvals,
    card_lookup,
    card_sessions,
    cases,
    document_check,
    followups,
    lifting,
    phone_reports,
    pin_change,
    pin_refusals,
    pin_reset,
    ratings,
    records,
    replacement,
    search,
    service_password,
    sessions,
    staff_login,
    unblock_verify,
    written_reports,
)
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.permissions import Action
from counter_app.services.queries.category import Category
from counter_app.services.queries.public import CATALOGUE_LIMIT

if TYPE_CHECKING:
    from counter_app.services.access_slips import AccessSlipResult
    from counter_app.services.approvals import ApprovalLike
    from counter_app.services.cases import CaseInfo
    from counter_app.services.followups import FollowUpCount, FollowUpItem
    from counter_app.services.form_reprints import ReprintedForm
    from counter_app.services.idcheck import IdDocument, IdDocumentLike
    from counter_app.services.lifting import LiftChecklist, LiftResult
    from counter_app.services.new_pin_refusal import NewPinRefusal
    from counter_app.services.phone_reports import LapsingReport
    from counter_app.services.pin_events import PasswordResult
    from counter_app.services.pin_reset import UnblockResult
    from counter_app.services.queries.holder import HolderOverview
    from counter_app.services.queries.public import (
        DrugRow,
        EmployerContributions,
        TreatmentRow,
        WorkDeathBenefits,
    )
    from counter_app.services.ratings import RatingAnswer, RatingStatus
    from counter_app.services.replacement import ReplacementResult
    from counter_app.services.search import HolderHit
    from counter_app.services.service_password import OneTimePassword
    from counter_app.services.session_summary import AccessSummary, SessionRef
    from counter_app.services.sessions import HolderSession
    from counter_app.services.staff_login import LoginResult
    from counter_app.services.written_reports import WrittenLossInput, WrittenLossResult
    from forms.data import Form
    from reader.client import SocialSecurityCardClient
    from reader.identity import CardIdentity
    from reader.pinbuffer import PinBuffer
    from reader.pinpad import SecurePinPad
    from reports.model import Progress
    from reports.runner import Format, ReportRequest

#: Runs a pure function (picklable arguments) elsewhere and returns its result.
Draw = Callable[..., Any]


def _draw_here(func: Callable[..., Any], *args: Any) -> Any:
    return func(*args)


@gate_interface_methods
class InProcessServices(CounterServices):
    """``counter_app.services`` bound to one ``ServiceContext``.

    Until a one-time staff password is changed, every call but those of
    ``password_gate.WHILE_MUST_CHANGE`` is refused (``PasswordChangeRequired``), as
    ``counter-server`` refuses them. The server builds its own with ``gate=False``: its
    dispatcher refuses from the token's caller, who is known for every call."""

    def __init__(self, ctx: ServiceContext, draw: Draw | None = None, *, gate: bool = True) -> None:
        self.ctx = ctx
        self.draw: Draw = draw or _draw_here
        self.password_gate: PasswordGate | None = PasswordGate(ctx) if gate else None

    # -- staff -------------------------------------------------------------------------

    def login(self, staff_no: str, password: str) -> LoginResult:
        result = staff_login.login(self.ctx, staff_no, password, self.ctx.settings.workstation_id)
        if self.password_gate is not None:
            self.password_gate.logged_in(result.actor.staff_id)
        return result

    def logout(self, actor: Actor) -> None:
        staff_login.logout(self.ctx, actor)
        if self.password_gate is not None:
            self.password_gate.logged_out(actor.staff_id)

    def heartbeat(self, actor: Actor) -> None:
        staff_login.heartbeat(self.ctx, actor)

    def change_own_password(self, actor: Actor, old: str, new: str) -> None:
        staff_login.change_own_password(self.ctx, actor, old, new)

    # -- holder identification -----------------------------------------------------------

    def find_holders(self, actor: Actor, text: str) -> list[HolderHit]:
        return search.find_holders(self.ctx, actor, text)

    def open_card_session(
        self,
        actor: Actor,
        client: SocialSecurityCardClient,
        pin: PinBuffer | None,
        *,
        pinpad: SecurePinPad | None = None,
    ) -> HolderSession:
        return card_sessions.open_card_session(self.ctx, actor, client, pin, pinpad=pinpad)

    def open_id_session(
        self, actor: Actor, holder_id: int, document: IdDocument, reason: str
    ) -> HolderSession:
        return sessions.open_id_session(self.ctx, actor, holder_id, document, reason)

    def check_session_document(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike, purpose: Action
    ) -> None:
        document_check.check_session_document(self.ctx, actor, session, document, purpose)

    def end_session(self, actor: Actor, session: HolderSession, why: str = "done") -> AccessSummary:
        return sessions.end_session(self.ctx, actor, session, why)

    def card_removed(self, session: HolderSession) -> None:
        sessions.card_removed(self.ctx, session)

    def card_state(self, actor: Actor, identity: CardIdentity) -> str | None:
        return card_lookup.card_state(self.ctx, actor, identity)

    def issue_access_slip(self, actor: Actor, session: SessionRef) -> AccessSlipResult:
        return access_slips.issue_access_slip(self.ctx, actor, session)

    # -- records -----------------------------------------------------------------------

    def overview(self, actor: Actor, session: HolderSession | None) -> HolderOverview:
        return records.overview(self.ctx, actor, session)

    def category(self, actor: Actor, session: HolderSession | None, which: Category | str) -> Any:
        return records.category(self.ctx, actor, session, which)

    def reveal_ssn(self, actor: Actor, session: HolderSession | None) -> str:
        return records.reveal_ssn(self.ctx, actor, session)

    def employer_contributions(
        self, actor: Actor, unit_number: str, months: int = 12
    ) -> EmployerContributions:
        return records.employer_contributions(self.ctx, actor, unit_number, months)

    def work_death_benefits(self, actor: Actor, ssn: str, reason: str) -> WorkDeathBenefits:
        return records.work_death_benefits(self.ctx, actor, ssn, reason)

    def search_drugs(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[DrugRow]:
        return records.search_drugs(self.ctx, text, limit)

    def search_treatments(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[TreatmentRow]:
        return records.search_treatments(self.ctx, text, limit)

    # -- passwords ---------------------------------------------------------------------

    def change_pin(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        old: PinBuffer | None,
        new1: PinBuffer | None,
        new2: PinBuffer | None,
        document: IdDocumentLike | str | None = None,
        *,
        pinpad: SecurePinPad | None = None,
    ) -> PasswordResult:
        return pin_change.change_pin(
            self.ctx, actor, session, client, old, new1, new2, document, pinpad=pinpad
        )

    def record_new_pin_refused(
        self, actor: Actor, session: HolderSession, purpose: Action, refusal: NewPinRefusal
    ) -> None:
        pin_refusals.record_new_pin_refused(self.ctx, actor, session, purpose, refusal)

    def pin_reset_digest(self, actor: Actor, session: HolderSession, submission: str = "") -> str:
        return pin_reset.pin_reset_digest(actor, session, submission)

    def reset_pin(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        document: IdDocumentLike,
        new1: PinBuffer,
        new2: PinBuffer,
        approval: ApprovalLike | None,
        submission: str = "",
    ) -> PasswordResult:
        return pin_reset.reset_pin(
            self.ctx, actor, session, client, document, new1, new2, approval, submission
        )

    def unblock_pin(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        document: IdDocumentLike,
        approval: ApprovalLike | None = None,
        *,
        pin: PinBuffer | None = None,
    ) -> UnblockResult:
        return pin_reset.unblock_pin(self.ctx, actor, session, client, document, approval, pin=pin)

    def verify_after_unblock(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        result: UnblockResult,
        pin: PinBuffer | None,
    ) -> UnblockResult:
        return pin_reset.verify_after_unblock(self.ctx, actor, session, client, result, pin)

    def record_unblock_verify(
        self,
        actor: Actor,
        session: HolderSession,
        event_id: int,
        answer: str,
        tries_left: int | None = None,
        card_error: str = "",
    ) -> None:
        unblock_verify.record_unblock_verify(
            self.ctx, actor, session, event_id, answer, tries_left, card_error
        )

    def reset_service_password(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike
    ) -> OneTimePassword:
        return service_password.reset_service_password(self.ctx, actor, session, document)

    def verify_supervisor_approval(
        self,
        actor: Actor,
        staff_no: str,
        password: str,
        request_digest: str,
        action: str = "approve",
    ) -> SupervisorApproval:
        row = approvals.verify_supervisor_approval(
            self.ctx, actor, staff_no, password, request_digest, action
        )
        return SupervisorApproval(int(row.id), staff_no.strip().upper())

    def four_eyes_required(self) -> bool:
        return bool(self.ctx.settings.four_eyes)

    # -- loss, lift, replacement ---------------------------------------------------------

    def register_written_loss(
        self, actor: Actor, holder_id: int, details: WrittenLossInput, idempotency_key: str
    ) -> WrittenLossResult:
        return written_reports.register_written_loss(
            self.ctx, actor, holder_id, details, idempotency_key
        )

    def lift_digest(self, actor: Actor, identity: CardIdentity, idempotency_key: str) -> str:
        return lifting.lift_digest(actor, identity, idempotency_key)

    def check_lift(
        self, actor: Actor, identity: CardIdentity, document: IdDocumentLike | None
    ) -> LiftChecklist:
        return lifting.shown_checklist(self.ctx, actor, identity, document)

    def lift_loss_report(
        self,
        actor: Actor,
        client: SocialSecurityCardClient,
        pin: PinBuffer | None,
        document: IdDocumentLike,
        approval: ApprovalLike | None,
        idempotency_key: str,
        *,
        pinpad: SecurePinPad | None = None,
    ) -> LiftResult:
        return lifting.lift_loss_report(
            self.ctx, actor, client, pin, document, approval, idempotency_key, pinpad=pinpad
        )

    def apply_replacement(
        self, actor: Actor, holder_id: int, document: IdDocumentLike, idempotency_key: str
    ) -> ReplacementResult:
        return replacement.apply_replacement(self.ctx, actor, holder_id, document, idempotency_key)

    def count_lapsing_phone_reports(self, actor: Actor, within_days: int | None = None) -> int:
        return phone_reports.count_lapsing_phone_reports(self.ctx, actor, within_days)

    def lapsing_phone_reports(
        self, actor: Actor, within_days: int | None = None, limit: int | None = 500
    ) -> list[LapsingReport]:
        return phone_reports.lapsing_phone_reports(self.ctx, actor, within_days, limit)

    def reveal_lapsing_phone(self, actor: Actor, report_id: int) -> str:
        return phone_reports.reveal_lapsing_phone(self.ctx, actor, report_id)

    # -- service cases, ratings and follow-ups -------------------------------------------

    def case_of_session(self, actor: Actor, session_id: int) -> CaseInfo:
        return cases.case_of_session(self.ctx, actor, session_id)

    def attach_queue_ticket(self, actor: Actor, case_no: str, ticket: str) -> CaseInfo:
        return cases.attach_queue_ticket(self.ctx, actor, case_no, ticket)

    def open_case_at_workstation(self, actor: Actor) -> CaseInfo | None:
        return cases.open_case_at_workstation(self.ctx, actor)

    def close_recovered_case(self, actor: Actor, case_no: str) -> CaseInfo:
        return cases.close_recovered_case(self.ctx, actor, case_no)

    def record_rating(self, actor: Actor, case_no: str, answer: RatingAnswer) -> RatingStatus:
        return ratings.record_rating(self.ctx, actor, case_no, answer)

    def record_no_answer(self, actor: Actor, case_no: str) -> RatingStatus:
        return ratings.record_no_answer(self.ctx, actor, case_no)

    def rating_status(self, actor: Actor, case_no: str) -> RatingStatus:
        return ratings.rating_status(self.ctx, actor, case_no)

    def rating_timeout_seconds(self) -> int:
        return self.ctx.settings.rating_timeout_seconds

    def open_followups(self, actor: Actor) -> list[FollowUpItem]:
        return followups.open_followups(self.ctx, actor)

    def followup_badge(self, actor: Actor) -> FollowUpCount:
        return followups.followup_badge(self.ctx, actor)

    def close_followup(
        self, actor: Actor, followup_id: int, action_taken: str, outcome: str
    ) -> FollowUpItem:
        return followups.close_followup(self.ctx, actor, followup_id, action_taken, outcome)

    def reveal_followup_phone(self, actor: Actor, followup_id: int) -> str:
        return followups.reveal_followup_phone(self.ctx, actor, followup_id)

    # -- documents -----------------------------------------------------------------------

    def render_form(self, form: Form) -> bytes:
        from counter_app.services.registered_forms import render

        return bytes(self.draw(render, form, self.ctx.settings))

    def reprint_loss_form(self, actor: Actor, session: HolderSession, reason: str) -> ReprintedForm:
        from counter_app.services.form_reprints import reprint_loss_form

        return reprint_loss_form(self.ctx, actor, session, reason, self.draw)

    def make_report(
        self,
        actor: Actor,
        request: ReportRequest,
        fmt: Format,
        progress: Progress | None = None,
    ) -> bytes:
        from counter_app.services.reporting import build_report, render_report

        last = [0, 1]

        def relay(done: int, total: int, message: str) -> None:
            last[:] = [done, total]
            if progress is not None:
                progress(done, total, message)

        report = build_report(self.ctx, actor, request, fmt, relay)
        data = self.draw(render_report, report, fmt)
        if progress is not None:
            progress(last[1], last[1], "完成")
        return bytes(data)
