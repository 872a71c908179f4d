"""``RemoteServices``: the typed service interface served by ``counter-server``.

Every method is one HTTPS call (``transport.ServerConnection``); arguments and results go
through the generic codec, refusals come back as the services' own errors. The ``actor``
argument is not sent: the server acts for the staff member its session token and database
say, and records the workstation its certificate names.

Card operations (``open_card_session``, ``change_pin``, ``reset_pin``, ``unblock_pin``,
``lift_loss_report``) need the card on this counter and the rules and keys on the server:
``card_ops`` runs the card step here between the server's rule step and its record step
(docs/ARCHITECTURE.md "Card operations in the city").
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from counter_app.api.interface import CounterServices
from counter_app.remote import card_ops
from counter_app.remote.codec import CodecError, decode, encode
from counter_app.remote.protocol import (
    CALL_PATH,
    LOGIN_PATH,
    AnswerNotUnderstood,
    NotAvailableRemotely,
)
from counter_app.remote.transport import ServerConnection
from counter_app.services.context import Actor
from counter_app.services.errors import NotPermitted
from counter_app.services.permissions import Action
from counter_app.services.queries.category import Category
from counter_app.services.queries.public import CATALOGUE_LIMIT

if TYPE_CHECKING:
    from counter_app.api.types import SupervisorApproval
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

log = logging.getLogger("counter_app.remote")


def _result(method: str, data: Any) -> Any:
    """The decoded ``result`` of ``method``; an answer this release cannot read (the server
    is of another release) is the typed ``AnswerNotUnderstood``, never the codec's text.
    The log names the method only: the answer may hold a holder's data."""
    try:
        return decode(data["result"])
    except CodecError:
        log.warning("counter-server's answer to %s not understood (another release?)", method)
        raise AnswerNotUnderstood() from None


