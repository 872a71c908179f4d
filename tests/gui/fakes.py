"""Fakes for fast GUI unit tests: the typed service interface over in-memory data, and an
emulated card.

``FakeServices`` subclasses ``counter_app.api.CounterServices``, so mypy fails when a fake
drifts from the services' signatures; every workflow it stands in for also has an
end-to-end test on the real stack (``tests/e2e``). The card side is the real in-process
emulator and the real card client, so a PIN typed on the keypad really reaches a card.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import forms.data as fd
from counter_app.api import CounterServices, SupervisorApproval
from counter_app.services.access_slips import AccessSlipResult
from counter_app.services.approvals import ApprovalLike
from counter_app.services.case_errors import FollowUpNotFound, RatingAlreadyRecorded
from counter_app.services.cases import CaseInfo
from counter_app.services.context import Actor
from counter_app.services.errors import (
    DatabaseUnavailable,
    EmployerNotFound,
    EmployerNumberExpected,
    HolderNotFound,
    LoginFailed,
    NotPermitted,
    PinEntriesDiffer,
    SearchTextRequired,
    StaffSessionEnded,
    WeakPin,
)
from counter_app.services.followups import FollowUpCount, FollowUpItem
from counter_app.services.form_reprints import NoLossFormToReprint, ReprintedForm
from counter_app.services.idcheck import (
    IdDocument,
    IdDocumentLike,
    SessionVia,
    check_document,
)
from counter_app.services.lifting import LiftChecklist, LiftResult
from counter_app.services.loss_records import LossReportView
from counter_app.services.new_pin_refusal import NewPinRefusal
from counter_app.services.permissions import Action, OfficeKind, Role
from counter_app.services.phone_reports import LapsingReport, LapsingReportNotFound
from counter_app.services.pin_events import PasswordResult
from counter_app.services.pin_reset import UnblockResult
from counter_app.services.queries.benefits import DeathView
from counter_app.services.queries.category import Category
from counter_app.services.queries.holder import (
    CARD_STATES,
    BasicInfo,
    CardEvent,
    CardInfo,
    HolderOverview,
)
from counter_app.services.queries.public import (
    CATALOGUE_LIMIT,
    NO_WORK_DEATH,
    DrugRow,
    EmployerContributions,
    TreatmentRow,
    WorkDeathBenefits,
    looks_like_unit_number,
)
from counter_app.services.ratings import RatingAnswer, RatingStatus
from counter_app.services.records import WorkDeathReasonRequired
from counter_app.services.replacement import ReplacementResult
from counter_app.services.search import HolderHit
from counter_app.services.service_password import OneTimePassword
from counter_app.services.session_summary import AccessSummary, SessionRef
from counter_app.services.sessions import HolderSession
from counter_app.services.staff_credentials import check_new_password
from counter_app.services.staff_login import LoginResult
from counter_app.services.written_reports import WrittenLossInput, WrittenLossResult
from counter_app.ui.tasks import InlinePool, TaskRunner
from counter_app.validation import parse_id_number
from counter_app.validation.text_policy import (
    CATALOGUE_TEXT,
    ID_NUMBER_TEXT,
    SESSION_REASON,
    UNIT_NUMBER,
    clean_text,
)
from forms.data import Form, FormKind
from forms.masking import mask_id_number
from forms.specimens import specimen
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.identity import CardIdentity
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad
from reports.model import Progress
from reports.runner import Format, ReportRequest
from tests.id_documents import manual_doc

SSN = "500103198507150016"
CARD_ID = "500103D15600000512345678ABCDEF01"
#: The holder's resident ID card, as staff type it.
DOC = manual_doc(SSN)


def make_profile(**overrides: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "card_number": "A12345674",
        "card_id_code": CARD_ID,
        "card_type": "3",
        "spec_version": "3.00",
        "init_org": "500000000000000000000001",
        "issue_date": "2020-05-01",
        "expiry_date": "2030-05-01",
        "birth_date": "1985-07-15",
        "ssn": SSN,
        "name": "张三",
        "gender": "1",
        "ethnicity": "01",
        "birthplace": "500103",
        "pin": "135790",
        "pin_tries_max": 3,
        "pin_tries_left": 3,
        "app_state": "ok",
    }
    profile.update(overrides)
    return profile


def make_actor(
    staff_id: int = 1,
    staff_no: str = "YB500103-01",
    name: str = "医保经办甲",
    role: Role = Role.SUBCENTER_STAFF,
    kind: OfficeKind = OfficeKind.DISTRICT_SUBCENTER,
) -> Actor:
    return Actor(
        staff_id=staff_id,
        staff_no=staff_no,
        name=name,
        role=role,
        office_id=1,
        office_code="500103-YB",
        office_name="渝中区医疗保险分中心",
        office_kind=kind,
        district_code="500103",
        workstation_id="WS-01",
    )


def _session(session_id: int) -> HolderSession:
    return HolderSession(
        session_id=session_id,
        holder_id=7,
        card_id=70,
        via=SessionVia.ID_DOCUMENT,
        card_id_code=None,
        opened_at=dt.datetime(2024, 1, 2, 1, 30, tzinfo=dt.UTC),
        staff_id=1,
        office_id=1,
        card_number="A12345674",
    )


class FakeServices(CounterServices):
    """In-memory stand-in for the services: the same typed interface as
    ``InProcessServices`` (``CounterServices``: mypy checks every override), and the same
    rule decisions — the search masks the ID number and the ID check compares the typed
    number with the full one held here, never with what a screen shows. Workflow calls a
    test does not set up refuse with ``NotImplementedError``."""

    def __init__(self) -> None:
        self.accounts = {
            "YB500103-01": ("pw1", make_actor()),
            "YB500103-02": ("pw2", make_actor(2, "YB500103-02", "医保经办乙")),
        }
        self.card_state_value = "active"
        #: The card past its 有效期至 on the day of the search (HolderHit.card_expired).
        self.card_expired_value = False
        self.db_down = False
        self.calls: list[tuple[str, Any]] = []
        self.ended: list[Any] = []
        self.logged_out: list[str] = []
        #: Staff numbers whose accounts a supervisor disabled (RULES S1–S3).
        self.disabled: set[str] = set()
        #: Staff numbers with a one-time password (``staff add``/``reset-password``): the
        #: login says must_change_password until ``change_own_password``.
        self.must_change: set[str] = set()
        self._next = 0
        #: RULES E2/E3: answers recorded per case number (None: 未评价), follow-ups.
        self.ratings: dict[str, RatingAnswer | None] = {}
        self.followups: list[FollowUpItem] = []
        #: RULES E3: the holders' full phones by follow-up id (the items carry them masked).
        self.followup_phones: dict[int, str] = {}
        self.rating_timeout = 60
        self.open_case: CaseInfo | None = None
        self.tickets: dict[str, str] = {}
        #: RULES L2: the lapsing list (phones masked) and the full numbers by report id.
        self.lapsing: list[LapsingReport] = []
        self.lapsing_phones: dict[int, str] = {}
        #: RULES Q5, Q6: employers by unit number, the drug catalogue, the treatment items.
        self.employers: dict[str, EmployerContributions] = {}
        self.drugs: list[DrugRow] = []
        self.treatments: list[TreatmentRow] = []
        #: RULES Q5: work deaths by the deceased's number: (name, the record).
        self.work_deaths: dict[str, tuple[str, DeathView]] = {}

    @property
    def hit(self) -> HolderHit:
        return HolderHit(
            7,
            "张三",
            mask_id_number(SSN),
            "1",
            dt.date(1985, 7, 15),
            "A12345674",
            self.card_state_value,
            dt.date(2030, 5, 1),  # the fake card's 有效期至 (CARD profile above)
            self.card_expired_value,
        )

    def _db(self) -> None:
        if self.db_down:
            raise DatabaseUnavailable()

    def login(self, staff_no: str, password: str) -> LoginResult:
        self._db()
        entry = self.accounts.get(staff_no)
        if entry is None or entry[0] != password:
            raise LoginFailed()
        return LoginResult(entry[1], staff_no in self.must_change)

    def logout(self, actor: Actor) -> None:
        self.logged_out.append(actor.staff_no)

    def change_own_password(self, actor: Actor, old: str, new: str) -> None:
        """The services' policy (``check_new_password``), then the old password."""
        self._db()
        check_new_password(actor.staff_no, old, new)
        password, who = self.accounts[actor.staff_no]
        if password != old:
            raise LoginFailed()
        self.accounts[actor.staff_no] = (new, who)
        self.must_change.discard(actor.staff_no)
        self.calls.append(("change_own_password", actor.staff_no))

    def heartbeat(self, actor: Actor) -> None:
        self._db()
        if actor.staff_no in self.disabled or actor.staff_no in self.logged_out:
            raise StaffSessionEnded()

    def find_holders(self, actor: Actor, text: str) -> list[HolderHit]:
        self._db()
        self.calls.append(("find_holders", text))
        if text.upper() in (SSN, "A12345674") or text.startswith("张三"):
            return [self.hit]
        return []

    def _new_session(self) -> HolderSession:
        self._next += 1
        return _session(self._next)

    def open_card_session(
        self,
        actor: Actor,
        client: SocialSecurityCardClient,
        pin: PinBuffer | None,
        *,
        pinpad: SecurePinPad | None = None,
    ) -> HolderSession:
        self._db()
        if pin is not None:
            client.verify(pin)  # the real card judges the PIN
        self.calls.append(("open_card_session", None))
        return self._new_session()

    def open_id_session(
        self, actor: Actor, holder_id: int, document: IdDocument, reason: str
    ) -> HolderSession:
        self._db()
        if holder_id != 7:
            raise HolderNotFound()
        check_document(_Holder(SSN), document)  # the service's comparison, on the full number
        self.calls.append(("open_id_session", (holder_id, document, reason)))
        return self._new_session()

    def check_session_document(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike, purpose: Action
    ) -> None:
        self._db()
        self.calls.append(("check_session_document", purpose))
        check_document(_Holder(SSN), document)

    def end_session(self, actor: Actor, session: HolderSession, why: str = "done") -> AccessSummary:
        if session not in self.ended:  # like the service: nothing is closed twice
            self.ended.append(session)
        now = dt.datetime(2024, 1, 2, 2, 0, tzinfo=dt.UTC)
        return AccessSummary(
            session_id=session.session_id,
            holder_id=7,
            holder_name="张三",
            masked_ssn=mask_id_number(SSN),
            card_number="A12345674",
            via=session.via,
            identified_by="居民身份证",
            purpose="",
            staff_no=actor.staff_no,
            staff_name=actor.name,
            office_code=actor.office_code,
            office_name=actor.office_name,
            workstation=actor.workstation_id,
            opened_at=session.opened_at,
            closed_at=now,
            end_reason=why,
            categories=("card_basic",),
            category_labels=("卡基本信息",),
            actions=(),
        )

    def card_removed(self, session: HolderSession) -> None:
        self.ended.append(session)

    def card_state(self, actor: Actor, identity: CardIdentity) -> str | None:
        return self.card_state_value if identity.card_id_code == CARD_ID else None

    def issue_access_slip(self, actor: Actor, session: SessionRef) -> AccessSlipResult:
        assert isinstance(session, AccessSummary)
        form = specimen(FormKind.ACCESS_SLIP)
        assert isinstance(form, fd.AccessSlip)
        return AccessSlipResult(session, form, form.header.serial, False)

    def overview(self, actor: Actor, session: HolderSession | None) -> HolderOverview:
        self._db()
        at = dt.datetime(2024, 1, 2, 1, 30, tzinfo=dt.UTC)
        basic = BasicInfo(
            7,
            "张三",
            mask_id_number(SSN),
            "1",
            "01",
            dt.date(1985, 7, 15),
            "employed",
            "500103",
            "渝中区",
            "138****8000",
        )
        card = CardInfo(
            70,
            "A12345674",
            self.card_state_value,
            CARD_STATES.get(self.card_state_value, ""),
            at,
            dt.date(2020, 5, 1),
            dt.date(2030, 5, 1),
            "3.00",
            "500103",
        )
        return HolderOverview(basic, card, (CardEvent(at, "issue", "A12345674", "渝中区"),))

    def category(self, actor: Actor, session: HolderSession | None, which: Category | str) -> Any:
        self.calls.append(("category", str(which)))
        return {"category": str(which), "balance": "1,234.00"}

    def reveal_ssn(self, actor: Actor, session: HolderSession | None) -> str:
        self.calls.append(("reveal_ssn", session))
        return SSN

    def employer_contributions(
        self, actor: Actor, unit_number: str, months: int = 12
    ) -> EmployerContributions:
        """Like the service: the permission, the text policy, the number as typed (trimmed,
        upper case) or ``EmployerNotFound``; the call recorded."""
        self._db()
        if not actor.may(Action.VIEW_RECORDS):
            raise NotPermitted()
        number = clean_text(unit_number, UNIT_NUMBER).upper() if unit_number.strip() else ""
        self.calls.append(("employer_contributions", (number, months)))
        if not looks_like_unit_number(number):
            raise EmployerNumberExpected()
        found = self.employers.get(number)
        if found is None:
            raise EmployerNotFound()
        return dataclasses.replace(found, months=found.months[:months])

    def work_death_benefits(self, actor: Actor, ssn: str, reason: str) -> WorkDeathBenefits:
        """Like the service: the permission, the ID-number check, a reason under the text
        policy; 无记录 for a number without a work death; the call recorded."""
        self._db()
        if not actor.may(Action.VIEW_RECORDS):
            raise NotPermitted()
        typed = clean_text(ssn, ID_NUMBER_TEXT) if ssn.strip() else ""
        number = parse_id_number(typed, dt.date(2026, 12, 7)).number
        if not reason.strip():
            raise WorkDeathReasonRequired()
        why = clean_text(reason, SESSION_REASON)
        self.calls.append(("work_death_benefits", (number, why)))
        name, death = self.work_deaths.get(number, ("", NO_WORK_DEATH))
        return WorkDeathBenefits(name, mask_id_number(number), death)

    def _catalogue(self, rows: list[Any], text: str, limit: int) -> list[Any]:
        """The services' search: the text policy, then code or initials by prefix, name
        by part."""
        term = clean_text(text, CATALOGUE_TEXT) if text.strip() else ""
        if not term:
            raise SearchTextRequired()
        up = term.upper()
        hits = [
            r
            for r in rows
            if r.code.startswith(up) or term in r.name or r.pinyin_initials.startswith(up)
        ]
        return hits[:limit]

    def search_drugs(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[DrugRow]:
        self._db()
        self.calls.append(("search_drugs", (text, limit)))
        return self._catalogue(self.drugs, text, limit)

    def search_treatments(self, text: str, limit: int = CATALOGUE_LIMIT) -> list[TreatmentRow]:
        self._db()
        self.calls.append(("search_treatments", (text, limit)))
        return self._catalogue(self.treatments, text, limit)

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
        raise NotImplementedError

    def record_new_pin_refused(
        self, actor: Actor, session: HolderSession, purpose: Action, refusal: NewPinRefusal
    ) -> None:
        self._db()
        self.calls.append(("record_new_pin_refused", (purpose, refusal)))

    def pin_reset_digest(self, actor: Actor, session: HolderSession, submission: str = "") -> str:
        return f"reset:{session.session_id}:{submission}"

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
        raise NotImplementedError

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
        raise NotImplementedError

    def verify_after_unblock(
        self,
        actor: Actor,
        session: HolderSession,
        client: SocialSecurityCardClient,
        result: UnblockResult,
        pin: PinBuffer | None,
    ) -> UnblockResult:
        raise NotImplementedError

    def record_unblock_verify(
        self,
        actor: Actor,
        session: HolderSession,
        event_id: int,
        answer: str,
        tries_left: int | None = None,
        card_error: str = "",
    ) -> None:
        raise NotImplementedError

    def reset_service_password(
        self, actor: Actor, session: HolderSession, document: IdDocumentLike
    ) -> OneTimePassword:
        raise NotImplementedError

    def verify_supervisor_approval(
        self,
        actor: Actor,
        staff_no: str,
        password: str,
        request_digest: str,
        action: str = "approve",
    ) -> SupervisorApproval:
        raise NotImplementedError

    def four_eyes_required(self) -> bool:
        return False

    def register_written_loss(
        self, actor: Actor, holder_id: int, details: WrittenLossInput, idempotency_key: str
    ) -> WrittenLossResult:
        raise NotImplementedError

    def lift_digest(self, actor: Actor, identity: CardIdentity, idempotency_key: str) -> str:
        return f"lift:{identity.card_id_code}:{idempotency_key}"

    def check_lift(
        self, actor: Actor, identity: CardIdentity, document: IdDocumentLike | None
    ) -> LiftChecklist:
        raise NotImplementedError

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
        raise NotImplementedError

    def apply_replacement(
        self, actor: Actor, holder_id: int, document: IdDocumentLike, idempotency_key: str
    ) -> ReplacementResult:
        raise NotImplementedError

    def count_lapsing_phone_reports(self, actor: Actor, within_days: int | None = None) -> int:
        return len(self.lapsing)

    def lapsing_phone_reports(
        self, actor: Actor, within_days: int | None = None, limit: int | None = 500
    ) -> list[LapsingReport]:
        return list(self.lapsing[:limit])

    def reveal_lapsing_phone(self, actor: Actor, report_id: int) -> str:
        """Like the service: who may see the list, a listed report; the call recorded."""
        self._db()
        if not actor.may(Action.VIEW_RECORDS):
            raise NotPermitted()
        if report_id not in self.lapsing_phones:
            raise LapsingReportNotFound()
        self.calls.append(("reveal_lapsing_phone", report_id))
        return self.lapsing_phones[report_id]

    def render_form(self, form: Form) -> bytes:
        return tiny_pdf()

    def reprint_loss_form(self, actor: Actor, session: HolderSession, reason: str) -> ReprintedForm:
        """RULES L4 as the service answers it: only a card reported lost in writing has a
        挂失登记表 to reprint."""
        self._db()
        self.calls.append(("reprint_loss_form", (session.holder_id, reason)))
        if self.card_state_value != "lost":
            raise NoLossFormToReprint()
        serial = "500103-YB-2026-000001"
        return ReprintedForm(serial, f"挂失登记表 {serial}（补打）", tiny_pdf())

    # -- cases, ratings, follow-ups (the services' rules: once per case, status only) ---

    def case_of_session(self, actor: Actor, session_id: int) -> CaseInfo:
        ended = any(s.session_id == session_id for s in self.ended)
        at = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)
        return CaseInfo(
            f"500103-YB-20250310-{session_id:04d}",
            session_id,
            7,
            actor.staff_no,
            actor.name,
            actor.office_code,
            actor.workstation_id,
            None,
            at,
            at if ended else None,
            "done" if ended else None,
            (),
        )

    def attach_queue_ticket(self, actor: Actor, case_no: str, ticket: str) -> CaseInfo:
        session_id = int(case_no.rsplit("-", 1)[1])
        self.tickets[case_no] = ticket.strip()
        return dataclasses.replace(
            self.case_of_session(actor, session_id), queue_ticket=ticket.strip()
        )

    def open_case_at_workstation(self, actor: Actor) -> CaseInfo | None:
        return self.open_case

    def close_recovered_case(self, actor: Actor, case_no: str) -> CaseInfo:
        assert self.open_case is not None and self.open_case.case_no == case_no
        closed = dataclasses.replace(
            self.open_case, closed_at=self.open_case.opened_at, close_reason="recovered"
        )
        self.open_case = None
        return closed

    def record_rating(self, actor: Actor, case_no: str, answer: RatingAnswer) -> RatingStatus:
        if case_no in self.ratings:
            raise RatingAlreadyRecorded()
        self.ratings[case_no] = answer
        return RatingStatus.RATED

    def record_no_answer(self, actor: Actor, case_no: str) -> RatingStatus:
        if case_no not in self.ratings:
            self.ratings[case_no] = None
        return self.rating_status(actor, case_no)

    def rating_status(self, actor: Actor, case_no: str) -> RatingStatus:
        if case_no not in self.ratings:
            return RatingStatus.WAITING
        return RatingStatus.UNRATED if self.ratings[case_no] is None else RatingStatus.RATED

    def rating_timeout_seconds(self) -> int:
        return self.rating_timeout

    def open_followups(self, actor: Actor) -> list[FollowUpItem]:
        if not actor.may(Action.VIEW_REPORTS):
            raise NotPermitted()
        return [f for f in self.followups if f.closed_at is None]

    def followup_badge(self, actor: Actor) -> FollowUpCount:
        if not actor.may(Action.VIEW_REPORTS):
            return FollowUpCount(0, 0)
        open_ = [f for f in self.followups if f.closed_at is None]
        return FollowUpCount(len(open_), sum(1 for f in open_ if f.overdue))

    def close_followup(
        self, actor: Actor, followup_id: int, action_taken: str, outcome: str
    ) -> FollowUpItem:
        for i, item in enumerate(self.followups):
            if item.followup_id == followup_id and item.closed_at is None:
                closed = dataclasses.replace(
                    item,
                    closed_at=dt.datetime.now(dt.UTC),
                    action_taken=action_taken,
                    outcome=outcome,
                    overdue=False,
                )
                self.followups[i] = closed
                return closed
        raise NotImplementedError

    def reveal_followup_phone(self, actor: Actor, followup_id: int) -> str:
        """Like the service: a supervisor, an open follow-up; the call recorded."""
        self._db()
        if not actor.may(Action.VIEW_REPORTS):
            raise NotPermitted()
        if not any(f.followup_id == followup_id and f.closed_at is None for f in self.followups):
            raise FollowUpNotFound()
        self.calls.append(("reveal_followup_phone", followup_id))
        return self.followup_phones.get(followup_id, "")

    def make_report(
        self,
        actor: Actor,
        request: ReportRequest,
        fmt: Format,
        progress: Progress | None = None,
    ) -> bytes:
        raise NotImplementedError


