"""``CounterServices``: every service call the workstation makes, typed.

Each abstract method is the service function of the same name in ``counter_app.services``
without its first parameter (the ``ServiceContext``, which an implementation binds; the
workstation id too, for ``login``). Arguments and results are plain data — the services'
dataclasses and enums, ``IdDocument``, ``PinBuffer`` — never a database row, so a remote
client can carry them over HTTPS. Card operations take the card client (and optional PIN
pad) of the reader the workstation holds, as the services do; ``make_report`` takes an
optional progress callback, called on the calling thread.

Implementations: ``InProcessServices`` (``counter_app.api.inprocess``), the remote client
of ``counter-server``, and the GUI tests' fakes (``tests/gui/fakes.py``). Subclass this
class: mypy then checks every override against these signatures, and a class that misses a
method cannot be instantiated.

To add a call: declare it here (abstract, the service's signature without ``ctx``),
implement it in ``InProcessServices`` (one line into the service) and in every other
implementation; the UI calls it on its ``services`` object on a pool thread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from counter_app.services.permissions import Action
from counter_app.services.queries.category import Category
from counter_app.services.queries.public import CATALOGUE_LIMIT

if TYPE_CHECKING:
    from counter_app.api.types import SupervisorApproval
    from counter_app.services.access_slips import AccessSlipResult
    from counter_app.services.approvals import ApprovalLike
    from counter_app.services.cases import CaseInfo
    from counter_app.services.context import Actor
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


def category_member(key: str, position: int) -> Category | str:
    """The ``Category`` of a record tab: by name, by value, else by position."""
    for member in Category:
        if member.name.lower() == key or str(member.value).lower() == key:
            return member
    members = list(Category)
    return members[position] if 0 <= position < len(members) else key


class CounterServices(ABC):
    """The services as the workstation sees them. All methods block: call them on a pool
    thread (card operations on the card thread), never on the GUI thread."""

    # -- staff (staff_login) -----------------------------------------------------------

    @abstractmethod
    def login(self, staff_no: str, password: str) -> LoginResult: ...

    @abstractmethod
    def logout(self, actor: Actor) -> None: ...

    @abstractmethod
    def heartbeat(self, actor: Actor) -> None:
        """Raise ``StaffSessionEnded`` when the actor's staff session has ended elsewhere
        (account disabled, logged out): the window then locks."""

    @abstractmethod
    def change_own_password(self, actor: Actor, old: str, new: str) -> None:
        """The logged-in staff member's own password: required after an initial or reset
        one (``LoginResult.must_change_password``). ``WeakStaffPassword`` names the rule a
        new password breaks; a wrong ``old`` is ``LoginFailed`` (counts toward the lockout)."""

    # -- finding and identifying the holder (search, sessions, document_check) ---------

    @abstractmethod
    def find_holders(self, actor: Actor, text: str) -> list[HolderHit]: ...

    @abstractmethod
    def open_card_session(
        self,
        actor: Actor,
        client: SocialSecurityCardClient,
        pin: PinBuffer | None,
        *,
        pinpad: SecurePinPad | None = None,
    ) -> HolderSession: ...

    @abstractmethod
    def open_id_session(
        self, actor: Actor, holder_id: int, document: IdDocument, reason: str
    ) -> HolderSession:
        """RULES Q7: the service compares the document's number with the holder's record."""

    @abstractmethod
    def check_session_document(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike, purpose: Action
    ) -> None:
        """The document is the session holder's (checked against the database), or the
        service's refusal (``IdDocumentMismatch``)."""

    @abstractmethod
    def end_session(
        self, actor: Actor, session: HolderSession, why: str = "done"
    ) -> AccessSummary: ...

    @abstractmethod
    def card_removed(self, session: HolderSession) -> None: ...

    @abstractmethod
    def card_state(self, actor: Actor, identity: CardIdentity) -> str | None:
        """The issuer's state of the card read from the chip (no holder data), or None."""

    @abstractmethod
    def issue_access_slip(self, actor: Actor, session: SessionRef) -> AccessSlipResult: ...

    # -- records -----------------------------------------------------------------------

    @abstractmethod
    def overview(self, actor: Actor, session: HolderSession | None) -> HolderOverview: ...

    @abstractmethod
    def category(
        self, actor: Actor, session: HolderSession | None, which: Category | str
    ) -> Any: ...

    @abstractmethod
    def reveal_ssn(self, actor: Actor, session: HolderSession | None) -> str: ...

    # -- public look-ups, no holder (records; RULES Q5, Q6) ----------------------------

    @abstractmethod
    def employer_contributions(
        self, actor: Actor, unit_number: str, months: int = 12
    ) -> EmployerContributions:
        """单位医疗保险缴费 by unit number (Q5): needs the permission, audited employer.view."""

    @abstractmethod
    def work_death_benefits(self, actor: Actor, ssn: str, reason: str) -> WorkDeathBenefits:
        """工亡人员待遇 by the deceased's social security number (Q5), for the family: needs
        the permission and a reason, audited work_death.view (Q7); 无记录 for a number with
        no work-death record."""

    @abstractmethod
    def search_drugs(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[DrugRow]:
        """药品目录 by name, code or pinyin initials (Q6: published, no holder, no audit)."""

    @abstractmethod
    def search_treatments(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[TreatmentRow]:
        """诊疗项目, searched like :meth:`search_drugs` (Q6)."""

    # -- passwords (pin_change, pin_reset, service_password, approvals) ------------------

    @abstractmethod
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
    ) -> PasswordResult: ...

    @abstractmethod
    def record_new_pin_refused(
        self, actor: Actor, session: HolderSession, purpose: Action, refusal: NewPinRefusal
    ) -> None:
        """Audit the holder keypad's refusal of a new PIN (RULES P7, S3): which rule, no digit."""

    @abstractmethod
    def pin_reset_digest(
        self, actor: Actor, session: HolderSession, submission: str = ""
    ) -> str: ...

    @abstractmethod
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
    ) -> PasswordResult: ...

    @abstractmethod
    def unblock_pin(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        document: IdDocumentLike,
        approval: ApprovalLike | None = None,
        *,
        pin: PinBuffer | None = None,
    ) -> UnblockResult: ...

    @abstractmethod
    def verify_after_unblock(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        result: UnblockResult,
        pin: PinBuffer | None,
    ) -> UnblockResult:
        """RULES P6, Q1: the holder types the PIN again after an unblock (on the card in
        this counter's reader); ``result`` with ``verified`` and the tries left. The card's
        answer is audited (Q7; never the PIN); the buffer is wiped. The services
        unreachable after the card answered: ``unblock_verify.AnswerNotRecorded`` carries
        the card's answer (and ``result`` as the card left it)."""

    @abstractmethod
    def record_unblock_verify(
        self,
        actor: Actor,
        session: HolderSession,
        event_id: int,
        answer: str,
        tries_left: int | None = None,
        card_error: str = "",
    ) -> None:
        """RULES P6, Q7: the card's answer to the PIN after the unblock ``event_id`` that
        could not be recorded when it came (``AnswerNotRecorded``), recorded now that the
        services answer; the same verdict on the same unblock is recorded once."""

    @abstractmethod
    def reset_service_password(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike
    ) -> OneTimePassword: ...

    @abstractmethod
    def verify_supervisor_approval(
        self,
        actor: Actor,
        staff_no: str,
        password: str,
        request_digest: str,
        action: str = "approve",
    ) -> SupervisorApproval: ...

    @abstractmethod
    def four_eyes_required(self) -> bool:
        """Setting ``four_eyes``: a supervisor approves resets and lifts."""

    # -- loss, lift, replacement ---------------------------------------------------------

    @abstractmethod
    def register_written_loss(
        self, actor: Actor, holder_id: int, details: WrittenLossInput, idempotency_key: str
    ) -> WrittenLossResult: ...

    @abstractmethod
    def lift_digest(self, actor: Actor, identity: CardIdentity, idempotency_key: str) -> str: ...

    @abstractmethod
    def check_lift(
        self, actor: Actor, identity: CardIdentity, document: IdDocumentLike | None
    ) -> LiftChecklist: ...

    @abstractmethod
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
    ) -> LiftResult: ...

    @abstractmethod
    def apply_replacement(
        self, actor: Actor, holder_id: int, document: IdDocumentLike, idempotency_key: str
    ) -> ReplacementResult: ...

    @abstractmethod
    def count_lapsing_phone_reports(self, actor: Actor, within_days: int | None = None) -> int: ...

    @abstractmethod
    def lapsing_phone_reports(
        self, actor: Actor, within_days: int | None = None, limit: int | None = 500
    ) -> list[LapsingReport]:
        """``limit`` defaults to ``phone_reports.LAPSING_LIST_LIMIT``."""

    @abstractmethod
    def reveal_lapsing_phone(self, actor: Actor, report_id: int) -> str:
        """The full phone number of one listed holder (the list masks it), audited."""

    # -- service cases, ratings and follow-ups (cases, ratings, followups; RULES E1-E4) ---

    @abstractmethod
    def case_of_session(self, actor: Actor, session_id: int) -> CaseInfo: ...

    @abstractmethod
    def attach_queue_ticket(self, actor: Actor, case_no: str, ticket: str) -> CaseInfo: ...

    @abstractmethod
    def open_case_at_workstation(self, actor: Actor) -> CaseInfo | None: ...

    @abstractmethod
    def close_recovered_case(self, actor: Actor, case_no: str) -> CaseInfo: ...

    @abstractmethod
    def record_rating(self, actor: Actor, case_no: str, answer: RatingAnswer) -> RatingStatus:
        """The holder's answer (never returned to the clerk: only 已评价)."""

    @abstractmethod
    def record_no_answer(self, actor: Actor, case_no: str) -> RatingStatus: ...

    @abstractmethod
    def rating_status(self, actor: Actor, case_no: str) -> RatingStatus: ...

    @abstractmethod
    def rating_timeout_seconds(self) -> int:
        """``settings.rating_timeout_seconds`` (RULES E2, policy)."""

    @abstractmethod
    def open_followups(self, actor: Actor) -> list[FollowUpItem]: ...

    @abstractmethod
    def followup_badge(self, actor: Actor) -> FollowUpCount: ...

    @abstractmethod
    def close_followup(
        self, actor: Actor, followup_id: int, action_taken: str, outcome: str
    ) -> FollowUpItem: ...

    @abstractmethod
    def reveal_followup_phone(self, actor: Actor, followup_id: int) -> str:
        """The full contact phone of one open follow-up's holder (the list masks it) for
        the 回访 call (RULES E3), audited; "" when none is on record."""

    # -- documents -----------------------------------------------------------------------

    @abstractmethod
    def render_form(self, form: Form) -> bytes:
        """The PDF of a registered form's plain data (``result.form``)."""

    @abstractmethod
    def reprint_loss_form(self, actor: Actor, session: HolderSession, reason: str) -> ReprintedForm:
        """补打挂失登记表 (RULES L4): the session holder's written report's form, marked 补打."""

    @abstractmethod
    def make_report(
        self,
        actor: Actor,
        request: ReportRequest,
        fmt: Format,
        progress: Progress | None = None,
    ) -> bytes:
        """A supervisor's report as PDF or CSV bytes (permission-checked and audited)."""