class RemoteServices(CounterServices):
    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection
        self._four_eyes: bool | None = None  # the server's setting, once known
        self._staff_id: int | None = None  # whom the session token is for

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            body = {"args": encode(list(args)), "kwargs": encode(kwargs)}
        except CodecError as exc:  # e.g. a raw ID card read (with its photo) never travels
            raise NotAvailableRemotely() from exc
        data = self.connection.post(CALL_PATH.format(method=method), body)
        return _result(method, data)

    def _card_call(self, method: str, *args: Any) -> Any:
        """The server's half of a card operation (``server/card_steps.py``)."""
        return self._call(method, *args)

    # -- staff -------------------------------------------------------------------------

    def login(self, staff_no: str, password: str) -> LoginResult:
        data = self.connection.post(
            LOGIN_PATH, {"staff_no": staff_no, "password": password}, auth=False
        )
        self.connection.set_token(str(data["token"]))
        result: LoginResult = _result("login", data)
        self._staff_id = result.actor.staff_id
        return result

    def logout(self, actor: Actor) -> None:
        """Log out the staff session of the token — refused (``NotPermitted``) when ``actor``
        is not whom the token is for (another clerk logged in at the lock screen since): the
        server would have logged *that* clerk out."""
        if self._staff_id is not None and actor.staff_id != self._staff_id:
            raise NotPermitted()
        try:
            self._call("logout", None)
        finally:
            self.connection.set_token(None)
            self._staff_id = None

    def change_own_password(self, actor: Actor, old: str, new: str) -> None:
        self._call("change_own_password", old, new)

    def heartbeat(self, actor: Actor) -> None:
        self._call("heartbeat")

    # -- holder identification -----------------------------------------------------------

    def find_holders(self, actor: Actor, text: str) -> list[HolderHit]:
        return list(self._call("find_holders", None, text))

    def open_card_session(
        self,
        actor: Actor,
        client: SocialSecurityCardClient,
        pin: PinBuffer | None,
        *,
        pinpad: SecurePinPad | None = None,
    ) -> HolderSession:
        return card_ops.open_card_session(self._card_call, client, pin, pinpad)

    def open_id_session(
        self, actor: Actor, holder_id: int, document: IdDocument, reason: str
    ) -> HolderSession:
        result: HolderSession = self._call("open_id_session", None, holder_id, document, reason)
        return result

    def check_session_document(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike, purpose: Action
    ) -> None:
        self._call("check_session_document", None, session, document, purpose)

    def end_session(self, actor: Actor, session: HolderSession, why: str = "done") -> AccessSummary:
        result: AccessSummary = self._call("end_session", None, session, why)
        return result

    def card_removed(self, session: HolderSession) -> None:
        self._call("card_removed", session)

    def card_state(self, actor: Actor, identity: CardIdentity) -> str | None:
        state = self._call("card_state", None, identity)
        return None if state is None else str(state)

    def issue_access_slip(self, actor: Actor, session: SessionRef) -> AccessSlipResult:
        result: AccessSlipResult = self._call("issue_access_slip", None, session)
        return result

    # -- records -----------------------------------------------------------------------

    def overview(self, actor: Actor, session: HolderSession | None) -> HolderOverview:
        result: HolderOverview = self._call("overview", None, session)
        return result

    def category(self, actor: Actor, session: HolderSession | None, which: Category | str) -> Any:
        return self._call("category", None, session, which)

    def reveal_ssn(self, actor: Actor, session: HolderSession | None) -> str:
        return str(self._call("reveal_ssn", None, session))

    # -- public look-ups (RULES Q5, Q6) ------------------------------------------------

    def employer_contributions(
        self, actor: Actor, unit_number: str, months: int = 12
    ) -> EmployerContributions:
        result: EmployerContributions = self._call(
            "employer_contributions", None, unit_number, months
        )
        return result

    def work_death_benefits(self, actor: Actor, ssn: str, reason: str) -> WorkDeathBenefits:
        result: WorkDeathBenefits = self._call("work_death_benefits", None, ssn, reason)
        return result

    def search_drugs(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[DrugRow]:
        return list(self._call("search_drugs", text, limit))

    def search_treatments(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[TreatmentRow]:
        return list(self._call("search_treatments", text, limit))

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
        return card_ops.change_pin(
            self._card_call, session, client, old, new1, new2, document, pinpad
        )

    def record_new_pin_refused(
        self, actor: Actor, session: HolderSession, purpose: Action, refusal: NewPinRefusal
    ) -> None:
        self._call("record_new_pin_refused", None, session, purpose, refusal)

    def pin_reset_digest(self, actor: Actor, session: HolderSession, submission: str = "") -> str:
        return str(self._call("pin_reset_digest", None, session, submission))

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
        return card_ops.reset_pin(
            self._card_call,
            self.connection,
            session,
            client,
            document,
            new1,
            new2,
            approval,
            submission,
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
        return card_ops.unblock_pin(
            self._card_call, self.connection, session, client, document, approval, pin
        )

    def verify_after_unblock(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        result: UnblockResult,
        pin: PinBuffer | None,
    ) -> UnblockResult:
        # On this counter's card, as after the unblock itself (card_ops.unblock_pin); the
        # server audits the card's answer.
        return card_ops.verify_after_unblock(self._card_call, session, client, result, pin)

    def record_unblock_verify(
        self,
        actor: Actor,
        session: HolderSession,
        event_id: int,
        answer: str,
        tries_left: int | None = None,
        card_error: str = "",
    ) -> None:
        # The server's record step of the verify (``card.unblock_verified``), again.
        self._card_call(
            "card.unblock_verified", session, int(event_id), answer, tries_left, card_error
        )

    def reset_service_password(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike
    ) -> OneTimePassword:
        result: OneTimePassword = self._call("reset_service_password", None, session, document)
        return result

    def verify_supervisor_approval(
        self,
        actor: Actor,
        staff_no: str,
        password: str,
        request_digest: str,
        action: str = "approve",
    ) -> SupervisorApproval:
        result: SupervisorApproval = self._call(
            "verify_supervisor_approval", None, staff_no, password, request_digest, action
        )
        return result

    def four_eyes_required(self) -> bool:
        """The server's setting, asked once and kept (the window asks it after login, off
        the GUI thread; the dialogs read it as they open): a server setting does not change
        while it runs."""
        if self._four_eyes is None:
            self._four_eyes = bool(self._call("four_eyes_required"))
        return self._four_eyes

    # -- loss, lift, replacement ---------------------------------------------------------

    def register_written_loss(
        self, actor: Actor, holder_id: int, details: WrittenLossInput, idempotency_key: str
    ) -> WrittenLossResult:
        result: WrittenLossResult = self._call(
            "register_written_loss", None, holder_id, details, idempotency_key
        )
        return result

    def lift_digest(self, actor: Actor, identity: CardIdentity, idempotency_key: str) -> str:
        return str(self._call("lift_digest", None, identity, idempotency_key))

    def check_lift(
        self, actor: Actor, identity: CardIdentity, document: IdDocumentLike | None
    ) -> LiftChecklist:
        result: LiftChecklist = self._call("check_lift", None, identity, document)
        return result

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
        return card_ops.lift_loss_report(
            self._card_call,
            self.connection,
            client,
            pin,
            document,
            approval,
            idempotency_key,
            pinpad,
        )

    def apply_replacement(
        self, actor: Actor, holder_id: int, document: IdDocumentLike, idempotency_key: str
    ) -> ReplacementResult:
        result: ReplacementResult = self._call(
            "apply_replacement", None, holder_id, document, idempotency_key
        )
        return result

    def count_lapsing_phone_reports(self, actor: Actor, within_days: int | None = None) -> int:
        return int(self._call("count_lapsing_phone_reports", None, within_days))

    def lapsing_phone_reports(
        self, actor: Actor, within_days: int | None = None, limit: int | None = 500
    ) -> list[LapsingReport]:
        return list(self._call("lapsing_phone_reports", None, within_days, limit))

    def reveal_lapsing_phone(self, actor: Actor, report_id: int) -> str:
        return str(self._call("reveal_lapsing_phone", None, report_id))

    # -- documents -----------------------------------------------------------------------

    # -- service cases, ratings and follow-ups (RULES E1-E4) -----------------------------

    def case_of_session(self, actor: Actor, session_id: int) -> CaseInfo:
        result: CaseInfo = self._call("case_of_session", None, session_id)
        return result

    def attach_queue_ticket(self, actor: Actor, case_no: str, ticket: str) -> CaseInfo:
        result: CaseInfo = self._call("attach_queue_ticket", None, case_no, ticket)
        return result

    def open_case_at_workstation(self, actor: Actor) -> CaseInfo | None:
        result: CaseInfo | None = self._call("open_case_at_workstation", None)
        return result

    def close_recovered_case(self, actor: Actor, case_no: str) -> CaseInfo:
        result: CaseInfo = self._call("close_recovered_case", None, case_no)
        return result

    def record_rating(self, actor: Actor, case_no: str, answer: RatingAnswer) -> RatingStatus:
        result: RatingStatus = self._call("record_rating", None, case_no, answer)
        return result

    def record_no_answer(self, actor: Actor, case_no: str) -> RatingStatus:
        result: RatingStatus = self._call("record_no_answer", None, case_no)
        return result

    def rating_status(self, actor: Actor, case_no: str) -> RatingStatus:
        result: RatingStatus = self._call("rating_status", None, case_no)
        return result

    def rating_timeout_seconds(self) -> int:
        return int(self._call("rating_timeout_seconds"))

    def open_followups(self, actor: Actor) -> list[FollowUpItem]:
        return list(self._call("open_followups", None))

    def followup_badge(self, actor: Actor) -> FollowUpCount:
        result: FollowUpCount = self._call("followup_badge", None)
        return result

    def close_followup(
        self, actor: Actor, followup_id: int, action_taken: str, outcome: str
    ) -> FollowUpItem:
        result: FollowUpItem = self._call(
            "close_followup", None, followup_id, action_taken, outcome
        )
        return result

    def reveal_followup_phone(self, actor: Actor, followup_id: int) -> str:
        return str(self._call("reveal_followup_phone", None, followup_id))

    def render_form(self, form: Form) -> bytes:
        """Drawn on the server: the form's verification code is signed with a key only the
        server holds."""
        return bytes(self._call("render_form", form))

    def reprint_loss_form(self, actor: Actor, session: HolderSession, reason: str) -> ReprintedForm:
        """Drawn on the server, like :meth:`render_form`."""
        result: ReprintedForm = self._call("reprint_loss_form", None, session, reason)
        return result

    def make_report(
        self,
        actor: Actor,
        request: ReportRequest,
        fmt: Format,
        progress: Progress | None = None,
    ) -> bytes:
        if progress is not None:
            progress(0, 1, "正在由业务服务器生成报表…")
        data = bytes(self._call("make_report", None, request, fmt))
        if progress is not None:
            progress(1, 1, "完成")
        return data