@dataclass(frozen=True)
class _Holder:
    ssn: str


def inline_runner() -> TaskRunner:
    return TaskRunner(InlinePool(), InlinePool())


class Reader:
    """The in-process emulator as the counter's reader, plus a bridge on it."""

    def __init__(self, runner: TaskRunner, has_pin_pad: bool = False) -> None:
        from counter_app.ui.reader_bridge import ReaderBridge

        self.transport = InProcessTransport()
        self.bridge = ReaderBridge(
            runner,
            lambda fn: fn(SocialSecurityCardClient(self.transport)),
            has_pin_pad=has_pin_pad,
        )
        self.card: EmulatedCard | None = None

    def insert(self, **overrides: Any) -> EmulatedCard:
        self.card = EmulatedCard.from_profile(make_profile(**overrides))
        self.transport.insert(self.card)
        self.bridge.notify_inserted()
        return self.card

    def remove(self) -> None:
        self.transport.remove()
        self.bridge.notify_removed()


def tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(595, 842))
    page.drawString(100, 700, "LOSS FORM 500103-YB-2026-000001")
    page.showPage()
    page.save()
    return out.getvalue()


class WorkflowServices(FakeServices):
    """Adds the loss report and PIN change the workflow tests drive."""

    def __init__(self) -> None:
        super().__init__()
        self.submissions: list[tuple[str, Any]] = []

    def register_written_loss(
        self, actor: Actor, holder_id: int, details: WrittenLossInput, idempotency_key: str
    ) -> WrittenLossResult:
        self._db()
        self.submissions.append(("loss", (holder_id, details, idempotency_key)))
        at = dt.datetime(2026, 1, 2, 1, 30, tzinfo=dt.UTC)
        view = LossReportView(
            1,
            70,
            holder_id,
            "A12345674",
            "counter",
            "written",
            "active",
            at,
            None,
            None,
            "500103-YB-2026-000001",
            1,
        )
        form = specimen(FormKind.LOSS)
        assert isinstance(form, fd.LossForm)
        return WrittenLossResult(view, form, "500103-YB-2026-000001", False, False)

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
        assert old is not None and new1 is not None and new2 is not None
        if not new1.matches(new2):
            raise PinEntriesDiffer()
        if new1.is_weak():
            raise WeakPin()
        client.change_pin(old, new1)  # the real card checks the old PIN
        self.submissions.append(("change_pin", getattr(document, "number", document)))
        return PasswordResult(1, "success")


#: mypy checks the fakes against the interface (a drifted fake fails the type check).
_CHECK: CounterServices = WorkflowServices()


#: A valid ID number of someone the fake has no holder for (another person's card).
OTHER_SSN = "500103196803150310"


def id_card_profile(number: str, name: str, birth: str) -> dict[str, Any]:
    """A resident ID card as the emulated ID card reader holds it (reader.idcard.profile)."""
    return {
        "kind": "resident",
        "name": name,
        "gender": "1",
        "nation": "01",
        "birth": birth,
        "address": "重庆市渝中区民族路188号",
        "id_number": number,
        "authority": "重庆市公安局渝中区分局",
        "valid_from": "20160104",
        "valid_to": "长期",
    }


class RegisteredHolder:
    """The fake's holder as the database has them (a chip read compares the name too)."""

    ssn = SSN
    name = "张三"
